/**
 * `npm run bench`: the real bot, built by `createApp` as `main.ts` builds it, with every Bot API
 * call answered in-process (bench/transport.ts, no sockets), `BENCH_IN_FLIGHT` (50) updates in
 * flight, sequential per chat — beside a bare grammY bot answering each update with one
 * `sendMessage` over the same transport, measured in the same run. Prints one Markdown table,
 * SQLite and (with `--pg`, BENCH_DATABASE_URL, TEST_DATABASE_URL or a `postgres://` DATABASE_URL;
 * each scenario in a scratch database, dropped after) PostgreSQL side by side.
 *
 * Scenarios (issue 12): guest /start; /balance logged in; /accounts → card → balance → history;
 * /reading → values → «Отправить» (inside the readings window: the clock starts at
 * 2026-11-20T00:00Z); each on a small database (2 000 accounts, 1 500 residents) and at
 * `BENCH_ACCOUNTS` (100 000) accounts with `BENCH_RESIDENTS` (20 000) residents; /balance while 20
 * logins (argon2id) run at once; receipts and charts, 10 rendering at once, through the render pool
 * and (baseline) on the main thread, with the bot's /balance p99 and event-loop delay meanwhile;
 * a broadcast to `BENCH_BROADCAST` (3 000) residents against 30 messages/s with 429s, real time;
 * seeding 100 000 accounts (in a child process); RSS after start (child processes) and after the
 * large scenarios; session storage against grammY's memory storage. `BENCH_QUICK=1` skips the
 * large database and shortens the broadcast to 600 residents; `BENCH_ONLY=render` runs only the
 * receipts and charts (pool and main thread) on the small database; `BENCH_RENDER_THREADS=n`
 * gives the pool n threads instead of `renderThreads()`.
 *
 * `npm run bench` runs this file compiled (`scripts/build.mjs --bench` → dist/bench.js, plain
 * `node`), so the bot measured, and the RSS after the large scenarios, is the JavaScript
 * `npm start` runs; `npx tsx bench/index.ts` runs it from the sources. The seed child runs
 * through tsx.
 *
 * The machine may be shared: updates/s and p99 are noisy; CPU ms per update (process.cpuUsage)
 * much less so. Benchmarks are not tests: nothing here asserts a timing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import argon2 from 'argon2';
import { Bot } from 'grammy';
import { type App, createApp } from '../src/app';
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
import { RenderPool } from '../src/core/render-pool/index';
import { seedDemo } from '../src/demo/seed';
import { ARGON2_OPTIONS } from '../src/features/auth/service';
import { FROM_SOURCES, fromRoot } from '../src/paths';
import { broadcastRun } from './broadcast';
import {
  accountsJourney,
  chartJourney,
  drive,
  type Measurement,
  readingJourney,
  receiptJourney,
  type Script,
  sayBalance,
  sayStart,
} from './drive';
import { postgresUrl, scratchPostgres } from './postgres';
import {
  BALANCE_PER_SECOND,
  balanceAlone,
  MainThreadRenderPool,
  RENDERS_IN_FLIGHT,
  type RenderLoad,
  renderLoad,
} from './render';
import { createResidents, GUEST_ID_BASE } from './residents';
import { sessionStorageBench } from './sessions';
import { createTransport, type Transport } from './transport';

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);
const LARGE_ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const LARGE_RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 20_000);
const QUICK = process.env.BENCH_QUICK === '1';
/** `BENCH_ONLY=render`: only the receipts and charts (pool and main thread) on the small database. */
const ONLY = process.env.BENCH_ONLY;
if (ONLY !== undefined && ONLY !== 'render') throw new Error(`BENCH_ONLY=${ONLY}: only "render"`);
const PG_BASE = postgresUrl(process.argv.slice(2), process.env);
/** Updates (or journeys) per scenario; the defaults keep the whole run under 10 minutes. */
const N = {
  bare: Number(process.env.BENCH_BARE ?? 20_000),
  start: Number(process.env.BENCH_START ?? 10_000),
  balance: Number(process.env.BENCH_BALANCE ?? 10_000),
  accounts: Number(process.env.BENCH_JOURNEYS ?? 300),
  reading: Number(process.env.BENCH_JOURNEYS ?? 300),
  renders: Number(process.env.BENCH_RENDERS ?? 200),
  broadcast: Number(process.env.BENCH_BROADCAST ?? (QUICK ? 600 : 3_000)),
};
/** Updates each bot scenario runs before it is measured (journeys: {@link WARM_UP_JOURNEYS}). */
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 3_000);
const WARM_UP_JOURNEYS = Math.ceil(WARM_UP / 20);
/** Inside the readings window (15–25 in Kamchatka); the bench clock ticks on from here. */
const START_OF_RUN = Date.parse('2026-11-20T00:00:00Z');
const PASSWORD = 'тёплый ветер над вулканом';
const ADMIN_CHAT = -1_001_000_000_001;

