/**
 * Times `abonent seed --demo --accounts 100000` on a temporary SQLite file (or on DATABASE_URL
 * when it names PostgreSQL): `npx tsx bench/seed.ts [accounts]`. Prints row counts and seconds.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, migrateLatest } from '../src/core/db/index';
import { seedDemo } from '../src/demo/seed';

const accounts = Number(process.argv[2] ?? 100_000);
const pgUrl = process.env.BENCH_DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'abonent-seed-bench-'));
const file = join(dir, 'bench.db');
const db = createDatabase(pgUrl ?? `sqlite:${file}`);
try {
  await migrateLatest(db);
  const started = performance.now();
  const result = await seedDemo(db, {
    accounts,
    seed: 1,
    now: new Date('2026-11-24T00:00:00Z'),
    onProgress: (done, total) => {
      if (done % 20_000 === 0 || done === total) {
        process.stderr.write(
          `  ${done}/${total} ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
        );
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const rows =
    result.accounts + result.meters + result.readings + result.ledgerRows + result.tariffs;
  process.stdout.write(
    `${pgUrl ? 'postgres' : 'sqlite'}: ${result.accounts} accounts, ${result.meters} meters, ` +
      `${result.readings} readings, ${result.ledgerRows} ledger rows (${rows} rows) in ${seconds.toFixed(1)} s` +
      `${pgUrl ? '' : `; file ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`}\n`,
  );
} finally {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
