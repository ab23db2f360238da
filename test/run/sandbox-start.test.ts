import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient } from '../../src/sandbox/client';

const root = join(import.meta.dirname, '..', '..');

/**
 * Starts the bot as `npm start` does — the bundle scripts/build.mjs wrote to dist/, plain Node,
 * no tsx — with no token, and waits for its banner.
 */
function startProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string; url: string }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60_000);
    const check = () => {
      const match = /open (http:\/\/127\.0\.0\.1:\d+) in a browser/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, output: () => out, url: match[1] });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the banner:\n${out}`));
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('npm start without a token', () => {
  const children: ChildProcess[] = [];
  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  });
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('when started on an empty database, seeds demo data, serves the sandbox, answers /start, and stops cleanly on Ctrl+C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-start-'));
    const { child, url, output } = await startProcess({
      DATABASE_URL: `sqlite:${join(dir, 'abonent.db')}`,
      MAIL_OUTBOX_DIR: join(dir, 'outbox'),
      SANDBOX_PORT: '0',
      LOG_LEVEL: 'info',
    });
    children.push(child);
    expect(output()).toMatch(/Demo accounts/);
    // The sandbox warms the render pool: a PDF and a chart in dist/render-worker.js, plain Node.
    await expect.poll(output, { timeout: 30_000 }).toMatch(/"msg":"render pool warm"/);
    expect(output()).toMatch(/\d{6,}\s+счётчик/);

    const client = new SandboxClient(url);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const anna = await client.createUser({ first_name: 'Анна', language_code: 'ru' });
    await client.sendText(anna.id, anna.id, '/start');
    expect((await client.nextBotMessage(anna.id)).text).toContain('Здравствуйте!');

    child.kill('SIGINT');
    expect(await exitOf(child)).toBe(0);
    expect(output()).not.toMatch(/Error|at .*\.[jt]s:\d+/);
  }, 120_000);

  it('when the sandbox restarts on the same database, then the page keeps its residents and a newcomer never gets an old id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-restart-'));
    const env = {
      DATABASE_URL: `sqlite:${join(dir, 'abonent.db')}`,
      MAIL_OUTBOX_DIR: join(dir, 'outbox'),
      SANDBOX_PORT: '0',
    };
    const first = await startProcess(env);
    children.push(first.child);
    const galina = await new SandboxClient(first.url).createUser({ first_name: 'Галина' });
    first.child.kill('SIGINT');
    expect(await exitOf(first.child)).toBe(0);

    const second = await startProcess(env);
    children.push(second.child);
    const client = new SandboxClient(second.url);
    const newcomer = await client.createUser({ first_name: 'Новенький' });
    expect(newcomer.id).toBeGreaterThan(galina.id);
    await client.sendText(newcomer.id, newcomer.id, '/start');
    expect((await client.nextBotMessage(newcomer.id)).text).not.toContain('Галина');
    second.child.kill('SIGINT');
    expect(await exitOf(second.child)).toBe(0);
    // The state lives next to the database it belongs to.
    expect(existsSync(join(dir, 'abonent.sandbox.json'))).toBe(true);
  }, 120_000);
});