const silent = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const out = (text: string) => process.stdout.write(`${text}\n`);
const note = (text: string) => process.stderr.write(`  ${text}\n`);

function tickingClock(): Clock {
  const origin = performance.now();
  return () => new Date(START_OF_RUN + (performance.now() - origin));
}

// ---------------------------------------------------------------------------------------------
// Formatting and the one table

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const fmt = (n: number, digits = 0) =>
  n
    .toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    .replace(/,/g, ' ');

type Backend = 'SQLite' | 'PostgreSQL';

interface Row {
  scenario: string;
  measured: string;
  cells: Partial<Record<Backend, string>>;
  baseline: string;
  target: string;
}

const rows = new Map<string, Row>();
const failures: string[] = [];

function put(
  key: string,
  backend: Backend,
  cell: string,
  describe: Omit<Row, 'cells'> & { baseline?: string },
): void {
  const row = rows.get(key) ?? { ...describe, cells: {} };
  row.cells[backend] = cell;
  if (describe.baseline && describe.baseline !== '—') row.baseline = describe.baseline;
  rows.set(key, row);
}

/** Keeps the first failed script's last message, to print under the table. */
function noteFailures(label: string, m: { failures: number; firstFailure?: string }): void {
  if (m.failures > 0) failures.push(`- ${label}: ${m.failures} failed; first: ${m.firstFailure}`);
}

function updatesCell(m: Measurement, bare: Measurement, ratioTo?: Measurement): string {
  const parts = [
    `${fmt(m.perSecond)}/s (${((100 * m.perSecond) / bare.perSecond).toFixed(1)} %)`,
    `p50 ${fmt(m.p50, 1)}`,
    `p99 ${fmt(m.p99, 1)} ms`,
    `CPU ${fmt(m.cpuMsPerUpdate, 2)} ms`,
  ];
  if (ratioTo) {
    parts.push(
      `×${(ratioTo.perSecond / m.perSecond).toFixed(2)} the small database's time, ×${(m.cpuMsPerUpdate / ratioTo.cpuMsPerUpdate).toFixed(2)} its CPU`,
    );
  }
  if (m.failures > 0) parts.push(`**${m.failures} failed scripts**`);
  return parts.join(' · ');
}

function renderCell(load: RenderLoad, what: string): string {
  const parts = [
    `${fmt(load.rendersPerSecond, 1)} ${what}/s`,
    `loop delay p99 ${fmt(load.loopP99, 1)} ms (max ${fmt(load.loopMax, 0)})`,
    `/balance p50 ${fmt(load.balance.p50, 1)} · p99 ${fmt(load.balance.p99, 1)} ms`,
  ];
  const failed = load.renders.failures + load.balance.failures;
  if (failed > 0) parts.push(`**${failed} failed scripts**`);
  return parts.join(' · ');
}

