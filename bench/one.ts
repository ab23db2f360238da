/**
 * One scenario on the bench's small database, for profiling and quick comparisons:
 * `npx tsx bench/one.ts balance|start|accounts|reading [measured] [warm-up] [rounds]`.
 * Prints each round's measurement. `PROFILE=file.cpuprofile` profiles the last round.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import argon2 from 'argon2';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createDatabase, migrateLatest, openStateDatabase } from '../src/core/db/index';
import { createLogger } from '../src/core/logger';
import { seedDemo } from '../src/demo/seed';
import { ARGON2_OPTIONS } from '../src/features/auth/service';
import { accountsJourney, drive, readingJourney, sayBalance, sayStart } from './drive';
import { createResidents, GUEST_ID_BASE } from './residents';
import { createTransport } from './transport';

const which = process.argv[2] ?? 'balance';
const n = Number(process.argv[3] ?? 10_000);
const warm = Number(process.argv[4] ?? 2_000);
const rounds = Number(process.argv[5] ?? 3);
const START = Date.parse('2026-11-20T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'one-'));
const url = `sqlite:${join(dir, 'one.db')}`;
const db = createDatabase(url);
await migrateLatest(db);
await seedDemo(db, { accounts: 2000, seed: 1, now: new Date(START) });
const { telegramIds } = await createResidents(db, 1500, {
  today: '2026-11-20',
  nowIso: new Date(START).toISOString(),
  passwordHash: await argon2.hash('тёплый ветер над вулканом', ARGON2_OPTIONS),
});
const stateDb = await openStateDatabase(url, db);
const t = createTransport();
const origin = performance.now();
const { bot, renderPool } = createApp(
  {
    config: loadConfig({ DATABASE_URL: 'sqlite::memory:', MAIL_OUTBOX_DIR: join(dir, 'o') }),
    db,
    stateDb,
    logger: createLogger('info', new Writable({ write: (_c, _e, d) => d() })),
    clock: () => new Date(START + (performance.now() - origin)),
  },
  { token: '1:b', fetch: t.fetch },
);
await bot.init();
let guest = GUEST_ID_BASE;
let resident = 500;
const people = (count: number) => {
  if (which === 'balance') return Array.from({ length: count }, (_, i) => telegramIds[i % 500]!);
  if (which === 'start') return Array.from({ length: count }, () => guest++);
  const slice = telegramIds.slice(resident, resident + count);
  resident += count;
  return slice;
};
const script = {
  balance: sayBalance,
  start: sayStart,
  accounts: accountsJourney,
  reading: readingJourney,
}[which]!;
const journeys = which === 'accounts' || which === 'reading';
await drive(bot, t, people(journeys ? Math.min(warm, 200) : warm), script);
for (let r = 0; r < rounds; r++) {
  const last = r === rounds - 1;
  let session: Session | undefined;
  if (last && process.env.PROFILE) {
    session = new Session();
    session.connect();
    for (const m of ['Profiler.enable', 'Profiler.start'])
      await new Promise((ok) => session!.post(m, ok));
  }
  const m = await drive(bot, t, people(journeys ? Math.min(n, 400) : n), script);
  if (session) {
    const profile = await new Promise((ok) =>
      session!.post('Profiler.stop', (_e, r) => ok((r as { profile: unknown }).profile)),
    );
    writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
  }
  process.stdout.write(
    `${which}: ${m.perSecond.toFixed(0)}/s p50 ${m.p50.toFixed(1)} p99 ${m.p99.toFixed(1)} ms CPU ${m.cpuMsPerUpdate.toFixed(3)} ms failures ${m.failures}\n`,
  );
}
await renderPool.close();
await stateDb.destroy();
await db.destroy();
rmSync(dir, { recursive: true, force: true });
