import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { pipeline, type Readable, Transform } from 'node:stream';
import type { z } from 'zod';
import { type Db, nowIso } from '../../../core/db/index';
import { serialKey } from '../../accounts/rules';
import { CsvFileError, type LineError, readCsvRows } from './csv';
import {
  type AccountRow,
  accountRow,
  type ChargeRow,
  chargeRow,
  describeIssues,
  formatRubles,
  IMPORT_COLUMNS,
  type ImportKind,
  type MeterRow,
  meterRow,
  type PaymentRow,
  paymentRow,
  type TariffRow,
  tariffRow,
} from './formats';
import type { Clock } from '../../../core/clock';

/**
 * `abonent import <kind> FILE.csv`: loads what the billing system sends, all or nothing.
 *
 * The file is streamed row by row (bounded memory for any size). On PostgreSQL it runs inside ONE
 * transaction: rows are validated (zod, then referential checks against the database) and applied
 * in batches; if any row is bad the transaction is rolled back, so nothing of the file is applied,
 * and the report lists the bad lines. On SQLite (one writer) the same checks run on a staging
 * copy, chunk by chunk, before anything is applied, and a good file is applied in short
 * transactions, so residents' writes wait for one chunk only (see `staged` below). Keys make re-imports harmless: accounts by number, meters by (account,
 * serial) and tariffs by (plan, zones, zone, valid_from) are upserted; charges and payments by
 * `external_id` are inserted once and never rewritten — a known id with different money is a bad
 * row (a correction must come as a new document, not a silent edit of history).
 */

type Trx = Db;

/** The outcome of one import, printed by the CLI and kept in `billing_exchanges`. */
export interface ImportReport {
  kind: ImportKind;
  fileName: string;
  /** SHA-256 of the file's bytes (null when the file could not be read to its end). */
  sha256: string | null;
  /** True when the whole file was applied; false when it was rejected and nothing changed. */
  applied: boolean;
  /** Data rows read (the header and blank lines not counted). */
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** How many bad rows there were (all of them, even beyond the listed ones). */
  errorCount: number;
  /** The first bad rows by line number, at most `maxListedErrors`. */
  errors: LineError[];
  /**
   * Rows applied, but worth a look: an identifier that matched a stored one only in canonical
   * form (leading zeros Excel dropped), so the stored form was kept. At most `maxListedErrors`.
   */
  warnings: LineError[];
  /**
   * Earlier imports of this kind that started and never finished (killed), found when this one
   * began: nothing of those files was applied; the operator should import them again.
   */
  interrupted: Array<{
    fileName: string | null;
    startedAt: string;
    /** SQLite: it died while applying its chunks, so part of it is in: import it again. */
    partial?: boolean;
  }>;
}

/** Tunables; the defaults suit production. */
export interface ImportOptions {
  clock: Clock;
  /** Rows validated and written per round trip (default 500: well under SQLite's 32 766 variables). */
  batchSize?: number;
  /** How many bad rows the report lists (default 100); the count covers all. */
  maxListedErrors?: number;
  /**
   * SQLite: told how long (ms) each write transaction of the staged import held the write lock
   * — the longest is what a resident's reading may wait (`bench/import.ts` reports it).
   */
  onWriteHeld?: (ms: number) => void;
}

interface Parsed<Row> {
  line: number;
  row: Row;
}

class Tally {
  inserted = 0;
  updated = 0;
  unchanged = 0;
  errorCount = 0;
  readonly errors: LineError[] = [];
  readonly warnings: LineError[] = [];

  constructor(private readonly cap: number) {}

  private readonly failedLines = new Set<number>();

  /** Whether `line` was already reported bad (a line is reported once). */
  failed(line: number): boolean {
    return this.failedLines.has(line);
  }

  fail(line: number, message: string): void {
    this.failedLines.add(line);
    this.errorCount += 1;
    if (this.errors.length < this.cap) this.errors.push({ line, message });
  }

  warn(line: number, message: string): void {
    if (this.warnings.length < this.cap) this.warnings.push({ line, message });
  }

