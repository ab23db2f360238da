/**
 * Imports a 1,000,000-row charges file into a temporary SQLite database (or into
 * BENCH_DATABASE_URL when it names PostgreSQL) and reports rows, seconds and the peak RSS, to show
 * that `abonent import` streams in bounded memory: `npx tsx bench/import.ts [rows] [accounts]`.
 * Meanwhile `bench/write-probe.ts`, in a process of its own, writes every 20 ms as a resident's
 * reading would and reports its longest wait: on SQLite, the longest write-lock hold of the import.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { systemClock } from '../src/core/clock';
import { createDatabase, migrateLatest } from '../src/core/db/index';
import { importFile } from '../src/features/billing/exchange/import';

const rows = Number(process.argv[2] ?? 1_000_000);
const accounts = Number(process.argv[3] ?? 5_000);
const pgUrl = process.env.BENCH_DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'abonent-import-bench-'));

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 25);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function writeFile(path: string, header: string, count: number, line: (i: number) => string) {
  const out = createWriteStream(path);
  out.write(`\uFEFF${header}\r\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const number = (i: number) => `41${String(i).padStart(8, '0')}`;
const accountsFile = join(dir, 'accounts.csv');
const chargesFile = join(dir, 'charges.csv');
await writeFile(
  accountsFile,
  'number;holder_name;settlement;address;tariff_plan;status;residents;receipt_code',
  accounts,
  (i) =>
    `${number(i)};Абонент ${i};Петропавловск-Камчатский;ул. Ленинская, д. ${i % 200};urban;active;2;R${i}`,
);
await writeFile(
  chargesFile,
  'external_id;account_number;period;service;zone;volume;tariff;amount;occurred_on',
  rows,
  (i) => {
    const volume = 100_000 + (i % 400_000); // thousandths of a kWh
    const amount = Math.floor((volume * 637 + 500) / 1000);
    const kwh = `${Math.floor(volume / 1000)},${String(volume % 1000).padStart(3, '0')}`;
    const rub = `${Math.floor(amount / 100)},${String(amount % 100).padStart(2, '0')}`;
    const month = String((Math.floor(i / accounts) % 12) + 1).padStart(2, '0');
    return `bench-${i};${number(i % accounts)};2025-${month};electricity;T1;${kwh};6,37;${rub};2025-${month}-28`;
  },
);
process.stdout.write(
  `generated ${rows} charges (${mib(statSync(chargesFile).size)}) for ${accounts} accounts; RSS now ${mib(process.memoryUsage().rss)}\n`,
);

const url = pgUrl ?? `sqlite:${join(dir, 'bench.db')}`;
const db = createDatabase(url);
try {
  await migrateLatest(db);
  const accountsReport = await importFile(db, 'accounts', accountsFile, { clock: systemClock });
  if (!accountsReport.applied)
    throw new Error(`accounts rejected: ${JSON.stringify(accountsReport.errors)}`);
  peakRss = process.memoryUsage().rss;
  const startRss = peakRss;
  const probe = spawn(process.execPath, ['--import', 'tsx', 'bench/write-probe.ts'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let probeOut = '';
  probe.stdout?.on('data', (chunk) => {
    probeOut += String(chunk);
  });
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the probe is writing
  const started = performance.now();
  let longestHold = 0;
  const report = await importFile(db, 'charges', chargesFile, {
    clock: systemClock,
    onWriteHeld: (ms) => {
      longestHold = Math.max(longestHold, ms);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  probe.kill('SIGTERM');
  await once(probe, 'exit');
  process.stdout.write(
    `longest write-lock hold of the import: ${Math.round(longestHold)} ms (SQLite; 0 on PostgreSQL); ` +
      `a resident's writes meanwhile: ${probeOut.trim()}\n`,
  );
  if (!report.applied)
    throw new Error(`charges rejected: ${JSON.stringify(report.errors.slice(0, 5))}`);
  const again = performance.now();
  const second = await importFile(db, 'charges', chargesFile, { clock: systemClock });
  const againSeconds = (performance.now() - again) / 1000;
  process.stdout.write(
    `${pgUrl ? 'postgres' : 'sqlite'}: ${report.rows} rows, ${report.inserted} inserted in ${seconds.toFixed(1)} s ` +
      `(${Math.round(report.rows / seconds)} rows/s); re-import ${second.unchanged} unchanged in ${againSeconds.toFixed(1)} s; ` +
      `RSS before ${mib(startRss)}, peak ${mib(peakRss)}\n`,
  );
} finally {
  clearInterval(sampler);
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
