import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Knex } from 'knex';
import { type Db, nowIso } from '../../../core/db/index';
import { CSV_DELIMITER, neutraliseCell } from './csv';
import { EXPORT_COLUMNS, type ExportKind, formatMilli, formatRubles, parsePeriod } from './formats';
import type { Clock } from '../../../core/clock';

/**
 * `abonent export readings|payments --period YYYY-MM [--out FILE] [--all]`: what came in through
 * the bot, for the billing system.
 *
 * Files are written the way 1С and other Russian billing systems read them without a dialog:
 * UTF-8 with a BOM (Excel and 1С then detect the encoding), CRLF line ends, `;` separators,
 * decimal commas, a header row.
 *
 * Readings: only `accepted` readings of the period are exported and, in the same transaction,
 * marked `billed` (the resident sees "taken into billing"), so running the export again exports
 * only what arrived since. `--all` re-exports the period's billed readings as well (a lost file).
 * When `--out` names a file it is written beside it as `FILE.partial` and renamed after the commit:
 * a crash leaves either no file and no status change, or both.
 *
 * Payments: the payments that came in through the bot (ledger `source = 'bot'`) for the period;
 * nothing changes state, so the export can be repeated freely.
 */

/** The outcome of one export, printed by the CLI and kept in `billing_exchanges`. */
export interface ExportReport {
  kind: ExportKind;
  period: string;
  rows: number;
  /** Readings that changed from `accepted` to `billed` in this run. */
  markedBilled: number;
  /**
   * Readings left out because they are flagged as implausible and staff have not reviewed them
   * yet (they go to billing once accepted, never as ordinary readings).
   */
  heldForReview: number;
  fileName: string | null;
  sha256: string;
}

/** Where and how to export. */
export interface ExportOptions {
  period: string;
  /** A file path (written atomically), or a stream such as stdout. */
  out: string | Writable;
  /** Readings: include those already billed by an earlier export. */
  all?: boolean;
  clock: Clock;
  /** Rows read per round trip (default 1000). */
  pageSize?: number;
}

/** A period that is not `YYYY-MM`: the CLI shows it as a usage mistake. */
export class BadPeriodError extends Error {}

type Trx = Db;

interface ReadingExportRow {
  id: number;
  account_number: string;
  meter_serial: string;
  zone: string;
  period: string;
  value_milli: number;
  submitted_at: string;
  source: string;
}

interface PaymentExportRow {
  id: number;
  external_id: string | null;
  account_number: string;
  period: string;
  amount_kopecks: number;
  occurred_on: string;
  source: string;
}

/**
 * Exports one kind for one period and records the run in `billing_exchanges` and `audit_log`
 * (kind, period, file name, counts — no personal data).
 */