function table(withPostgres: boolean): string {
  const backends: Backend[] = withPostgres ? ['SQLite', 'PostgreSQL'] : ['SQLite'];
  const lines = [
    `| scenario | measured as | ${backends.join(' | ')} | baseline, same run | target |`,
    `|---|---|${backends.map(() => '---|').join('')}---|---|`,
  ];
  for (const row of rows.values()) {
    const cells = backends.map((b) => row.cells[b] ?? '—');
    lines.push(
      `| ${row.scenario} | ${row.measured} | ${cells.join(' | ')} | ${row.baseline} | ${row.target} |`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Databases

interface Prepared {
  db: Db;
  /** As `main.ts` opens it: on SQLite a second file with synchronous=NORMAL. */
  stateDb: Db;
  residents: number[];
  emails: string[];
  seedSeconds: number;
  cleanup(): Promise<void>;
}

async function database(backend: Backend, dir: string, label: string) {
  if (backend === 'PostgreSQL') return scratchPostgres(PG_BASE!);
  const file = join(dir, `${label}.db`);
  return {
    url: `sqlite:${file}`,
    drop: async () => {
      // The main file and, beside it, the state database `openStateDatabase` opens (x.state.db).
      const state = join(dir, `${label}.state.db`);
      for (const path of [file, state])
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    },
  };
}

/**
 * A migrated, seeded database with `residents` logged-in residents. `inChild`: the demo seed runs
 * in a process of its own (bench/seed.ts --into), so this process's memory is the bot's only.
 */
async function prepare(
  backend: Backend,
  dir: string,
  label: string,
  accounts: number,
  residents: number,
  options: { inChild?: boolean } = {},
): Promise<Prepared> {
  const { url, drop } = await database(backend, dir, label);
  let seedSeconds = 0;
  if (options.inChild) {
    const output = execFileSync(
      process.execPath,
      ['--import', 'tsx', fromRoot('bench', 'seed.ts'), String(accounts), '--into', url],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    seedSeconds = Number(output.trim().split('\n').pop());
  }
  const db = createDatabase(url);
  await migrateLatest(db);
  if (!options.inChild) {
    const started = performance.now();
    await seedDemo(db, { accounts, seed: 1, now: new Date(START_OF_RUN) });
    seedSeconds = (performance.now() - started) / 1000;
  }
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
      await drop();
    },
  };
}

let apps = 0;
/** The bot as `main.ts` builds it, on `prepared`, talking to `transport`. */
async function appOn(
  prepared: Prepared,
  dir: string,
  transport: Transport,
  renderPool?: RenderPool,
): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    MAIL_OUTBOX_DIR: join(dir, `outbox-${apps++}`),
    RECEIPTS_DIR: join(dir, `receipts-${apps}`),
  });
  const app = createApp(
    {
      config,
      db: prepared.db,
      stateDb: prepared.stateDb,
      logger: createLogger('info', silent()),
      clock: tickingClock(),
    },
    { token: '1:bench', fetch: transport.fetch, ...(renderPool ? { renderPool } : {}) },
  );
  await app.bot.init();
  return app;
}

// ---------------------------------------------------------------------------------------------
// Scenarios

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

type BotFigures = Record<'start' | 'balance' | 'accounts' | 'reading', Measurement>;

/** The four bot scenarios on one database; each person is used by one scenario only. */
async function botScenarios(prepared: Prepared, dir: string): Promise<BotFigures> {
  const transport = createTransport();
  const { bot, renderPool } = await appOn(prepared, dir, transport);
  const residents = [...prepared.residents];
  const take = (n: number) => residents.splice(0, n);
  const guests = Array.from({ length: N.start }, (_, i) => GUEST_ID_BASE + i);
  const warmGuests = Array.from({ length: WARM_UP }, (_, i) => GUEST_ID_BASE + N.start + i);
  // /balance repeats over 500 residents; the journeys each need residents of their own.
  const balancePeople = take(Math.min(500, N.balance));
  const repeat = (people: number[], n: number) =>
    Array.from({ length: n }, (_, i) => people[i % people.length]!);
  const run = (people: number[], script: Script) =>
    drive(bot, transport, people, script, { inFlight: IN_FLIGHT });

  // Warm-up (not measured): long enough for the JIT to have optimised the hot paths, so each
  // database is measured warm, whichever runs first in the process (the large one does).
  await run(warmGuests, sayStart);
  await run(repeat(balancePeople, WARM_UP), sayBalance);
  await run(take(WARM_UP_JOURNEYS), accountsJourney);
  await run(take(WARM_UP_JOURNEYS), readingJourney);

  const figures = {
    start: await run(guests, sayStart),
    balance: await run(repeat(balancePeople, N.balance), sayBalance),
    accounts: await run(take(N.accounts), accountsJourney),
    reading: await run(take(N.reading), readingJourney),
  };
  await renderPool.close();
  return figures;
}

/** /balance p99 while 20 logins (argon2id verify) are always in flight. */
async function balanceUnderLogins(
  prepared: Prepared,
  dir: string,
): Promise<{ m: Measurement; logins: number }> {
  const transport = createTransport();
  const { bot, services, renderPool } = await appOn(prepared, dir, transport);
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
  await renderPool.close();
  return { m, logins };
}

interface RenderFigures {
  alone: Awaited<ReturnType<typeof balanceAlone>>;
  receipts: { pool: RenderLoad; main: RenderLoad };
  charts: { pool: RenderLoad; main: RenderLoad };
  threads: number;
}

