/**
 * `npm run bench`: the real bot, built as `main.ts` builds it, with every Bot API call answered
 * in-process (bench/transport.ts, no sockets), `BENCH_IN_FLIGHT` (50) updates in flight,
 * sequential per chat, on SQLite — beside a bare grammY bot answering each update with one
 * `sendMessage` over the same transport, measured in the same run. Prints Markdown tables.
 *
 * Scenarios: guest /start; /balance logged in; /accounts → card → balance → history; /reading →
 * values → «Отправить» (inside the readings window: the clock starts at 2026-11-20T00:00Z); each
 * on a small database and at `BENCH_ACCOUNTS` (100 000) accounts with `BENCH_RESIDENTS` (20 000)
 * residents; /balance p99 while 20 logins (argon2id) run at once; RSS after start (child processes)
 * and after the large scenario. `BENCH_DATABASE_URL` (PostgreSQL) adds the small scenarios there.
 * `BENCH_QUICK=1` runs only the small database (a minute). The machine may be shared: updates/s
 * and p99 are noisy; CPU ms per update (process.cpuUsage) much less so.
 *
 * Benchmarks are not tests: nothing here asserts a timing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import argon2 from 'argon2';
import { Bot } from 'grammy';
import { createApp } from '../src/app';
import type { Clock } from '../src/core/clock';
import { loadConfig } from '../src/config';
import {
  createDatabase,
  type Db,
  dialectOf,
  migrateLatest,
  openStateDatabase,
} from '../src/core/db/index';
import { createLogger } from '../src/core/logger';
import { seedDemo } from '../src/demo/seed';
import { ARGON2_OPTIONS } from '../src/features/auth/service';
import {
  accountsJourney,
  drive,
  type Measurement,
  readingJourney,
  type Script,
  sayBalance,
  sayStart,
} from './drive';
import { createResidents, GUEST_ID_BASE } from './residents';
import { sessionStorageBench } from './sessions';
import { createTransport } from './transport';

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);
const LARGE_ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const LARGE_RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 20_000);
const QUICK = process.env.BENCH_QUICK === '1';
/** Updates (or journeys) per scenario; the defaults keep the whole run under 10 minutes. */
const N = {
  bare: Number(process.env.BENCH_BARE ?? 20_000),
  start: Number(process.env.BENCH_START ?? 2_000),
  balance: Number(process.env.BENCH_BALANCE ?? 2_000),
  accounts: Number(process.env.BENCH_JOURNEYS ?? 300),
  reading: Number(process.env.BENCH_JOURNEYS ?? 300),
};
/** Inside the readings window (15–25 in Kamchatka); the bench clock ticks on from here. */
const START_OF_RUN = Date.parse('2026-11-20T00:00:00Z');
const PASSWORD = 'тёплый ветер над вулканом';

const silent = () => new Writable({ write: (_chunk, _encoding, done) => done() });

interface Row {
  scenario: string;
  m: Measurement;
}

function tickingClock(): Clock {
  const origin = performance.now();
  return () => new Date(START_OF_RUN + (performance.now() - origin));
}

async function bareBaseline(): Promise<Measurement> {
  const transport = createTransport();
  const bot = new Bot('1:bench', { client: { fetch: transport.fetch } });
  bot.on('message', (ctx) => ctx.reply('ok'));
  await bot.init();
  const people = Array.from({ length: N.bare }, (_, i) => GUEST_ID_BASE + 5_000_000 + (i % 5000));
  // Warm-up, then the measured run.
  await drive(bot, transport, people.slice(0, 2000), sayStart, { inFlight: IN_FLIGHT });
  return drive(bot, transport, people, sayStart, { inFlight: IN_FLIGHT });
}

interface Prepared {
  db: Db;
  /** As `main.ts` opens it: on SQLite a second file with synchronous=NORMAL. */
  stateDb: Db;
  residents: number[];
  emails: string[];
  seedSeconds: number;
  cleanup(): Promise<void>;
}

