import type { PdfDocDefinition } from '../../../core/render-pool/index';

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
 * The "what we hold about you" report as a pdfmake document definition (plain data). The render
 * pool makes the PDF in a worker, where pdfmake may read only its own font files and no URLs at
 * all: nothing in the data can make it fetch or read anything else.
 */
export function reportDocument(report: PdfReport): PdfDocDefinition {
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
  const doc: PdfDocument = {
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
  };
  return doc as unknown as PdfDocDefinition;
}