  /** The counts, to be put back after a check that applied nothing ({@link restore}). */
  counts(): { inserted: number; updated: number; unchanged: number; warnings: number } {
    const { inserted, updated, unchanged } = this;
    return { inserted, updated, unchanged, warnings: this.warnings.length };
  }

  restore(counts: ReturnType<Tally['counts']>): void {
    this.inserted = counts.inserted;
    this.updated = counts.updated;
    this.unchanged = counts.unchanged;
    this.warnings.length = counts.warnings;
  }
}

/**
 * An account number as billing systems mean it: spreadsheets (Excel, LibreOffice) read
 * `0123456789` as a number and save `123456789`, so numbers are compared without leading zeros.
 * SQL's `ltrim(number, '0')` is the same on SQLite and PostgreSQL.
 */
export function accountNumberKey(number: string): string {
  return number.replace(/^0+(?=.)/, '');
}

/** A meter serial as billing means it (see `serialKey`: no separators, upper case, no leading zeros). */
export function meterSerialKey(serial: string): string {
  return serialKey(serial) || serial;
}

/** The report's warning when a file's identifier matched a stored one only in canonical form. */
function mangledWarning(what: string, inFile: string, stored: string): string {
  return `${what} "${inFile}" is taken as the stored "${stored}" (leading zeros dropped, as Excel does); the stored form is kept`;
}

interface Importer<Row> {
  schema: { safeParse(value: unknown): z.ZodSafeParseResult<Row> };
  apply(trx: Trx, batch: Parsed<Row>[], tally: Tally, at: string): Promise<void>;
}

/** Thrown inside the transaction to roll it back when the file had bad rows. */
class Rejected extends Error {}

/** Imports a file by path; see {@link importStream}. */
export async function importFile(
  db: Db,
  kind: ImportKind,
  path: string,
  options: ImportOptions,
): Promise<ImportReport> {
  return importStream(db, kind, createReadStream(path), basename(path), options);
}

/**
 * Imports one file of `kind` from a byte stream, all or nothing, and records the run in
 * `billing_exchanges` and `audit_log` (counts and the file name, no personal data).
 */
