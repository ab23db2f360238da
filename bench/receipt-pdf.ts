/**
 * The receipt's PDF alone, in-process: renders the bench's receipt document definition
 * (bench/receipt-doc.json, captured from a /receipt journey on the bench's demo database) `N`
 * times, one after another, with the render worker's own code, and prints the CPU ms and wall ms
 * per receipt. No bot, no database, no threads: what one render thread spends per receipt.
 *
 *   npx tsx bench/receipt-pdf.ts [N=200] [out.pdf]
 *   node --cpu-prof --import tsx bench/receipt-pdf.ts 200   # a CPU profile of it
 *
 * `out.pdf` keeps the last PDF, to compare (pdftotext, pdftoppm) before and after a change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import render from '../src/core/render-pool/worker';

const n = Number(process.argv[2] ?? 200);
const outPath = process.argv[3];
const doc = JSON.parse(readFileSync(join(import.meta.dirname, 'receipt-doc.json'), 'utf8'));

const bytesOf = (moved: unknown) => {
  const view = ((moved as Record<symbol, unknown>)[Piscina.valueSymbol] ?? moved) as Uint8Array;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
};

await render({ kind: 'warm' });
// Warm-up: the JIT and whatever the worker caches.
for (let i = 0; i < 10; i++) await render({ kind: 'pdf', doc: structuredClone(doc) });

const cpu = process.cpuUsage();
const started = performance.now();
let last: Buffer = Buffer.alloc(0);
for (let i = 0; i < n; i++)
  last = bytesOf(await render({ kind: 'pdf', doc: structuredClone(doc) }));
const wall = performance.now() - started;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
if (outPath) writeFileSync(outPath, last);
process.stdout.write(
  `${n} receipts: ${(cpuMs / n).toFixed(2)} ms CPU and ${(wall / n).toFixed(2)} ms wall per receipt ` +
    `(${((n * 1000) / wall).toFixed(1)} receipts/s on one thread), ${last.byteLength} bytes\n`,
);