/**
 * Receipts and charts, `RENDERS_IN_FLIGHT` at once, with /balance meanwhile: through the render
 * pool, then with the main-thread baseline. The render residents' accounts are ones the other
 * scenarios do not write to.
 */
async function renderScenarios(prepared: Prepared, dir: string): Promise<RenderFigures> {
  const renderPeople = prepared.residents.slice(-N.renders);
  const balancePeople = prepared.residents.slice(0, 500);
  const measure = async (renderPool?: RenderPool) => {
    const transport = createTransport();
    const app = await appOn(prepared, dir, transport, renderPool);
    await app.renderPool.warm();
    // Warm-up: each path once per render slot.
    const warmPeople = renderPeople.slice(0, RENDERS_IN_FLIGHT * 2);
    await drive(app.bot, transport, warmPeople, receiptJourney, { inFlight: RENDERS_IN_FLIGHT });
    await drive(app.bot, transport, warmPeople, chartJourney, { inFlight: RENDERS_IN_FLIGHT });
    const figures = {
      alone: await balanceAlone(app.bot, transport, balancePeople, 5),
      receipts: await renderLoad(app.bot, transport, receiptJourney, renderPeople, balancePeople),
      charts: await renderLoad(app.bot, transport, chartJourney, renderPeople, balancePeople),
      threads: app.renderPool.threads,
    };
    await app.renderPool.close();
    return figures;
  };
  const threads = process.env.BENCH_RENDER_THREADS;
  const pool = await measure(threads ? new RenderPool({ threads: Number(threads) }) : undefined);
  const main = await measure(new MainThreadRenderPool());
  return {
    alone: pool.alone,
    receipts: { pool: pool.receipts, main: main.receipts },
    charts: { pool: pool.charts, main: main.charts },
    threads: pool.threads,
  };
}

// ---------------------------------------------------------------------------------------------

const BOT_ROWS = {
  start: { scenario: 'guest /start', target: '≥ 3 000/s' },
  balance: {
    scenario: '/balance (logged in)',
    target: '≥ 1 500/s and ≥ 10 % of bare grammY; p99 ≤ 25 ms',
  },
  accounts: { scenario: '/accounts → card → balance → history', target: '—' },
  reading: { scenario: '/reading → values → «Отправить»', target: '≥ 500/s' },
} as const;
const UPDATES = 'updates/s (share of bare grammY) · p50 · p99 · CPU per update';

/** The render rows of the table: receipts and charts, pool and main thread, on `small`. */
async function renderRows(backend: Backend, small: Prepared, dir: string): Promise<void> {
  note(`${backend}: receipts and charts, ${RENDERS_IN_FLIGHT} at once`);
  const renders = await renderScenarios(small, dir);
  for (const [what, load] of [
    ['receipts, pool', renders.receipts.pool],
    ['receipts, main thread', renders.receipts.main],
    ['charts, pool', renders.charts.pool],
    ['charts, main thread', renders.charts.main],
  ] as const) {
    noteFailures(`${backend}: ${what}`, load.renders);
    noteFailures(`${backend}: /balance during ${what}`, load.balance);
  }
  put(
    'alone',
    backend,
    `loop delay p99 ${fmt(renders.alone.loopP99, 1)} ms (max ${fmt(renders.alone.loopMax)}) · /balance p50 ${fmt(renders.alone.balance.p50, 1)} · p99 ${fmt(renders.alone.balance.p99, 1)} ms`,
    {
      scenario: `/balance alone at ${BALANCE_PER_SECOND}/s, nothing rendering (reference for the two below)`,
      measured: 'event-loop delay p99 (max) · /balance latency',
      baseline: '—',
      target: '—',
    },
  );
  const renderMeasured = `renders/s · event-loop delay p99 (max) · /balance at ${BALANCE_PER_SECOND}/s meanwhile`;
  put('receipts', backend, renderCell(renders.receipts.pool, 'receipts'), {
    scenario: `receipts, ${RENDERS_IN_FLIGHT} at once, render pool (${renders.threads} thread${renders.threads === 1 ? '' : 's'})`,
    measured: renderMeasured,
    baseline: `pdfmake on the main thread: ${renderCell(renders.receipts.main, 'receipts')}`,
    target: '≥ 25 receipts/s; loop delay p99 ≤ 20 ms',
  });
  put('charts', backend, renderCell(renders.charts.pool, 'charts'), {
    scenario: `charts, ${RENDERS_IN_FLIGHT} at once, render pool`,
    measured: renderMeasured,
    baseline: `ECharts + resvg on the main thread: ${renderCell(renders.charts.main, 'charts')}`,
    target: 'loop delay p99 ≤ 20 ms',
  });
}