export async function importStream(
  db: Db,
  kind: ImportKind,
  input: Readable,
  fileName: string,
  options: ImportOptions,
): Promise<ImportReport> {
  const clock = options.clock;
  const startedAt = nowIso(clock);
  const batchSize = options.batchSize ?? 500;
  const tally = new Tally(options.maxListedErrors ?? 100);
  const hash = createHash('sha256');
  let complete = false;
  // Hash the bytes on their way to the parser. Piped at once, before any await: a 'data' listener
  // would start the stream flowing while the transaction is still being opened and drop chunks.
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      complete = true;
      callback();
    },
  });
  pipeline(input, hashing, () => undefined);
  let rows = 0;
  const importer = IMPORTERS[kind] as Importer<unknown>;

  // The run is on record before any row is read: a process killed mid-import leaves this row
  // `running`, and the next import of the kind marks it `interrupted` (see startRun).
  const { runId, interrupted, unfinishedIds } = await startRun(db, kind, fileName, startedAt);
  await dropStaged(db, unfinishedIds);

  const record = async (trx: Trx, applied: boolean) => {
    const report = makeReport(applied);
    const finishedAt = nowIso(clock);
    await trx('billing_exchanges')
      .where({ id: runId })
      .update({
        file_sha256: report.sha256,
        status: applied ? 'applied' : 'rejected',
        rows_read: report.rows,
        inserted: report.inserted,
        updated: report.updated,
        unchanged: report.unchanged,
        errors: report.errorCount,
        finished_at: finishedAt,
      });
    await trx('audit_log').insert({
      at: finishedAt,
      action: 'billing.import',
      subject: kind,
      details: JSON.stringify({
        kind,
        file: fileName,
        sha256: report.sha256,
        status: applied ? 'applied' : 'rejected',
        rows: report.rows,
        inserted: report.inserted,
        updated: report.updated,
        unchanged: report.unchanged,
        errors: report.errorCount,
      }),
    });
    return report;
  };

  const makeReport = (applied: boolean): ImportReport => ({
    kind,
    fileName,
    sha256: complete ? hash.digest('hex') : null,
    applied,
    rows,
    inserted: applied ? tally.inserted : 0,
    updated: applied ? tally.updated : 0,
    unchanged: applied ? tally.unchanged : 0,
    errorCount: tally.errorCount,
    errors: [...tally.errors].sort((a, b) => a.line - b.line),
    warnings: [...tally.warnings].sort((a, b) => a.line - b.line),
    interrupted,
  });

  /**
   * One batch into the database. A database error (a constraint, a value out of range) is not
   * a crash: it becomes a report row naming the lines of the batch, and the file is rejected.
   */
  const applyBatch = async (trx: Trx, batch: Parsed<unknown>[]) => {
    try {
      await importer.apply(trx, batch, tally, nowIso(clock));
    } catch (error) {
      const first = batch[0]?.line ?? 0;
      const last = batch.at(-1)?.line ?? first;
      const lines = first === last ? `line ${first}` : `lines ${first}–${last}`;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      tally.fail(first, `the database refused ${lines}: ${reason}`);
      throw new Rejected();
    }
  };

  /**
   * The file's rows that parse and pass the schema, in order; every other row becomes a
   * line-numbered error in the report (and `rows` counts them all).
   */
  async function* validRows(): AsyncGenerator<Parsed<unknown>> {
    for await (const item of readCsvRows(hashing, IMPORT_COLUMNS[kind])) {
      rows += 1;
      if ('message' in item) {
        tally.fail(item.line, item.message);
        continue;
      }
      const parsed = importer.schema.safeParse(item.values);
      if (!parsed.success) {
        tally.fail(item.line, describeIssues(parsed.error));
        continue;
      }
      yield { line: item.line, row: parsed.data };
    }
  }

  const oneTransaction = async (): Promise<ImportReport> =>
    db.transaction(async (trx) => {
      let batch: Parsed<unknown>[] = [];
      for await (const item of validRows()) {
        batch.push(item);
        if (batch.length >= batchSize) {
          await applyBatch(trx, batch);
          batch = [];
        }
      }
      if (batch.length) await applyBatch(trx, batch);
      if (tally.errorCount > 0) throw new Rejected();
      return await record(trx, true);
    });

  /**
   * SQLite has one writer: one transaction over the whole file would hold the write lock for
   * it all (a million rows: ~45 s) and residents' readings would time out. So the file goes to
   * the staging table in short transactions, is checked chunk by chunk in transactions that are
   * rolled back (nothing visible, the lock held for one chunk), and only a file with no bad row
   * is applied — chunk by chunk, each its own short transaction, yielding in between. The run is
   * `applying` meanwhile: a crash then leaves it partly applied, and the next import reports it
   * (`partial`) so the operator imports the same file again (keys make that safe).
   */
  const staged = async (): Promise<ImportReport> => {
    const held = async <T>(write: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await write();
      } finally {
        options.onWriteHeld?.(performance.now() - started);
      }
    };
    let batch: Array<Record<string, unknown>> = [];
    const flush = async () => {
      const rows = batch;
      batch = [];
      if (rows.length) await held(() => db('billing_import_rows').insert(rows));
      await pause();
    };
    for await (const item of validRows()) {
      const row = JSON.stringify(item.row);
      const externalId = (item.row as { external_id?: unknown }).external_id;
      batch.push({
        run_id: runId,
        line: item.line,
        row,
        natural_key: typeof externalId === 'string' ? externalId.slice(0, 128) : null,
        content:
          typeof externalId === 'string' ? createHash('sha256').update(row).digest('hex') : null,
      });
      if (batch.length >= STAGE_CHUNK) await flush();
    }
    await flush();

    // The check: every chunk applied in a transaction that is rolled back.
    const counts = { ...tally.counts() };
    await eachStagedChunk(db, runId, batchSize, async (chunk) => {
      await held(() =>
        db
          .transaction(async (trx) => {
            await applyBatch(trx, chunk).catch((error: unknown) => {
              if (!(error instanceof Rejected)) throw error;
            });
            throw new DryRun();
          })
          .catch((error: unknown) => {
            if (!(error instanceof DryRun)) throw error;
          }),
      );
    });
    await findRepeatedDocuments(db, runId, tally);
    if (tally.errorCount > 0) throw new Rejected();
    tally.restore(counts);

    // Another import of this kind started meanwhile marked this run interrupted: two imports of
    // one kind must not interleave their chunks, so the later one goes on and this one stops.
    const ours = await db('billing_exchanges')
      .where({ id: runId, status: 'running' })
      .update({ status: 'applying' });
    if (ours === 0) throw new Error('another import of this kind started; this one was stopped');
    await eachStagedChunk(db, runId, batchSize, async (chunk) => {
      await held(() => db.transaction((trx) => applyBatch(trx, chunk))).catch((error: unknown) => {
        // Checked clean a moment ago, refused now (the data changed meanwhile): the chunks before
        // are in. The run stays `applying`, so the next import reports it partly applied.
        if (error instanceof Rejected)
          throw new Error(
            `the database refused a chunk while applying: ${tally.errors[0]?.message}`,
          );
        throw error;
      });
    });
    const report = await db.transaction((trx) => record(trx, true));
    await dropStaged(db, [runId]);
    return report;
  };

  try {
    return isSqlite(db) ? await staged() : await oneTransaction();
  } catch (error) {
    if (error instanceof CsvFileError) tally.fail(error.line, error.message);
    else if (!(error instanceof Rejected)) {
      // A run that failed while applying stays `applying`: partly in, reported so by the next.
      await db('billing_exchanges')
        .where({ id: runId, status: 'running' })
        .update({ status: 'interrupted', finished_at: nowIso(clock) })
        .catch(() => undefined);
      throw error;
    }
    hashing.destroy();
    const report = await db.transaction((trx) => record(trx, false));
    await dropStaged(db, [runId]);
    return report;
  }
}

