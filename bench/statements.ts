/**
 * Statements per update, and a target for `node --cpu-prof --import tsx bench/statements.ts`:
 * `npx tsx bench/statements.ts balance|start|accounts|reading [updates or journeys]` runs one scenario on a small
 * SQLite database (1 000 accounts) and prints the statements per update (the main database's and,
 * marked «state:», the state database's), most frequent first. `PROFILE=file.cpuprofile` writes a CPU profile of
 * the measured run (not the seeding). `NOSTATE=1` keeps conversation state in the main database (as before issue 12).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createDatabase, migrateLatest, openStateDatabase } from '../src/core/db/index';
import { createLogger } from '../src/core/logger';
import { seedDemo } from '../src/demo/seed';
import { accountsJourney, drive, readingJourney, sayBalance, sayStart } from './drive';
import { createResidents, GUEST_ID_BASE } from './residents';
import { createTransport } from './transport';
/** `PROFILE=out.cpuprofile`: a CPU profile of the measured run only (not the seeding). */
async function startProfile() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return {
    async stop(path: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'i12prof-'));
const db = createDatabase(`sqlite:${join(dir, 'p.db')}`);
await migrateLatest(db);
await seedDemo(db, { accounts: 1000, seed: 1, now: new Date('2026-11-20T00:00:00Z') });
const { telegramIds } = await createResidents(db, 800, {
  today: '2026-11-20',
  nowIso: '2026-11-20T00:00:00.000Z',
});
const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', MAIL_OUTBOX_DIR: join(dir, 'o') });
const t = createTransport();
const stmts: Record<string, number> = {};
db.on('query', (q: { sql: string }) => {
  stmts[q.sql] = (stmts[q.sql] ?? 0) + 1;
});
const stateDb = process.env.NOSTATE
  ? db
  : await openStateDatabase(`sqlite:${join(dir, 'p.db')}`, db);
// The state database's statements too, marked as such.
if (stateDb !== db) {
  stateDb.on('query', (q: { sql: string }) => {
    const sql = `state: ${q.sql}`;
    stmts[sql] = (stmts[sql] ?? 0) + 1;
  });
}
const { bot } = createApp(
  {
    config,
    db,
    stateDb,
    logger: createLogger('info', new Writable({ write: (_c, _e, d) => d() })),
    clock: () => new Date('2026-11-20T00:00:00Z'),
  },
  { token: '1:b', fetch: t.fetch },
);
await bot.init();
const which = process.argv[2] ?? 'balance';
const n = Number(process.argv[3] ?? 1);
const people =
  which === 'balance'
    ? Array.from({ length: n }, (_, i) => telegramIds[i % 400]!)
    : which === 'start'
      ? Array.from({ length: n }, (_, i) => GUEST_ID_BASE + i)
      : telegramIds.slice(0, n);
const script =
  which === 'balance'
    ? sayBalance
    : which === 'start'
      ? sayStart
      : which === 'accounts'
        ? accountsJourney
        : readingJourney;
for (const k of Object.keys(stmts)) delete stmts[k];
const profiler = process.env.PROFILE ? await startProfile() : undefined;
const m = await drive(bot, t, people, script);
if (profiler) await profiler.stop(process.env.PROFILE ?? 'out.cpuprofile');
if (stateDb !== db) await stateDb.destroy();
process.stdout.write(`${JSON.stringify(m)}\n`);
const total = Object.values(stmts).reduce((a, b) => a + b, 0);
process.stdout.write(`statements per update ${total / m.updates}\n`);
for (const [k, v] of Object.entries(stmts)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 25))
  process.stdout.write(`${(v / m.updates).toFixed(2)} ${k.slice(0, 160)}\n`);
await db.destroy();
rmSync(dir, { recursive: true, force: true });
