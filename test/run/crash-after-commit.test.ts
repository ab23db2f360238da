import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWorker } from '../../src/core/outbox/worker';
import type { TranscriptEntry } from '../../src/sandbox/client';
import { SandboxClient } from '../../src/sandbox/client';
import { type BotApiEmulator, createBotApiEmulator } from '../../src/sandbox/emulator';
import { buttonTexts, TEST_BOT } from '../support/harness';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { createAccountWithMeters, freshAccountNumber } from '../support/readings';
import { linkDirectly, loginResident } from '../support/residents';

const root = join(import.meta.dirname, '..', '..');

/**
 * A Bot API proxy in front of the emulator: passes every call through, except the first
 * `sendMessage` whose body matches `killOn`, on which it SIGKILLs the bot process and drops the
 * request (the reply never reaches "Telegram").
 */
function killingProxy(emulator: BotApiEmulator, killOn: RegExp) {
  let child: ChildProcess | undefined;
  let killed = false;
  let polled = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url?.endsWith('/getUpdates')) polled = true;
      if (!killed && req.url?.endsWith('/sendMessage') && killOn.test(body.toString('utf8'))) {
        killed = true;
        child?.kill('SIGKILL');
        req.socket.destroy();
        return;
      }
      const target = new URL(req.url ?? '/', emulator.url);
      const upstream = request(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  return {
    server,
    attach: (process: ChildProcess) => {
      child = process;
    },
    killed: () => killed,
    polled: () => polled,
  };
}

describe('a bot process killed right after a reading is committed', () => {
  let database: TestDatabase;
  let emulator: BotApiEmulator;
  let proxy: ReturnType<typeof killingProxy>;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    database = await withTestDatabase();
    emulator = createBotApiEmulator({ bot: TEST_BOT });
    await emulator.start();
    proxy = killingProxy(emulator, /Показания приняты/);
    proxy.server.listen(0, '127.0.0.1');
    await once(proxy.server, 'listening');
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    proxy.server.close();
    await emulator.stop();
    await database.cleanup();
  });

  it('when the process dies while sending «Показания приняты», then after the restart the worker delivers it once, with the number', async () => {
    const client = new SandboxClient(emulator.url);
    const person = await client.createUser({ first_name: 'Анна', language_code: 'ru' });
    const { userId } = await loginResident(database.db, person.id);
    const number = freshAccountNumber();
    // The last reading a month ago, whatever today is.
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600_000);
    const period = monthAgo.toISOString().slice(0, 7);
    await createAccountWithMeters(database.db, {
      number,
      meters: [
        {
          serial: `K${number}`,
          zones: 1,
          digits: 6,
          readings: [{ period, at: monthAgo.toISOString(), kwh: { T1: 5000 } }],
        },
      ],
    });
    await linkDirectly(database.db, userId, number);

    const { port } = proxy.server.address() as AddressInfo;
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
        LOG_LEVEL: 'silent',
        BOT_MODE: 'polling',
        BOT_TOKEN: TEST_BOT.token,
        TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
        DATABASE_URL: database.url,
      },
      stdio: 'ignore',
    });
    proxy.attach(child);
    const exited = once(child, 'exit');
    for (let i = 0; i < 300 && !proxy.polled(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(proxy.polled()).toBe(true);

    // The flow: /reading (a notice may come first outside the window), the value, «Отправить».
    await client.sendText(person.id, person.id, '/reading');
    let question: TranscriptEntry = await client.nextBotMessage(person.id, { timeoutMs: 30_000 });
    for (let i = 0; i < 3 && buttonTexts(question).length === 0; i++) {
      question = await client.nextBotMessage(person.id);
    }
    await client.sendText(person.id, person.id, '5100');
    const summary = await client.nextBotMessage(person.id);
    expect(buttonTexts(summary)).toContain('✅ Отправить');
    await client.pressButton(person.id, person.id, summary, '✅ Отправить');
    await exited;
    expect(proxy.killed()).toBe(true);

    // Killed: the reading is committed, the confirmation waits in the outbox, the chat has none.
    const reading = await database.db('meter_readings').where({ value_milli: 5_100_000 }).first();
    expect(reading).toBeDefined();
    const said = (await client.transcript(person.id)).filter((m) =>
      (m.text ?? '').startsWith('Показания приняты'),
    );
    expect(said).toEqual([]);
    const [held] = await database
      .db('outbox')
      .where({ chat_id: person.id, kind: 'reading-accepted' });
    expect(held?.status).toBe('sending');

    // The restarted process's worker, two minutes on: the dead claim has lapsed.
    const worker = new OutboxWorker(
      database.db,
      new Api(TEST_BOT.token, { apiRoot: emulator.apiRoot }),
      { clock: () => Date.now() + 2 * 60_000 },
    );
    await worker.runOnce();
    const delivered = (await client.transcript(person.id)).filter((m) =>
      (m.text ?? '').startsWith('Показания приняты'),
    );
    expect(delivered.map((m) => m.text)).toEqual([
      `Показания приняты, № ${reading.submission_id}. Спасибо!`,
    ]);
    const after = await database.db('outbox').where({ id: held.id }).first();
    expect(after.status).toBe('sent');
    // Another round sends nothing more.
    await worker.runOnce();
    expect(
      (await client.transcript(person.id)).filter((m) =>
        (m.text ?? '').startsWith('Показания приняты'),
      ),
    ).toHaveLength(1);
  }, 120_000);
});