async function runBackend(
  backend: Backend,
  dir: string,
  bare: Measurement,
): Promise<{ rssAfterLarge?: number }> {
  const result: { rssAfterLarge?: number } = {};
  // The large database first, so the RSS after it is the bot's on it and not what earlier
  // scenarios (the renders' main-thread baseline above all) left in this process.
  let largeFigures: BotFigures | undefined;
  let seedSeconds = 0;
  if (!QUICK) {
    note(
      `${backend}: large database (${fmt(LARGE_ACCOUNTS)} accounts, ${fmt(LARGE_RESIDENTS)} residents)`,
    );
    const large = await prepare(backend, dir, 'large', LARGE_ACCOUNTS, LARGE_RESIDENTS, {
      inChild: true,
    });
    seedSeconds = large.seedSeconds;
    largeFigures = await botScenarios(large, dir);
    if (backend === 'SQLite') result.rssAfterLarge = process.memoryUsage().rss;
    await large.cleanup();
  }

  note(`${backend}: small database (2 000 accounts, 1 500 residents)`);
  const small = await prepare(backend, dir, 'small', 2_000, 1_500);
  const smallFigures = await botScenarios(small, dir);
  for (const key of Object.keys(BOT_ROWS) as (keyof BotFigures)[]) {
    noteFailures(`${backend}, small: ${BOT_ROWS[key].scenario}`, smallFigures[key]);
    put(key, backend, updatesCell(smallFigures[key], bare), {
      ...BOT_ROWS[key],
      measured: UPDATES,
      baseline: 'bare grammY (first row)',
    });
  }
  const underLogins = await balanceUnderLogins(small, dir);
  noteFailures(`${backend}: /balance while logins run`, underLogins.m);
  put(
    'logins',
    backend,
    `${updatesCell(underLogins.m, bare)} · ${fmt(underLogins.logins)} logins done`,
    {
      scenario: '/balance while 20 logins (argon2id) run',
      measured: UPDATES,
      baseline: 'bare grammY (first row)',
      target: '—',
    },
  );

  await renderRows(backend, small, dir);
  await small.cleanup();

  note(`${backend}: broadcast to ${fmt(N.broadcast)} residents at 30 messages/s (real time)`);
  const forBroadcast = await prepare(
    backend,
    dir,
    'broadcast',
    Math.ceil(N.broadcast * 1.5),
    N.broadcast,
  );
  {
    const transport = createTransport({ rateLimits: true });
    const app = await appOn(forBroadcast, dir, transport);
    const b = await broadcastRun(app, forBroadcast.db, transport, forBroadcast.residents, {
      adminChatId: ADMIN_CHAT,
      timeoutSeconds: N.broadcast / 10 + 30,
    });
    await app.renderPool.close();
    put(
      'broadcast',
      backend,
      `${fmt(b.perSecond, 1)} messages/s · ${b.lost} lost · ${b.duplicated} duplicated · ${b.refused} × 429 · ${fmt(b.recipients)} in ${fmt(b.seconds, 1)} s` +
        (b.failedRows > 0 ? ` · ${b.failedRows} rows failed` : ''),
      {
        scenario: `broadcast to ${fmt(N.broadcast)} residents, transport enforcing 30 messages/s (429 + retry_after)`,
        measured: 'delivered/s · lost · duplicated · 429s',
        baseline: '30/s (the limit)',
        target: '≥ 28/s, 0 lost, 0 duplicated',
      },
    );
  }
  await forBroadcast.cleanup();

  if (largeFigures) {
    put('seed', backend, `${fmt(seedSeconds, 1)} s`, {
      scenario: `seeding ${fmt(LARGE_ACCOUNTS)} accounts (demo seed, a process of its own)`,
      measured: 'seconds',
      baseline: '—',
      target: '≤ 60 s (SQLite)',
    });
    for (const key of Object.keys(BOT_ROWS) as (keyof BotFigures)[]) {
      noteFailures(`${backend}, large: ${BOT_ROWS[key].scenario}`, largeFigures[key]);
      put(`large-${key}`, backend, updatesCell(largeFigures[key], bare, smallFigures[key]), {
        scenario: `${fmt(LARGE_ACCOUNTS)} accounts: ${BOT_ROWS[key].scenario}`,
        measured: UPDATES,
        baseline: 'the small database (above)',
        target: 'within 1.25× of the small database',
      });
    }
  }
  return result;
}

