/**
 * Child process of `npm run bench`: builds either the real bot as `main.ts` builds it (`real`) or
 * a bare grammY bot (`bare`), waits a second idle, and prints its resident set size in bytes.
 * The benchmark runs it compiled, as dist/bench-rss.js (`node scripts/build.mjs --bench`), with
 * plain `node`: the same JavaScript `npm start` runs, without tsx's loader.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTransport } from './transport';

const which = process.argv[2] ?? 'real';
const transport = createTransport();
const idle = () => new Promise((resolve) => setTimeout(resolve, 1000));

if (which === 'bare') {
  const { Bot } = await import('grammy');
  const bot = new Bot('1:bench', { client: { fetch: transport.fetch } });
  bot.on('message', (ctx) => ctx.reply('ok'));
  await bot.init();
  await idle();
  process.stdout.write(`${process.memoryUsage().rss}\n`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-rss-'));
  const { createApp } = await import('../src/app');
  const { loadConfig } = await import('../src/config');
  const { createDatabase, migrateLatest } = await import('../src/core/db/index');
  const { createLogger } = await import('../src/core/logger');
  const { systemClock } = await import('../src/core/clock');
  const config = loadConfig({
    DATABASE_URL: `sqlite:${join(dir, 'rss.db')}`,
    MAIL_OUTBOX_DIR: join(dir, 'outbox'),
  });
  const db = createDatabase(config.databaseUrl);
  await migrateLatest(db);
  const { bot, background } = createApp(
    {
      config,
      db,
      logger: createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() })),
      clock: systemClock,
    },
    { token: '1:bench', fetch: transport.fetch },
  );
  await bot.init();
  background.start();
  await idle();
  process.stdout.write(`${process.memoryUsage().rss}\n`);
  await background.stop();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
