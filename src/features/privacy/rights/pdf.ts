import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';

/** The slice of pdfmake 0.3's server API this module uses (the package ships no types). */
interface PdfMake {
  setFonts(fonts: Record<string, Record<string, string>>): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  createPdf(doc: PdfDocument): { getBuffer(): Promise<Buffer> };
}

type PdfNode = string | { text: string; style?: string; bold?: boolean } | PdfBlock;
interface PdfBlock {
  text?: string | PdfNode[];
  style?: string;
  table?: { headerRows: number; widths: (string | number)[]; body: PdfNode[][] };
  layout?: string;
  margin?: number[];
  fontSize?: number;
}
interface PdfDocument {
  info: { title: string; author: string; creationDate?: Date };
  pageSize: string;
  pageMargins: number[];
  defaultStyle: { font: string; fontSize: number };
  styles: Record<string, { fontSize?: number; bold?: boolean; margin?: number[]; color?: string }>;
  content: PdfNode[];
}

const require = createRequire(import.meta.url);
/**
 * Roboto as pdfmake ships it (it has Cyrillic): an installed npm package, so the PDF renders the
 * same on a CI machine without system fonts.
 */
const FONT_DIR = join(dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
const FONTS = {
  Roboto: {
    normal: join(FONT_DIR, 'Roboto-Regular.ttf'),
    bold: join(FONT_DIR, 'Roboto-Medium.ttf'),
    italics: join(FONT_DIR, 'Roboto-Italic.ttf'),
    bolditalics: join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
  },
};

/** One section of the document: a heading and either a key/value table or a table of rows. */
export type PdfSection =
  | { title: string; kind: 'fields'; fields: [string, string][] }
  | { title: string; kind: 'rows'; columns: string[]; rows: string[][]; empty: string };

export interface PdfReport {
  title: string;
  subtitle: string;
  author: string;
  sections: PdfSection[];
  generatedAt: Date;
}

/**
 * Renders the "what we hold about you" report. pdfmake may read only its own font files and no
 * URLs at all: nothing in the data can make it fetch or read anything else.
 */
export async function renderReportPdf(report: PdfReport): Promise<Buffer> {
  // Loaded on first use, not at start: pdfmake and its fonts cost ~17 MB of RSS (docs/performance.md).
  const pdfmake = require('pdfmake') as PdfMake;
  pdfmake.setFonts(FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => resolve(path).startsWith(FONT_DIR + sep));
  const content: PdfNode[] = [
    { text: report.title, style: 'title' },
    { text: report.subtitle, style: 'subtitle' },
  ];
  for (const section of report.sections) {
    content.push({ text: section.title, style: 'section' });
    if (section.kind === 'fields') {
      content.push({
        table: {
          headerRows: 0,
          widths: [150, '*'],
          body: section.fields.map(([label, value]) => [{ text: label, bold: true }, value]),
        },
        layout: 'lightHorizontalLines',
      });
    } else if (section.rows.length === 0) {
      content.push({ text: section.empty, style: 'empty' });
    } else {
      content.push({
        table: {
          headerRows: 1,
          widths: section.columns.map(() => '*'),
          body: [section.columns.map((c) => ({ text: c, bold: true })), ...section.rows],
        },
        layout: 'lightHorizontalLines',
        fontSize: 8,
      });
    }
  }
  return pdfmake
    .createPdf({
      info: { title: report.title, author: report.author, creationDate: report.generatedAt },
      pageSize: 'A4',
      pageMargins: [40, 40, 40, 40],
      defaultStyle: { font: 'Roboto', fontSize: 10 },
      styles: {
        title: { fontSize: 16, bold: true, margin: [0, 0, 0, 4] },
        subtitle: { fontSize: 9, color: '#555555', margin: [0, 0, 0, 12] },
        section: { fontSize: 12, bold: true, margin: [0, 12, 0, 4] },
        empty: { color: '#777777' },
      },
      content,
    })
    .getBuffer();
}
