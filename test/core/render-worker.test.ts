import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import render, { fontsParsedOnce, mergeQrModules } from '../../src/core/render-pool/worker';

// The render worker's code run in this process (as bench/render.ts's baseline does): module
// state here is this process's, as it would be one thread's.

const require = createRequire(import.meta.url);
type Rect = { type: string; x: number; y: number; w: number; h: number; color: string };
const qrEncoder = require('pdfmake/js/qrEnc.js') as {
  default: { measure(node: object): { _canvas: Rect[] } };
};

const dir = mkdtempSync(join(tmpdir(), 'abonent-render-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pdfText(doc: Record<string, unknown>): Promise<string> {
  const moved = await render({ kind: 'pdf', doc });
  const view = ((moved as Record<symbol, unknown>)[Piscina.valueSymbol] ?? moved) as Uint8Array;
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, view);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

/** The squares of `size` a set of rectangles covers, as "x,y" keys (throws on overlap). */
function cells(rects: Rect[], size: number): Set<string> {
  const covered = new Set<string>();
  for (const r of rects)
    for (let x = r.x; x < r.x + r.w; x += size)
      for (let y = r.y; y < r.y + r.h; y += size) {
        const key = `${x},${y}`;
        if (covered.has(key)) throw new Error(`overlap at ${key}`);
        covered.add(key);
      }
  return covered;
}

describe('render worker', () => {
  it('when the QR modules are merged, then the rectangles cover exactly the dark modules, fewer of them, and the background stays first', () => {
    const payload =
      'ST00012|Name=АО «КЭСК» (демо)|PersonalAcc=40702810000000000001|BankName=Демо-банк|BIC=043000000|PersAcc=4156175004|Sum=1588670';
    const canvas = structuredClone(
      qrEncoder.default.measure({ qr: payload, eccLevel: 'M', fit: 130, padding: 4 })._canvas,
    );
    const [background, ...modules] = canvas;
    const size = modules[0]!.w;
    const merged = mergeQrModules(structuredClone(canvas));
    expect(merged[0]).toEqual(background);
    expect(cells(merged.slice(1), size)).toEqual(cells(modules, size));
    expect(merged.length).toBeLessThan(modules.length / 2);
    for (const r of merged.slice(1)) expect(r).toMatchObject({ type: 'rect', color: '#000' });
  });

  it('when PDFs follow each other on one thread, then they share the parsed fonts and each keeps its text (Latin letters drawn inside Cyrillic ones included)', async () => {
    const page = (text: string) => ({ content: [text, { text, bold: true }] });
    // Roboto's Cyrillic «о», «е», «р», «а» are drawn from the Latin glyphs: embedding them first
    // must not cost a later document its Latin letters.
    const cyrillic = 'Оплата по реквизитам, ёжик, рыба';
    const latin = 'info@example.invalid, https://example.invalid';
    expect(await pdfText(page(cyrillic))).toContain(cyrillic);
    expect(fontsParsedOnce()).toBe(true);
    const text = await pdfText(page(latin));
    expect(text.split('\n').filter((line) => line.trim() !== '')).toEqual([latin, latin]);
    expect(await pdfText(page(cyrillic))).toContain(cyrillic);
  }, 60_000);
});