/** Rows staged per INSERT (knex writes a multi-row INSERT on SQLite as a compound SELECT: ≤ 500). */
const STAGE_CHUNK = 500;
/** Staged rows deleted per statement when a run's staging area is cleared. */
const DROP_CHUNK = 2_000;

/** Thrown to roll a checking transaction back. */
class DryRun extends Error {}

function isSqlite(db: Db): boolean {
  return (db.client as { dialect?: string }).dialect !== 'postgresql';
}

/**
 * The pause between two chunks' transactions, in ms. SQLite's busy handler is not fair: a
 * writer of another process polls at growing intervals (1, 2, 5 … 100 ms), and an importer that
 * takes the lock again at once would starve it. With 15 ms free between chunks a resident's
 * write waited at most ~0.3 s in `bench/import.ts` (p99 ~0.1 s); without, over 1.5 s.
 */
const CHUNK_PAUSE_MS = 15;

/** Leaves the write lock free for a moment (and gives the event loop a turn). */
const pause = () => new Promise<void>((resolve) => setTimeout(resolve, CHUNK_PAUSE_MS));

/** Calls `each` with the run's staged rows in file order, `size` at a time, pausing between. */
async function eachStagedChunk(
  db: Db,
  runId: number,
  size: number,
  each: (chunk: Parsed<unknown>[]) => Promise<void>,
): Promise<void> {
  let after = 0;
  for (;;) {
    const staged: Array<{ id: number; line: number; row: string }> = await db('billing_import_rows')
      .where('run_id', runId)
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(size)
      .select('id', 'line', 'row');
    if (staged.length === 0) return;
    after = Number(staged.at(-1)?.id);
    await each(staged.map((r) => ({ line: Number(r.line), row: JSON.parse(r.row) as unknown })));
    await pause();
  }
}

