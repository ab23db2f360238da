/**
 * The render worker (a piscina thread): turns plain, structured-cloneable data into PDF and PNG
 * bytes so that pdfmake, ECharts and resvg never run on the bot's event loop. Loaded through tsx
 * (`--import tsx` in the pool's execArgv) from the sources, or as dist/render-worker.js under
 * `npm start`. Module state here lives in the worker thread only.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setPriority } from 'node:os';
import { Piscina } from 'piscina';
import { renderConsumptionChart } from '../../features/balance/chart';
import type { RenderTask } from './tasks';

/**
 * The render threads' niceness: the lowest priority, so the bot's own thread (niceness 0) gets a
 * core first whenever it has work and renders take the CPU time it leaves (Linux weighs a
 * niceness-19 thread at 15 against 1 024). On Linux niceness is per thread: `setPriority` with
 * no pid renices only the calling thread, not the bot. Where that is not allowed or not per
 * thread, nothing changes.
 */
export const RENDER_NICE = 19;

if (Piscina.isWorkerThread) {
  try {
    setPriority(RENDER_NICE);
  } catch {
    // Left at the bot's priority.
  }
}

/** The slice of pdfmake 0.3's server API used here (the package ships no types). */
interface PdfMake {
  virtualfs: { writeFileSync(name: string, content: Buffer): void };
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  addTableLayouts(layouts: Record<string, Record<string, unknown>>): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

/** The slice of pdfkit's `EmbeddedFont` (a font as one document uses it) touched here. */
interface EmbeddedFont {
  /** The fontkit font: parsed tables, glyphs, the layout engine. */
  font?: object;
  /** Laid-out words (glyphs and positions already in PDF units), keyed by the word. */
  layoutCache?: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
const PDFMAKE_DIR = dirname(require.resolve('pdfmake/package.json'));
/** Roboto as pdfmake ships it (Cyrillic included), embedded in every PDF: no system fonts needed. */
const FONT_DIR = join(PDFMAKE_DIR, 'fonts', 'Roboto');
const FONT_FILES = {
  normal: 'Roboto-Regular.ttf',
  bold: 'Roboto-Medium.ttf',
  italics: 'Roboto-Italic.ttf',
  bolditalics: 'Roboto-MediumItalic.ttf',
};

/**
 * Laid-out words kept per font for the whole thread, about this many at most per font (checked
 * every 64 documents); past it the font's cache starts empty again. Receipts repeat the same few hundred words (labels, digits,
 * the supplier), so the bound is only reached by documents full of unique words.
 */
export const LAYOUT_CACHE_WORDS = 20_000;

/** The slice of fontkit 2 (the CommonJS build pdfkit requires) used here. */
interface Fontkit {
  create(buffer: Uint8Array, postscriptName?: string): object;
  registerFormat(format: unknown): void;
}

/**
 * fontkit keeps the first object it made for a glyph id. In a font shared by many documents that
 * may be one the subsetter made for a composite glyph's component (Roboto draws Cyrillic «о» from
 * Latin «o»), without code points; pdfkit takes a glyph's code points for the PDF's text (copy,
 * search, pdftotext), so a later document's Latin «o» would lose its letter. Here a glyph asked
 * for with code points gets them if it had none, as it would in a font of its own.
 */
function keepCodePoints(font: object): object {
  type Glyph = { codePoints: number[] };
  const shared = font as { getGlyph(id: number, codePoints?: number[]): Glyph | null };
  const getGlyph = shared.getGlyph;
  shared.getGlyph = function (this: unknown, id: number, codePoints: number[] = []) {
    const glyph = getGlyph.call(this, id, codePoints);
    if (glyph && glyph.codePoints.length === 0 && codePoints.length > 0)
      glyph.codePoints = codePoints;
    return glyph;
  };
  return font;
}

/**
 * pdfkit parses each font file again for every document (`fontkit.create` in its
 * `PDFFontFactory.open`), and fontkit decodes the tables a layout needs (cmap, GSUB, GPOS,
 * glyphs) again for each of those fresh font objects: for a receipt that was about half of the
 * render (issue 12). fontkit's exports are getters that cannot be replaced, but `create` asks
 * each registered format in turn whether it `probe`s the buffer and builds the first that does:
 * here the TrueType format declines the buffers parsed already, and a format registered after
 * it answers for them with the font parsed the first time. pdfkit is handed the same buffers for
 * every document because the fonts live in pdfmake's virtual file system ({@link pdf}).
 *
 * A parsed fontkit font is safe to share: its tables decode lazily and are then kept, and
 * nothing pdfkit does changes them; each document still gets its own subset, widths and font
 * id. Returns false (and changes nothing) if fontkit does not behave as expected; every document
 * then parses its fonts as before.
 */
function parseFontsOnce(buffers: Buffer[]): boolean {
  const pdfkitRequire = createRequire(require.resolve('pdfkit'));
  const fontkit = pdfkitRequire('fontkit') as Fontkit;
  const parsed = new Map<Uint8Array, object>();
  for (const buffer of buffers) parsed.set(buffer, keepCodePoints(fontkit.create(buffer)));
  const trueType = [...parsed.values()][0]?.constructor as
    | { probe?: (buffer: Uint8Array) => boolean }
    | undefined;
  const probe = trueType?.probe;
  if (!trueType || typeof probe !== 'function') return false;
  trueType.probe = (buffer) => !parsed.has(buffer) && probe.call(trueType, buffer);
  fontkit.registerFormat(
    class ParsedFont {
      static probe(buffer: Uint8Array): boolean {
        return parsed.has(buffer);
      }
      // fontkit calls `new format(new DecodeStream(buffer))`; an object returned from a
      // constructor is what `new` gives.
      constructor(stream: { buffer: Uint8Array }) {
        // biome-ignore lint/correctness/noConstructorReturn: the parsed font is what `new` must give
        return parsed.get(stream.buffer) as ParsedFont;
      }
    },
  );
  if (buffers.every((buffer) => fontkit.create(buffer) === parsed.get(buffer))) return true;
  trueType.probe = probe;
  return false;
}

/**
 * pdfmake's document class: `provideFont` (family, bold, italics → pdfkit's font object for
 * this document) is wrapped so that the document's font shares one layout cache per fontkit
 * font for the whole thread. A cached word is the same glyphs and positions in every document
 * (pdfkit copies a position before changing it, e.g. for word spacing); what each document
 * embeds is still decided per document, when a word is encoded.
 */
function shareLayouts(): void {
  const PdfDocument = (require('pdfmake/js/PDFDocument.js') as { default: { prototype: object } })
    .default.prototype as { provideFont(...args: unknown[]): EmbeddedFont };
  const provideFont = PdfDocument.provideFont;
  const caches = new WeakMap<object, { words: Record<string, unknown>; documents: number }>();
  PdfDocument.provideFont = function (this: unknown, ...args: unknown[]) {
    const embedded = provideFont.apply(this, args);
    // pdfmake asks for the font of every piece of text; only a document's first ask changes it.
    if (!embedded.font || !embedded.layoutCache) return embedded;
    let shared = caches.get(embedded.font);
    if (embedded.layoutCache === shared?.words) return embedded;
    // Counting the words costs as much as there are, so the bound is checked every 64 documents.
    if (
      !shared ||
      (++shared.documents % 64 === 0 && Object.keys(shared.words).length > LAYOUT_CACHE_WORDS)
    ) {
      shared = { words: Object.create(null) as Record<string, unknown>, documents: 0 };
      caches.set(embedded.font, shared);
    }
    embedded.layoutCache = shared.words;
    return embedded;
  };
}

/** A rectangle of pdfmake's canvas, as its QR encoder draws each module. */
interface Rect {
  type: string;
  x: number;
  y: number;
  w: number;
  h: number;
  lineWidth?: number;
  color: string;
}

/**
 * The dark modules of a QR code as few rectangles covering exactly the same area: runs of
 * modules along a row, and a run grown downwards while the next row has the same run. pdfmake
 * draws every module as a rectangle of its own (with its line width, dash, joins, colour and
 * fill: most of a receipt's drawing time went there, ~2 000 of them); the merged ones are
 * about half as many (2 120 → 1 005 on the bench's receipt). `rects` is the encoder's canvas:
 * a background first, then one square per module.
 */
export function mergeQrModules(rects: Rect[]): Rect[] {
  const [background, ...modules] = rects;
  if (!background || modules.length === 0) return rects;
  const size = modules[0]!.w;
  if (modules.some((m) => m.type !== 'rect' || m.w !== size || m.h !== size)) return rects;
  const color = modules[0]!.color;
  if (modules.some((m) => m.color !== color)) return rects;
  // Rows in order, each row's modules left to right (the encoder draws them so; sorted anyway).
  const rows = new Map<number, number[]>();
  for (const m of modules) {
    const row = rows.get(m.y);
    if (row) row.push(m.x);
    else rows.set(m.y, [m.x]);
  }
  const merged: Rect[] = [];
  /** The rectangles still growing downwards, by their run ("x,width"), open at the last row. */
  let open = new Map<string, Rect>();
  for (const y of [...rows.keys()].sort((a, b) => a - b)) {
    const xs = rows.get(y)!.sort((a, b) => a - b);
    const next = new Map<string, Rect>();
    for (let i = 0; i < xs.length; ) {
      let j = i + 1;
      while (j < xs.length && xs[j] === xs[j - 1]! + size) j++;
      const x = xs[i]!;
      const w = (j - i) * size;
      const key = `${x},${w}`;
      const above = open.get(key);
      if (above && above.y + above.h === y) {
        above.h += size;
        next.set(key, above);
      } else {
        const rect = { ...modules[0]!, x, y, w, h: size };
        merged.push(rect);
        next.set(key, rect);
      }
      i = j;
    }
    open = next;
  }
  return [background, ...merged];
}

/**
 * pdfmake's QR encoder, wrapped so that the modules it measures are drawn merged
 * ({@link mergeQrModules}); pdfmake looks `measure` up on the module for every QR node.
 */
function mergeQrRects(): void {
  const qr = (require('pdfmake/js/qrEnc.js') as { default: { measure(node: object): object } })
    .default;
  const measure = qr.measure;
  qr.measure = (node) => {
    const measured = measure(node) as { _canvas?: Rect[] };
    if (measured._canvas) measured._canvas = mergeQrModules(measured._canvas);
    return measured;
  };
}

/**
 * Table layouts that document definitions name (functions cannot cross the thread boundary).
 * `box`: a framed box, 0.8 pt lines, 6 pt padding left/right and 4 pt top/bottom.
 */
const TABLE_LAYOUTS = {
  box: {
    hLineWidth: () => 0.8,
    vLineWidth: () => 0.8,
    paddingLeft: () => 6,
    paddingRight: () => 6,
    paddingTop: () => 4,
    paddingBottom: () => 4,
  },
};

let pdfmake: PdfMake | undefined;
let fontsShared = false;

/**
 * Whether this thread's documents share their parsed fonts ({@link parseFontsOnce}); false before
 * the first PDF and when pdfkit or fontkit changed so that the fonts cannot be shared (each PDF then
 * costs about twice the CPU; the output is the same).
 */
export function fontsParsedOnce(): boolean {
  return fontsShared;
}

/**
 * pdfmake with our fonts, read once into its virtual file system (parsed once per thread, see
 * {@link parseFontsOnce}); it may read no local file and no URL at all.
 */
function pdf(): PdfMake {
  if (pdfmake) return pdfmake;
  const loaded = require('pdfmake') as PdfMake;
  const fonts: Record<string, string> = {};
  const buffers: Buffer[] = [];
  for (const [style, file] of Object.entries(FONT_FILES)) {
    const buffer = readFileSync(join(FONT_DIR, file));
    loaded.virtualfs.writeFileSync(file, buffer);
    buffers.push(buffer);
    fonts[style] = file;
  }
  fontsShared = parseFontsOnce(buffers);
  shareLayouts();
  mergeQrRects();
  loaded.setFonts({ Roboto: fonts });
  loaded.setUrlAccessPolicy(() => false);
  loaded.setLocalAccessPolicy(() => false);
  loaded.addTableLayouts(TABLE_LAYOUTS);
  pdfmake = loaded;
  return loaded;
}

/** Moves the bytes to the caller instead of copying them. */
function move(bytes: Buffer): unknown {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return Piscina.move(copy);
}

/** A tiny chart and a one-line PDF: loads the libraries and fonts and JIT-compiles the paths. */
async function warm(): Promise<void> {
  await pdf()
    .createPdf({ content: ['Прогрев'], defaultStyle: { font: 'Roboto' } })
    .getBuffer();
  await renderConsumptionChart(
    {
      accountId: 0,
      number: '0',
      periods: ['2026-01'],
      zones: ['T1'],
      volumesMilli: { T1: [1000] },
      chargesKopecks: [100],
    },
    { title: 'Прогрев', volumeAxis: 'кВт·ч', chargesAxis: '₽', months: ['I'], zoneNames: {} },
  );
}

/** The worker's entry: one task in, the rendered bytes (or nothing, for a warm-up) out. */
export default async function render(task: RenderTask): Promise<unknown> {
  switch (task.kind) {
    case 'pdf':
      return move(await pdf().createPdf(task.doc).getBuffer());
    case 'chart': {
      return move(await renderConsumptionChart(task.series, task.labels));
    }
    case 'warm':
      await warm();
      return null;
  }
}
