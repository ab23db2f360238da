/**
 * The render worker (a piscina thread): turns plain, structured-cloneable data into PDF and PNG
 * bytes so that pdfmake, ECharts and resvg never run on the bot's event loop. Loaded through tsx
 * (`--import tsx` in the pool's execArgv) from the sources, or as dist/render-worker.js under
 * `npm start`. Module state here lives in the worker thread only.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { Piscina } from 'piscina';
import { renderConsumptionChart } from '../../features/balance/chart';
import type { RenderTask } from './tasks';

/** The slice of pdfmake 0.3's server API used here (the package ships no types). */
interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  addTableLayouts(layouts: Record<string, Record<string, unknown>>): void;
  createPdf(doc: Record<string, unknown>): { getBuffer(): Promise<Buffer> };
}

const require = createRequire(import.meta.url);
/** Roboto as pdfmake ships it (Cyrillic included), embedded in every PDF: no system fonts needed. */
const FONT_DIR = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const FONTS = {
  Roboto: {
    normal: join(FONT_DIR, 'Roboto-Regular.ttf'),
    bold: join(FONT_DIR, 'Roboto-Medium.ttf'),
    italics: join(FONT_DIR, 'Roboto-Italic.ttf'),
    bolditalics: join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
  },
};

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

/** pdfmake with our fonts; it may read only its own font files and no URLs at all. */
function pdf(): PdfMake {
  if (pdfmake) return pdfmake;
  const loaded = require('pdfmake') as PdfMake;
  loaded.setFonts(FONTS);
  loaded.setUrlAccessPolicy(() => false);
  loaded.setLocalAccessPolicy((path) => resolve(path).startsWith(FONT_DIR + sep));
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