/**
 * A charge or payment id given twice in one file with different content is a bad row, as it is
 * inside one chunk; across chunks the rolled-back check cannot see it, so one query finds it.
 */
async function findRepeatedDocuments(db: Db, runId: number, tally: Tally): Promise<void> {
  const repeated = db('billing_import_rows')
    .where('run_id', runId)
    .whereNotNull('natural_key')
    .groupBy('natural_key')
    .havingRaw('count(distinct content) > 1')
    .select('natural_key');
  const rows: Array<{ natural_key: string; line: number; content: string }> = await db(
    'billing_import_rows',
  )
    .where('run_id', runId)
    .whereIn('natural_key', repeated)
    .orderBy('id')
    .select('natural_key', 'line', 'content');
  const first = new Map<string, { line: number; content: string }>();
  for (const row of rows) {
    const earlier = first.get(row.natural_key);
    if (!earlier) first.set(row.natural_key, { line: Number(row.line), content: row.content });
    else if (earlier.content !== row.content && !tally.failed(Number(row.line))) {
      tally.fail(
        Number(row.line),
        `external_id: "${row.natural_key}" is already on line ${earlier.line} of this file with different content; ` +
          'imported money is never rewritten — send a correction under a new external_id',
      );
    }
  }
}

/** Clears the staging rows of runs, a chunk per statement (no long write lock). */
async function dropStaged(db: Db, runIds: number[]): Promise<void> {
  if (runIds.length === 0) return;
  for (;;) {
    const ids = db('billing_import_rows').whereIn('run_id', runIds).limit(DROP_CHUNK).select('id');
    const deleted = await db('billing_import_rows').whereIn('id', ids).delete();
    if (deleted === 0) return;
    await pause();
  }
}

/**
 * Records the start of an import (`running`). Earlier runs of the same kind still `running` are
 * marked `interrupted` first (and their staging rows dropped): run imports of one kind one at a
 * time — a second one started while the first still runs marks it interrupted, and on SQLite the
 * first then stops before applying anything.
 */
