/**
 * Times `abonent seed --demo --accounts 100000`: `npx tsx bench/seed.ts [accounts] [--into URL]`.
 * Without `--into`, on a temporary SQLite file (or on a scratch PostgreSQL database with `--pg`,
 * BENCH_DATABASE_URL or TEST_DATABASE_URL), removed afterwards; prints row counts and seconds.
 * With `--into URL` (how `npm run bench` seeds its large database, in a process of its own so the
 * bot's memory figures are not the seed's), migrates and seeds that database, keeps it, and prints
 * the seconds as the last line.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrateLatest } from '../src/core/db/index';
import { seedDemo } from '../src/demo/seed';
import { postgresUrl, scratchPostgres } from './postgres';

/** "Today" of the benchmark: inside the readings window (15–25 in Kamchatka). */
const BENCH_NOW = new Date('2026-11-20T00:00:00Z');

const args = process.argv.slice(2);
const into = args.includes('--into') ? args[args.indexOf('--into') + 1] : undefined;
const accounts = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const pgBase = into ? undefined : postgresUrl(args, process.env);
const scratch = pgBase ? await scratchPostgres(pgBase) : undefined;
const dir = mkdtempSync(join(tmpdir(), 'abonent-seed-bench-'));
const file = join(dir, 'bench.db');
const url = into ?? scratch?.url ?? `sqlite:${file}`;
const db = createDatabase(url);
try {
  await migrateLatest(db);
  const started = performance.now();
  const result = await seedDemo(db, {
    accounts,
    seed: 1,
    now: BENCH_NOW,
    onProgress: (done, total) => {
      if (done % 20_000 === 0 || done === total) {
        process.stderr.write(
          `  seeded ${done}/${total} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
        );
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const rows =
    result.accounts + result.meters + result.readings + result.ledgerRows + result.tariffs;
  if (into) {
    process.stdout.write(`${seconds}\n`);
  } else {
    process.stdout.write(
      `${scratch ? 'postgres' : 'sqlite'}: ${result.accounts} accounts, ${result.meters} meters, ` +
        `${result.readings} readings, ${result.ledgerRows} ledger rows (${rows} rows) in ${seconds.toFixed(1)} s` +
        `${scratch ? '' : `; file ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`}\n`,
    );
  }
} finally {
  await db.destroy();
  await scratch?.drop();
  rmSync(dir, { recursive: true, force: true });
}