async function prepare(url: string, accounts: number, residents: number): Promise<Prepared> {
  const db = createDatabase(url);
  await migrateLatest(db);
  const started = performance.now();
  await seedDemo(db, {
    accounts,
    seed: 1,
    now: new Date(START_OF_RUN),
    onProgress: (done, total) => {
      if (accounts >= 20_000 && (done % 20_000 === 0 || done === total)) {
        process.stderr.write(
          `  seeded ${done}/${total} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
        );
      }
    },
  });
  const seedSeconds = (performance.now() - started) / 1000;
  const hash = await argon2.hash(PASSWORD, ARGON2_OPTIONS);
  const { telegramIds, emails } = await createResidents(db, residents, {
    today: '2026-11-20',
    nowIso: new Date(START_OF_RUN).toISOString(),
    passwordHash: hash,
    postgres: dialectOf(url) === 'postgres',
  });
  const stateDb = await openStateDatabase(url, db);
  return {
    db,
    stateDb,
    residents: telegramIds,
    emails,
    seedSeconds,
    cleanup: async () => {
      if (stateDb !== db) await stateDb.destroy();
      await db.destroy();
    },
  };
}

/** The four bot scenarios on one database; each person is used by one scenario only. */
async function botScenarios(prepared: Prepared, dir: string, label: string): Promise<Row[]> {
  const config = loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    MAIL_OUTBOX_DIR: join(dir, 'outbox'),
  });
  const transport = createTransport();
  const { bot } = createApp(
    {
      config,
      db: prepared.db,
      stateDb: prepared.stateDb,
      logger: createLogger('info', silent()),
      clock: tickingClock(),
    },
    { token: '1:bench', fetch: transport.fetch },
  );
  await bot.init();
  const residents = [...prepared.residents];
  const take = (n: number) => residents.splice(0, n);
  const guests = Array.from({ length: N.start }, (_, i) => GUEST_ID_BASE + i);
  // /balance repeats over 500 residents; the journeys each need residents of their own.
  const balancePeople = take(Math.min(500, N.balance));
  const repeat = (people: number[], n: number) =>
    Array.from({ length: n }, (_, i) => people[i % people.length]!);
  const run = (people: number[], script: Script) =>
    drive(bot, transport, people, script, { inFlight: IN_FLIGHT });

  const rows: Row[] = [];
  // Warm-up: compile the code paths once (not measured).
  await run(guests.slice(0, 200), sayStart);
  await run(balancePeople.slice(0, 200), sayBalance);
  await run(take(50), accountsJourney);
  await run(take(50), readingJourney);

  rows.push({ scenario: `${label}guest /start`, m: await run(guests, sayStart) });
  rows.push({
    scenario: `${label}/balance (logged in)`,
    m: await run(repeat(balancePeople, N.balance), sayBalance),
  });
  rows.push({
    scenario: `${label}/accounts → card → balance → history`,
    m: await run(take(N.accounts), accountsJourney),
  });
  rows.push({
    scenario: `${label}/reading → values → «Отправить»`,
    m: await run(take(N.reading), readingJourney),
  });
  return rows;
}

/** /balance p99 while 20 logins (argon2id verify) are always in flight. */
async function balanceUnderLogins(prepared: Prepared, dir: string): Promise<Row> {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', MAIL_OUTBOX_DIR: join(dir, 'o2') });
  const transport = createTransport();
  const { bot, services } = createApp(
    {
      config,
      db: prepared.db,
      stateDb: prepared.stateDb,
      logger: createLogger('info', silent()),
      clock: tickingClock(),
    },
    { token: '1:bench', fetch: transport.fetch },
  );
  await bot.init();
  const loginPeople = prepared.emails.slice(-20);
  const balancePeople = prepared.residents.slice(0, 1000);
  let running = true;
  let logins = 0;
  const loop = async (email: string, i: number) => {
    while (running) {
      const result = await services.auth.login({
        email,
        password: PASSWORD,
        telegramUserId: GUEST_ID_BASE + 1_000_000 + i,
      });
      if (result.kind !== 'ok') throw new Error(`login failed: ${result.kind}`);
      logins++;
    }
  };
  const loops = loginPeople.map(loop);
  const m = await drive(
    bot,
    transport,
    Array.from({ length: Math.min(N.balance, 1000) }, (_, i) => balancePeople[i % 1000]!),
    sayBalance,
    { inFlight: IN_FLIGHT },
  );
  running = false;
  await Promise.all(loops);
  return { scenario: `/balance while 20 logins run (${logins} logins done)`, m };
}

function rssChild(which: 'real' | 'bare'): number {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'rss.ts'), which],
    {
      encoding: 'utf8',
    },
  );
  return Number(out.trim().split('\n').pop());
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const fmt = (n: number, digits = 0) =>
  n
    .toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    .replace(/,/g, ' ');

function table(rows: Row[], baseline: Measurement): string {
  const lines = [
    "| scenario | updates/s | p50 ms | p99 ms | CPU ms per update | share of bare grammY's rate | failed scripts |",
    '|---|---|---|---|---|---|---|',
    `| bare grammY (baseline) | ${fmt(baseline.perSecond)} | ${fmt(baseline.p50, 2)} | ${fmt(baseline.p99, 1)} | ${fmt(baseline.cpuMsPerUpdate, 3)} | — | ${baseline.failures} |`,
  ];
  for (const { scenario, m } of rows) {
    lines.push(
      `| ${scenario} | ${fmt(m.perSecond)} | ${fmt(m.p50, 1)} | ${fmt(m.p99, 1)} | ${fmt(m.cpuMsPerUpdate, 2)} | ${((100 * m.perSecond) / baseline.perSecond).toFixed(1)} % | ${m.failures} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-bench-'));
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const started = performance.now();
  try {
    out(`## abonent benchmark, ${new Date().toISOString()}`);
    out(
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${mb(totalmem())} RAM, Node ${process.version}; ` +
        `load average at start ${(await import('node:os'))
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}. ` +
        `${IN_FLIGHT} updates in flight, sequential per chat, Bot API answered in-process.\n`,
    );

    const rssBare = rssChild('bare');
    const rssReal = rssChild('real');

    const baseline = await bareBaseline();
    const small = await prepare(`sqlite:${join(dir, 'small.db')}`, 2_000, 1_500);
    const rows = await botScenarios(small, dir, '');
    rows.push(await balanceUnderLogins(small, dir));
    await small.cleanup();

    if (process.env.BENCH_DATABASE_URL) {
      const pg = await prepare(process.env.BENCH_DATABASE_URL, 2_000, 1_500);
      rows.push(...(await botScenarios(pg, dir, 'PostgreSQL: ')));
      await pg.cleanup();
    }

    let seedLine = '';
    let rssAfterLarge: number | undefined;
    if (!QUICK) {
      const large = await prepare(
        `sqlite:${join(dir, 'large.db')}`,
        LARGE_ACCOUNTS,
        LARGE_RESIDENTS,
      );
      seedLine = `Seeding ${fmt(LARGE_ACCOUNTS)} accounts (demo seed, SQLite): ${large.seedSeconds.toFixed(1)} s.`;
      rows.push(...(await botScenarios(large, dir, `${fmt(LARGE_ACCOUNTS)} accounts: `)));
      rssAfterLarge = process.memoryUsage().rss;
      await large.cleanup();
    }

    out(table(rows, baseline));
    out('');
    out('| memory | abonent | bare grammY |');
    out('|---|---|---|');
    out(`| RSS idle after start | ${mb(rssReal)} | ${mb(rssBare)} |`);
    if (rssAfterLarge)
      out(`| RSS after the ${fmt(LARGE_ACCOUNTS)}-account scenarios | ${mb(rssAfterLarge)} | — |`);
    out('');
    if (seedLine) out(seedLine);
    out(
      'Receipts through a worker pool and broadcast at 30 messages/s: not measured — receipts (issue 10) render on the main thread (no worker pool yet) and broadcast (issue 11) is not on main.',
    );
    out('');
    await sessionStorageBench();
    out(`\nTotal ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