async function startRun(
  db: Db,
  kind: ImportKind,
  fileName: string,
  at: string,
): Promise<{ runId: number; interrupted: ImportReport['interrupted']; unfinishedIds: number[] }> {
  return db.transaction(async (trx) => {
    const unfinished = await trx('billing_exchanges')
      .where({ direction: 'import', kind })
      .whereIn('status', ['running', 'applying'])
      .select('id', 'file_name', 'started_at', 'status');
    if (unfinished.length) {
      await trx('billing_exchanges')
        .whereIn(
          'id',
          unfinished.map((row: { id: number }) => row.id),
        )
        .update({ status: 'interrupted' });
    }
    const [row] = await trx('billing_exchanges')
      .insert({
        direction: 'import',
        kind,
        file_name: fileName.slice(0, 255),
        status: 'running',
        started_at: at,
        finished_at: at,
      })
      .returning('id');
    return {
      runId: Number(typeof row === 'object' ? row.id : row),
      unfinishedIds: unfinished.map((run: { id: number }) => Number(run.id)),
      interrupted: unfinished.map(
        (run: { file_name: string | null; started_at: string; status: string }) => ({
          fileName: run.file_name ?? null,
          startedAt: String(run.started_at),
          ...(run.status === 'applying' ? { partial: true } : {}),
        }),
      ),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Per kind: look the batch's keys up once, then insert, update or leave each row
// ---------------------------------------------------------------------------------------------

function same<T extends Record<string, unknown>>(stored: T, incoming: T): boolean {
  return Object.keys(incoming).every(
    (field) => (stored[field] ?? null) === (incoming[field] ?? null),
  );
}

function changedFields<T extends Record<string, unknown>>(stored: T, incoming: T): string[] {
  return Object.keys(incoming).filter(
    (field) => (stored[field] ?? null) !== (incoming[field] ?? null),
  );
}

/** `WHERE ltrim(number, '0') IN (…)`: the same on SQLite and PostgreSQL; never an empty `IN ()`. */
function byNumberKeys(trx: Trx, keys: string[]) {
  if (keys.length === 0) return trx.raw('1 = 0');
  return trx.raw(`ltrim(number, '0') in (${keys.map(() => '?').join(', ')})`, keys);
}

/** Stored accounts by the canonical form of their number (see {@link accountNumberKey}). */
async function accountsByNumberKey(
  trx: Trx,
  numbers: string[],
): Promise<Map<string, { id: number; number: string }>> {
  const keys = [...new Set(numbers.map(accountNumberKey))];
  const found: Array<{ id: number; number: string }> = await trx('accounts')
    .select('id', 'number')
    .where(byNumberKeys(trx, keys));
  return new Map(
    found.map((row) => [accountNumberKey(row.number), { id: Number(row.id), number: row.number }]),
  );
}

/** The stored account a file's number names, warning when it matched only without leading zeros. */
function accountFor(
  accounts: Map<string, { id: number; number: string }>,
  number: string,
  line: number,
  tally: Tally,
): number | undefined {
  const account = accounts.get(accountNumberKey(number));
  if (account && account.number !== number)
    tally.warn(line, mangledWarning('account_number', number, account.number));
  return account?.id;
}

/**
 * The generic upsert of a batch by a natural key: rows unseen are inserted, rows equal to the
 * stored ones are left alone, rows that differ are updated. A key repeated in the file applies in
 * file order (the later line wins), as a billing system would expect of a sequence of states.
 */
async function upsertBatch<Fields extends Record<string, unknown>>(input: {
  trx: Trx;
  table: string;
  batch: Array<{ key: string; fields: Fields }>;
  existing: Map<string, Fields & { id: number }>;
  tally: Tally;
  onInsert: (fields: Fields) => Record<string, unknown>;
  onUpdate: (fields: Fields) => Record<string, unknown>;
}): Promise<void> {
  const { trx, table, existing, tally } = input;
  const inserts = new Map<string, Fields>();
  for (const { key, fields } of input.batch) {
    const pending = inserts.get(key);
    const stored = pending ?? existing.get(key);
    if (!stored) {
      inserts.set(key, { ...fields });
      tally.inserted += 1;
    } else if (same(stored, fields)) {
      tally.unchanged += 1;
    } else if (pending) {
      Object.assign(pending, fields);
      tally.updated += 1;
    } else {
      const current = existing.get(key);
      if (!current) continue;
      await trx(table).where({ id: current.id }).update(input.onUpdate(fields));
      existing.set(key, { ...current, ...fields });
      tally.updated += 1;
    }
  }
  if (inserts.size) await trx(table).insert([...inserts.values()].map(input.onInsert));
}

const accountsImporter: Importer<AccountRow> = {
  schema: accountRow,
  async apply(trx, batch, tally, at) {
    const numbers = batch.map(({ row }) => accountNumberKey(row.number));
    type Fields = AccountRow;
    const stored: Array<Fields & { id: number }> = await trx('accounts')
      .select(
        'id',
        'number',
        'holder_name',
        'settlement',
        'address',
        'tariff_plan',
        'status',
        'residents',
        'receipt_code',
      )
      .where(byNumberKeys(trx, [...new Set(numbers)]));
    const existing = new Map(stored.map((row) => [accountNumberKey(row.number), row]));
    await upsertBatch<Fields>({
      trx,
      table: 'accounts',
      batch: batch.map(({ line, row }) => {
        const key = accountNumberKey(row.number);
        const known = existing.get(key);
        if (known && known.number !== row.number) {
          tally.warn(line, mangledWarning('number', row.number, known.number));
          return { key, fields: { ...row, number: known.number } };
        }
        return { key, fields: row };
      }),
      existing,
      tally,
      onInsert: (fields) => ({ ...fields, created_at: at, updated_at: at }),
      onUpdate: (fields) => ({ ...fields, updated_at: at }),
    });
  },
};

const metersImporter: Importer<MeterRow> = {
  schema: meterRow,
  async apply(trx, batch, tally, at) {
    const accounts = await accountsByNumberKey(
      trx,
      batch.map(({ row }) => row.account_number),
    );
    const known: Array<{ line: number; key: string; fields: MeterFields }> = [];
    for (const { line, row } of batch) {
      const accountId = accountFor(accounts, row.account_number, line, tally);
      if (accountId === undefined) {
        tally.fail(line, `account_number: unknown account "${row.account_number}"`);
        continue;
      }
      known.push({
        line,
        key: `${accountId}|${meterSerialKey(row.serial)}`,
        fields: {
          account_id: accountId,
          serial: row.serial,
          model: row.model,
          zones: row.zones,
          digits: row.digits,
          automated: row.automated,
          installed_on: row.installed_on,
          verified_until: row.verified_until,
          status: row.status,
        },
      });
    }
    if (!known.length) return;
    const stored: Array<MeterFields & { id: number }> = await trx('meters')
      .select(
        'id',
        'account_id',
        'serial',
        'model',
        'zones',
        'digits',
        'automated',
        'installed_on',
        'verified_until',
        'status',
      )
      // Every meter of these accounts: serials are matched in canonical form, which SQL cannot.
      .whereIn('account_id', [...new Set(known.map(({ fields }) => fields.account_id))]);
    const existing = new Map(
      stored.map((row) => [
        `${Number(row.account_id)}|${meterSerialKey(row.serial)}`,
        // SQLite hands booleans back as 0/1, PostgreSQL as true/false.
        { ...row, account_id: Number(row.account_id), automated: Boolean(row.automated) },
      ]),
    );
    await upsertBatch<MeterFields>({
      trx,
      table: 'meters',
      batch: known.map(({ line, key, fields }) => {
        const match = existing.get(key);
        if (match && match.serial !== fields.serial) {
          tally.warn(line, mangledWarning('serial', fields.serial, match.serial));
          return { key, fields: { ...fields, serial: match.serial } };
        }
        return { key, fields };
      }),
      existing,
      tally,
      onInsert: (fields) => ({ ...fields, created_at: at }),
      onUpdate: (fields) => fields,
    });
  },
};

type MeterFields = {
  account_id: number;
  serial: string;
  model: string | null;
  zones: number;
  digits: number;
  automated: boolean;
  installed_on: string | null;
  verified_until: string | null;
  status: string;
};

const tariffsImporter: Importer<TariffRow> = {
  schema: tariffRow,
  async apply(trx, batch, tally) {
    type Fields = {
      plan: string;
      zones: number;
      zone: string;
      valid_from: string;
      price_kopecks: number;
    };
    const keyOf = (row: Omit<Fields, 'price_kopecks'>) =>
      `${row.plan}|${row.zones}|${row.zone}|${row.valid_from}`;
    const stored: Array<Fields & { id: number }> = await trx('tariffs')
      .select('id', 'plan', 'zones', 'zone', 'valid_from', 'price_kopecks')
      .whereIn('plan', [...new Set(batch.map(({ row }) => row.plan))]);
    await upsertBatch<Fields>({
      trx,
      table: 'tariffs',
      batch: batch.map(({ row }) => {
        const fields = {
          plan: row.plan,
          zones: row.zones,
          zone: row.zone,
          valid_from: row.valid_from,
          price_kopecks: row.price,
        };
        return { key: keyOf(fields), fields };
      }),
      existing: new Map(stored.map((row) => [keyOf(row), row])),
      tally,
      onInsert: (fields) => fields,
      onUpdate: (fields) => ({ price_kopecks: fields.price_kopecks }),
    });
  },
};

type LedgerContent = {
  period: string;
  kind: 'charge' | 'payment';
  service: string | null;
  zone: string | null;
  volume_milli: number | null;
  tariff_kopecks: number | null;
  amount_kopecks: number;
  occurred_on: string;
};

type LedgerFields = LedgerContent & { account_id: number };

/**
 * Charges and payments: insert-or-ignore by `external_id`. The same id with the same content is
 * "unchanged"; with different content it is a bad row naming the fields that differ.
 */
async function insertLedgerBatch(
  trx: Trx,
  batch: Array<{
    line: number;
    externalId: string;
    accountNumber: string;
    fields: LedgerContent;
    description: string | null;
  }>,
  tally: Tally,
  at: string,
): Promise<void> {
  const accounts = await accountsByNumberKey(
    trx,
    batch.map((item) => item.accountNumber),
  );
  const stored: Array<LedgerFields & { external_id: string }> = await trx('ledger')
    .select(
      'external_id',
      'account_id',
      'period',
      'kind',
      'service',
      'zone',
      'volume_milli',
      'tariff_kopecks',
      'amount_kopecks',
      'occurred_on',
    )
    .whereIn('external_id', [...new Set(batch.map((item) => item.externalId))]);
  const known = new Map<string, LedgerFields>(
    stored.map((row) => [row.external_id, { ...row, account_id: Number(row.account_id) }]),
  );
  const inserts: Record<string, unknown>[] = [];
  for (const item of batch) {
    const accountId = accountFor(accounts, item.accountNumber, item.line, tally);
    if (accountId === undefined) {
      tally.fail(item.line, `account_number: unknown account "${item.accountNumber}"`);
      continue;
    }
    const fields: LedgerFields = { account_id: accountId, ...item.fields };
    const existing = known.get(item.externalId);
    if (!existing) {
      known.set(item.externalId, fields);
      inserts.push({
        ...fields,
        source: 'import',
        external_id: item.externalId,
        description: item.description,
        created_at: at,
      });
      tally.inserted += 1;
    } else if (same(existing, fields)) {
      tally.unchanged += 1;
    } else {
      const changed = changedFields(existing, fields).map((field) =>
        field === 'amount_kopecks'
          ? `amount ${formatRubles(existing.amount_kopecks)} → ${formatRubles(fields.amount_kopecks)}`
          : field === 'account_id'
            ? 'account_number'
            : field,
      );
      tally.fail(
        item.line,
        `external_id: "${item.externalId}" was already imported with different ${changed.join(', ')}; ` +
          'imported money is never rewritten — send a correction under a new external_id',
      );
    }
  }
  if (inserts.length) await trx('ledger').insert(inserts);
}

const chargesImporter: Importer<ChargeRow> = {
  schema: chargeRow,
  apply: (trx, batch, tally, at) =>
    insertLedgerBatch(
      trx,
      batch.map(({ line, row }) => ({
        line,
        externalId: row.external_id,
        accountNumber: row.account_number,
        description: null,
        fields: {
          period: row.period,
          kind: 'charge',
          service: row.service,
          zone: row.zone,
          volume_milli: row.volume,
          tariff_kopecks: row.tariff,
          amount_kopecks: row.amount,
          occurred_on: row.occurred_on,
        },
      })),
      tally,
      at,
    ),
};

const paymentsImporter: Importer<PaymentRow> = {
  schema: paymentRow,
  apply: (trx, batch, tally, at) =>
    insertLedgerBatch(
      trx,
      batch.map(({ line, row }) => ({
        line,
        externalId: row.external_id,
        accountNumber: row.account_number,
        // The payment channel (bank, post office, cash desk) is shown in the history.
        description: row.source,
        fields: {
          period: row.period,
          kind: 'payment',
          service: null,
          zone: null,
          volume_milli: null,
          tariff_kopecks: null,
          amount_kopecks: row.amount,
          occurred_on: row.paid_on,
        },
      })),
      tally,
      at,
    ),
};

const IMPORTERS: { [K in ImportKind]: Importer<unknown> } = {
  accounts: accountsImporter as Importer<unknown>,
  meters: metersImporter as Importer<unknown>,
  tariffs: tariffsImporter as Importer<unknown>,
  charges: chargesImporter as Importer<unknown>,
  payments: paymentsImporter as Importer<unknown>,
};