/**
 * RSS of a process of its own (bench/rss.ts), run as `npm start` runs the bot: compiled by
 * scripts/build.mjs into dist/ (sharing the bot's chunks) and started with plain `node`.
 */
function rssChild(which: 'real' | 'bare'): number {
  if (FROM_SOURCES) {
    execFileSync(process.execPath, [fromRoot('scripts', 'build.mjs'), '--bench'], {
      stdio: 'inherit',
    });
  }
  const output = execFileSync(process.execPath, [fromRoot('dist', 'bench-rss.js'), which], {
    encoding: 'utf8',
  });
  return Number(output.trim().split('\n').pop());
}

/** Prints the machine, the load and the table (and the failed scripts under it). */
function report(started: number, loadAtStart: number[]): void {
  const seconds = (performance.now() - started) / 1000;
  out(`## abonent benchmark, ${new Date().toISOString()}`);
  out('');
  out(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${mb(totalmem())} RAM, Node ${process.version}; ` +
      `load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ` +
      `${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at the end. ${IN_FLIGHT} updates in flight, sequential per chat, ` +
      `Bot API answered in-process. Total ${fmt(seconds)} s.`,
  );
  out('');
  out(table(PG_BASE !== undefined));
  if (failures.length > 0) out(`\n${failures.join('\n')}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-bench-'));
  const started = performance.now();
  const loadAtStart = loadavg();
  try {
    if (ONLY === 'render') {
      for (const backend of PG_BASE ? (['SQLite', 'PostgreSQL'] as const) : (['SQLite'] as const)) {
        const small = await prepare(backend, dir, 'small', 2_000, 1_500);
        await renderRows(backend, small, dir);
        await small.cleanup();
      }
      report(started, loadAtStart);
      return;
    }
    const rssBare = rssChild('bare');
    const rssReal = rssChild('real');
    note('bare grammY');
    const bare = await bareBaseline();
    put(
      'bare',
      'SQLite',
      `${fmt(bare.perSecond)}/s · p50 ${fmt(bare.p50, 2)} · p99 ${fmt(bare.p99, 1)} ms · CPU ${fmt(bare.cpuMsPerUpdate, 3)} ms`,
      {
        scenario: 'bare grammY, one `sendMessage` per update (no database)',
        measured: 'updates/s · p50 · p99 · CPU per update',
        baseline: '—',
        target: '—',
      },
    );

    const sqlite = await runBackend('SQLite', dir, bare);
    if (PG_BASE) await runBackend('PostgreSQL', dir, bare);

    put('rss-start', 'SQLite', mb(rssReal), {
      scenario: 'RSS idle after start (a process of its own)',
      measured: 'MB',
      baseline: `bare grammY ${mb(rssBare)}`,
      target: '≤ 120 MB',
    });
    if (sqlite.rssAfterLarge) {
      put('rss-large', 'SQLite', mb(sqlite.rssAfterLarge), {
        scenario: `RSS after the ${fmt(LARGE_ACCOUNTS)}-account scenarios (the seed ran in its own process)`,
        measured: 'MB',
        baseline: '—',
        target: '≤ 250 MB',
      });
    }

    note('session storage');
    const scratch = PG_BASE ? await scratchPostgres(PG_BASE) : undefined;
    const sessions = await sessionStorageBench(scratch?.url);
    await scratch?.drop();
    const memory = sessions[0]!;
    const us = (r: { seconds: number; ops: number }) => `${fmt((r.seconds / r.ops) * 1e6, 1)} µs`;
    const storageRow = (key: string, name: string, backend: Backend, index: number) => {
      const r = sessions[index];
      if (!r) return;
      put(key, backend, us(r), {
        scenario: name,
        measured: `a session read + write (${fmt(memory.ops)} over 500 chats)`,
        baseline: `grammY memory storage ${us(memory)} (not durable)`,
        target: '—',
      });
    };
    storageRow(
      'session',
      'session storage, knex (main database: WAL, synchronous=FULL)',
      'SQLite',
      1,
    );
    storageRow(
      'session',
      'session storage, knex (main database: WAL, synchronous=FULL)',
      'PostgreSQL',
      3,
    );
    storageRow(
      'session-state',
      'session storage, knex (state database: synchronous=NORMAL)',
      'SQLite',
      2,
    );

    report(started, loadAtStart);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
