/**
 * A resident's write, over and over, from a process of its own (as the bot is to `abonent
 * import`): every 20 ms one short write transaction on DATABASE_URL, timed. On SIGTERM it prints
 * one JSON line: how many writes, how many failed (e.g. `database is locked`), the longest and
 * the 99th-percentile wait in ms. Started by `bench/import.ts` around the import.
 */
import { createDatabase } from '../src/core/db/index';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const db = createDatabase(url);
const waits: number[] = [];
let failed = 0;
let stopping = false;

process.on('SIGTERM', () => {
  stopping = true;
});

while (!stopping) {
  const started = performance.now();
  try {
    await db.transaction(async (trx) => {
      await trx('rate_limits')
        .insert({ scope: 'bench:probe', window_start: new Date().toISOString(), count: 1 })
        .onConflict('scope')
        .merge();
    });
    waits.push(performance.now() - started);
  } catch {
    failed += 1;
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
waits.sort((a, b) => a - b);
const p99 = waits[Math.floor(waits.length * 0.99)] ?? 0;
process.stdout.write(
  `${JSON.stringify({ writes: waits.length, failed, maxMs: Math.round(waits.at(-1) ?? 0), p99Ms: Math.round(p99) })}\n`,
);
await db.destroy();