export async function exportData(
  db: Db,
  kind: ExportKind,
  options: ExportOptions,
): Promise<ExportReport> {
  const period = parsePeriod(options.period);
  if (!period || period !== options.period) {
    throw new BadPeriodError(`--period must be YYYY-MM (got "${options.period}")`);
  }
  const clock = options.clock;
  const startedAt = nowIso(clock);
  const pageSize = options.pageSize ?? 1000;
  const path = typeof options.out === 'string' ? options.out : null;
  const partial = path ? `${path}.partial` : null;
  const sink: Writable = partial ? createWriteStream(partial) : (options.out as Writable);
  const hash = createHash('sha256');
  const csv = stringify({
    delimiter: CSV_DELIMITER,
    record_delimiter: 'windows',
    bom: true,
    header: true,
    columns: [...EXPORT_COLUMNS[kind]],
  });
  csv.on('data', (chunk: Buffer) => hash.update(chunk));
  csv.pipe(sink, { end: partial !== null });

  const write = async (fields: Record<string, string>) => {
    const record = Object.fromEntries(
      Object.entries(fields).map(([name, value]) => [name, neutraliseCell(value)]),
    );
    if (!csv.write(record)) await new Promise((resolve) => csv.once('drain', resolve));
  };

  try {
    const report = await db.transaction(async (trx) => {
      let rows = 0;
      let markedBilled = 0;
      let heldForReview = 0;
      if (kind === 'readings') {
        const statuses = options.all ? ['accepted', 'billed'] : ['accepted'];
        for await (const page of pages<ReadingExportRow>(trx, 'r.id', pageSize, (q) =>
          q
            .from('meter_readings as r')
            .join('meters as m', 'm.id', 'r.meter_id')
            .join('accounts as a', 'a.id', 'm.account_id')
            .where('r.period', period)
            .whereIn('r.status', statuses)
            .where((q) => q.where('r.flagged', false).orWhere('r.review', 'accepted'))
            .select(
              'r.id',
              'a.number as account_number',
              'm.serial as meter_serial',
              'r.zone',
              'r.period',
              'r.value_milli',
              'r.submitted_at',
              'r.source',
            ),
        )) {
          for (const row of page) {
            await write({
              account_number: row.account_number,
              meter_serial: row.meter_serial,
              zone: row.zone,
              period: row.period,
              value: formatMilli(Number(row.value_milli)),
              submitted_at: new Date(row.submitted_at).toISOString(),
              source: row.source,
              reading_id: String(row.id),
            });
          }
          rows += page.length;
          markedBilled += await trx('meter_readings')
            .whereIn(
              'id',
              page.map((row) => row.id),
            )
            .where('status', 'accepted')
            .update({ status: 'billed' });
        }
        const [held] = await trx('meter_readings')
          .where({ period, status: 'accepted', flagged: true })
          .whereNull('review')
          .count({ n: '*' });
        heldForReview = Number(held?.n ?? 0);
      } else {
        for await (const page of pages<PaymentExportRow>(trx, 'l.id', pageSize, (q) =>
          q
            .from('ledger as l')
            .join('accounts as a', 'a.id', 'l.account_id')
            .where({ 'l.period': period, 'l.kind': 'payment', 'l.source': 'bot' })
            .select(
              'l.id',
              'l.external_id',
              'a.number as account_number',
              'l.period',
              'l.amount_kopecks',
              'l.occurred_on',
              'l.source',
            ),
        )) {
          for (const row of page) {
            // Billing matches payments by external_id when it sends them back: give every bot
            // payment a stable one, so the round trip finds it "unchanged" instead of doubling it.
            let externalId = row.external_id;
            if (!externalId) {
              externalId = `abonent-${row.id}`;
              await trx('ledger').where({ id: row.id }).update({ external_id: externalId });
            }
            await write({
              external_id: externalId,
              account_number: row.account_number,
              period: row.period,
              amount: formatRubles(Number(row.amount_kopecks)),
              paid_on: row.occurred_on,
              source: row.source,
            });
          }
          rows += page.length;
        }
      }
      csv.end();
      await finished(csv);
      if (partial) await finished(sink);
      const finishedAt = nowIso(clock);
      const fileName = path ? basename(path) : null;
      const sha256 = hash.digest('hex');
      await trx('billing_exchanges').insert({
        direction: 'export',
        kind,
        period,
        file_name: fileName,
        file_sha256: sha256,
        status: 'exported',
        rows_read: rows,
        updated: markedBilled,
        started_at: startedAt,
        finished_at: finishedAt,
      });
      await trx('audit_log').insert({
        at: finishedAt,
        action: 'billing.export',
        subject: kind,
        details: JSON.stringify({
          kind,
          period,
          file: fileName,
          sha256,
          rows,
          markedBilled,
          heldForReview,
          all: Boolean(options.all),
        }),
      });
      return { kind, period, rows, markedBilled, heldForReview, fileName, sha256 };
    });
    if (path && partial) await rename(partial, path);
    return report;
  } catch (error) {
    csv.destroy();
    if (partial) {
      sink.destroy();
      await unlink(partial).catch(() => undefined);
    }
    throw error;
  }
}

/**
 * Keyset pagination by id inside the transaction: bounded memory for any period. On PostgreSQL
 * the rows are locked (`FOR UPDATE`) so a reading cannot be replaced by a concurrent resubmission
 * between being written to the file and being marked billed; SQLite's IMMEDIATE transaction
 * already holds the write lock.
 */
async function* pages<Row extends { id: number }>(
  trx: Trx,
  idColumn: string,
  pageSize: number,
  build: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
): AsyncGenerator<Row[]> {
  const postgres = trx.client.config.client === 'pg';
  let after = 0;
  for (;;) {
    const query = build(trx.queryBuilder())
      .where(idColumn, '>', after)
      .orderBy(idColumn)
      .limit(pageSize);
    const lockTable = idColumn.split('.')[0] ?? idColumn;
    const page = (await (postgres ? query.forUpdate(lockTable) : query)) as Row[];
    if (!page.length) return;
    for (const row of page) row.id = Number(row.id);
    yield page;
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    after = last.id;
  }
}
