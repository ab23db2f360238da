import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

/**
 * The CSV dialect Russian billing systems (1С and the like) exchange: `;`-separated (the comma is
 * the decimal separator), UTF-8 with or without a BOM, CRLF or LF line ends, a header row,
 * `"`-quoted fields when a value holds `;`, a quote or a line break.
 */
export const CSV_DELIMITER = ';';

/** One data row of a file: its 1-based line number (as an editor shows it) and values by column. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** A problem with one line of a file, as shown in the import report. */
export interface LineError {
  line: number;
  message: string;
}

/** The file cannot be read as a table at all (bad header, broken quoting): nothing is applied. */
export class CsvFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a file of one kind must and may have in its header. */
export interface ColumnSpec {
  required: readonly string[];
  optional: readonly string[];
}

const REPLACEMENT_CHARACTER = '\uFFFD';

/** A plain number as our files write them (`-1234,56`, `+7`, `12345.678`): left as it is. */
const PLAIN_NUMBER = /^[-+]?\d+(?:[.,]\d+)?$/;
/** What spreadsheets read as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes one exported cell safe to open in Excel or LibreOffice: a value starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return would be run as a formula, so it gets a leading `'`
 * (OWASP, CSV injection). Numbers (`-1234,56`) stay numbers. Every export writes through this.
 */
export function neutraliseCell(value: string): string {
  if (!FORMULA_START.test(value) || PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}

/**
 * Control characters no billing text field may hold: C0 controls but tab (NUL, BEL, ESC, …), DEL,
 * C1 controls, and the Unicode bidirectional overrides and isolates that make a text display
 * differently from what it is (CVE-2021-42574 "Trojan Source").
 */

/** The longest line (one record) a file may have, in characters: real rows are under 1 000. */
export const MAX_RECORD_CHARS = 64 * 1024;

/** The code point of the first forbidden control character of `value`, as `U+0007`, if any. */
export function forbiddenCharacter(value: string): string | undefined {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    const forbidden =
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069);
    if (forbidden) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/**
 * Streams the data rows of a `;`-separated file, one at a time, with line numbers — memory stays
 * flat however long the file is. The header is checked first (names are trimmed and lower-cased;
 * every required column must be there; unknown columns are ignored so a billing system may send
 * more than we read). A row with the wrong number of fields, or with bytes that are not UTF-8
 * (a file saved as Windows-1251), is yielded as an error for that line rather than aborting, so
 * the report lists every bad line at once; broken quoting that loses the row structure throws
 * {@link CsvFileError}.
 */
export async function* readCsvRows(
  input: Readable,
  spec: ColumnSpec,
): AsyncGenerator<CsvRow | LineError> {
  const parser = parse({
    delimiter: CSV_DELIMITER,
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // One record is capped: a 60 MB "line" is refused as it is read, not held whole in memory.
    max_record_size: MAX_RECORD_CHARS,
  });
  // pipeline, not pipe: it forwards an input error to the parser even when the input failed
  // before we got here (a missing file), so the loop below throws instead of waiting forever.
  pipeline(input, parser, () => undefined);
  let header: string[] | undefined;
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const { record, info } = item;
      if (!header) {
        header = checkHeader(record, spec, info.lines);
        continue;
      }
      if (record.every((value) => value.trim() === '')) continue;
      // Some exporters end every line with a `;`: trailing empty fields beyond the header are fine.
      const extra = record.slice(header.length);
      if (record.length < header.length || extra.some((value) => value.trim() !== '')) {
        yield {
          line: info.lines,
          message: `expected ${header.length} fields separated by ";", found ${record.length}`,
        };
        continue;
      }
      if (record.some((value) => value.includes(REPLACEMENT_CHARACTER))) {
        yield { line: info.lines, message: 'the line is not valid UTF-8 (save the file as UTF-8)' };
        continue;
      }
      const control = record.map(forbiddenCharacter).find((found) => found !== undefined);
      if (control) {
        yield {
          line: info.lines,
          message: `the line holds a control character (${control}); remove it and send the file again`,
        };
        continue;
      }
      const values: Record<string, string> = {};
      header.forEach((name, index) => {
        values[name] = (record[index] ?? '').trim();
      });
      yield { line: info.lines, values };
    }
  } catch (error) {
    if (error instanceof CsvFileError) throw error;
    // An error of the input itself (a missing file, a broken disk) is not a line of the file.
    if (!(error instanceof CsvError)) throw error;
    throw csvFileError(error);
  }
  if (!header) throw new CsvFileError(1, 'the file is empty: a header row is required');
}

/**
 * What the CSV parser says, as a report row billing staff can act on. csv-parse's error codes
 * come with and without a `CSV_` prefix (`INVALID_OPENING_QUOTE`, `CSV_QUOTE_NOT_CLOSED`), so
 * every parser error is read here, not only the prefixed ones; the line is the parser's own count.
 */
export function csvFileError(error: unknown): CsvFileError {
  const line = Number((error as { lines?: number }).lines) || 0;
  const code = String((error as { code?: string }).code ?? '').replace(/^CSV_/, '');
  const field = (error as { index?: number }).index;
  const where = typeof field === 'number' ? `field ${field + 1}` : 'a field';
  const raw = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'INVALID_OPENING_QUOTE':
    case 'INVALID_CLOSING_QUOTE':
      return new CsvFileError(
        line,
        `${where} has a quote inside an unquoted value (e.g. ПАО "Сбербанк"): put the whole value in quotes and double the quotes inside, "ПАО ""Сбербанк"""`,
      );
    case 'QUOTE_NOT_CLOSED':
      return new CsvFileError(
        line,
        'a quoted value is never closed: the rest of the file cannot be read (check the quotes from this line on)',
      );
    default:
      return new CsvFileError(line, `the file cannot be read as CSV: ${raw}`);
  }
}

function checkHeader(record: string[], spec: ColumnSpec, line: number): string[] {
  const names = record.map((name) => name.trim().toLowerCase());
  const missing = spec.required.filter((name) => !names.includes(name));
  if (missing.length) {
    throw new CsvFileError(
      line,
      `the header lacks column(s) ${missing.join(', ')}; expected ${[...spec.required, ...spec.optional].join(';')}`,
    );
  }
  const duplicate = names.find((name, index) => name !== '' && names.indexOf(name) !== index);
  if (duplicate) throw new CsvFileError(line, `column "${duplicate}" appears twice in the header`);
  return names;
}
