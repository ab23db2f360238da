import type { Knex } from 'knex';
import type { Db } from '../../core/db/index';
import { readRows } from '../../core/db/prepared';

/** A meter with what the readings rules need about it and its account. */
export interface ReadingMeterRow {
  id: number;
  accountId: number;
  accountNumber: string;
  tariffPlan: string;
  serial: string;
  zones: number;
  digits: number;
  automated: boolean;
  verifiedUntil: string | null;
}

/** One stored reading. */
export interface ReadingRow {
  id: number;
  meterId: number;
  zone: string;
  period: string;
  valueMilli: number;
  source: string;
  status: string;
  rejectReason: string | null;
  flagged: boolean;
  flagReason: string | null;
  submittedAt: string;
}

/** A reading as the history lists it, with its meter's serial. */
export interface HistoryRow extends ReadingRow {
  serial: string;
}

/** A new reading row; `period` and `submittedAt` are the same for every zone of one submission. */
export interface NewReading {
  meterId: number;
  zone: string;
  period: string;
  valueMilli: number;
  flagged: boolean;
  flagReason: string | null;
  userId: number;
  submittedAt: string;
}

/** Someone who may get a reminder: a Telegram user of an active cabinet and a linked account. */
export interface ReminderCandidate {
  telegramUserId: number;
  userId: number;
  accountId: number;
  accountNumber: string;
}

/** A meter due for verification soon, with the Telegram users who hold its account. */
export interface VerificationDueRow {
  telegramUserId: number;
  meterId: number;
  serial: string;
  accountNumber: string;
  verifiedUntil: string;
}

const METER_COLUMNS = [
  'm.id',
  'm.account_id',
  'a.number',
  'a.tariff_plan',
  'm.serial',
  'm.zones',
  'm.digits',
  'm.automated',
  'm.verified_until',
] as const;

const READING_COLUMNS = [
  'r.id',
  'r.meter_id',
  'r.zone',
  'r.period',
  'r.value_milli',
  'r.source',
  'r.status',
  'r.reject_reason',
  'r.flagged',
  'r.flag_reason',
  'r.submitted_at',
] as const;

/** SQLite hands booleans back as 0/1. */
const bool = (value: unknown): boolean => value === true || Number(value) === 1;

function toMeter(row: Record<string, unknown>): ReadingMeterRow {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    accountNumber: String(row.number),
    tariffPlan: String(row.tariff_plan),
    serial: String(row.serial),
    zones: Number(row.zones),
    digits: Number(row.digits),
    automated: bool(row.automated),
    verifiedUntil: row.verified_until == null ? null : String(row.verified_until),
  };
}

function toReading(row: Record<string, unknown>): ReadingRow {
  return {
    id: Number(row.id),
    meterId: Number(row.meter_id),
    zone: String(row.zone),
    period: String(row.period),
    valueMilli: Number(row.value_milli),
    source: String(row.source),
    status: String(row.status),
    rejectReason: row.reject_reason == null ? null : String(row.reject_reason),
    flagged: bool(row.flagged),
    flagReason: row.flag_reason == null ? null : String(row.flag_reason),
    submittedAt: String(row.submitted_at),
  };
}

/** Statuses of readings that count: the resident's last value, consumption, "already sent". */
export const COUNTED_STATUSES = ['accepted', 'billed'] as const;
/** {@link COUNTED_STATUSES} as an SQL list (constants, not input). */
const COUNTED_SQL = COUNTED_STATUSES.map((status) => `'${status}'`).join(', ');

/** Queries of the readings feature: plain rows in and out, no rules, no authorization. */
export class ReadingsRepo {
  constructor(private readonly db: Db) {}

  /** An active meter by id, with its account's number and tariff plan. */
  async meter(meterId: number): Promise<ReadingMeterRow | undefined> {
    const row = (await this.db('meters as m')
      .join('accounts as a', 'a.id', 'm.account_id')
      .where({ 'm.id': meterId, 'm.status': 'active' })
      .first(METER_COLUMNS)) as Record<string, unknown> | undefined;
    return row ? toMeter(row) : undefined;
  }

  /** The account's active meters, oldest first. */
  async meters(accountId: number): Promise<ReadingMeterRow[]> {
    // The reading flow's hot reads: prepared statements, not the query builder (issue 12).
    const rows = await readRows<Record<string, unknown>>(
      this.db,
      `select ${METER_COLUMNS.join(', ')} from meters m join accounts a on a.id = m.account_id where m.account_id = ? and m.status = 'active' order by m.id`,
      [accountId],
    );
    return rows.map(toMeter);
  }

  /**
   * The meter's counted readings (accepted or billed) of periods before `beforePeriod`, newest
   * first: the last one per zone is "the previous value", the rest give recent consumption.
   */
  async countedBefore(meterId: number, beforePeriod: string, limit: number): Promise<ReadingRow[]> {
    const rows = await readRows<Record<string, unknown>>(
      this.db,
      `select ${READING_COLUMNS.join(', ')} from meter_readings r where r.meter_id = ? and r.status in (${COUNTED_SQL}) and r.period < ? order by r.period desc, r.submitted_at desc, r.id desc limit ?`,
      [meterId, beforePeriod, limit],
    );
    return rows.map(toReading);
  }

  /** The meter's counted readings of one period (what a resubmission replaces). */
  async countedIn(meterId: number, period: string, db: Db = this.db): Promise<ReadingRow[]> {
    const rows = await readRows<Record<string, unknown>>(
      db,
      `select ${READING_COLUMNS.join(', ')} from meter_readings r where r.meter_id = ? and r.period = ? and r.status in (${COUNTED_SQL}) order by r.id`,
      [meterId, period],
    );
    return rows.map(toReading);
  }

  /** The price per zone in force for a period: the latest `valid_from` not after it. */
  async prices(plan: string, zones: number, period: string): Promise<Record<string, number>> {
    const rows = await readRows<{ zone: string; price_kopecks: number | string }>(
      this.db,
      'select zone, price_kopecks from tariffs where plan = ? and zones = ? and valid_from <= ? order by valid_from desc',
      [plan, zones, period],
    );
    const prices: Record<string, number> = {};
    for (const row of rows) prices[row.zone] ??= Number(row.price_kopecks);
    return prices;
  }

  /**
   * Whether the meter is on an account linked to the user, read inside the submission's
   * transaction; on PostgreSQL it also takes the meter's row lock (`SELECT … FOR UPDATE OF m`) for
   * the rest of the transaction, so concurrent submissions for one meter run one after the other.
   * SQLite needs no lock: its write transactions begin IMMEDIATE and so never overlap. One
   * statement for both the ownership check and the lock.
   */
  async lockOwnedMeter(userId: number, meterId: number, trx: Knex.Transaction): Promise<boolean> {
    const query = trx('meters as m')
      .join('account_links as l', 'l.account_id', 'm.account_id')
      .where({ 'm.id': meterId, 'l.user_id': userId })
      .first('m.id');
    const row: unknown = await (trx.client.config.client === 'pg' ? query.forUpdate('m') : query);
    return row !== undefined;
  }

  /**
   * Writes one submission: the period's live readings of these zones become `replaced`, one
   * `reading_submissions` row is inserted (its id is the number the resident is told) and the new
   * rows point at it. Returns that number and the new reading ids in the order given. Must run
   * inside a transaction.
   */
  async replaceAndInsert(
    trx: Knex.Transaction,
    rows: readonly NewReading[],
  ): Promise<{ submissionId: number; ids: number[] }> {
    const first = rows[0];
    if (first === undefined) throw new Error('a submission needs at least one zone');
    // One statement each, whatever the number of zones: a submission is one meter and period.
    await trx('meter_readings')
      .where({ meter_id: first.meterId, period: first.period, status: 'accepted' })
      .whereIn(
        'zone',
        rows.map((row) => row.zone),
      )
      .update({ status: 'replaced' });
    const [submission] = (await trx('reading_submissions')
      .insert({ meter_id: first.meterId, period: first.period, submitted_at: first.submittedAt })
      .returning('id')) as ({ id: number | string } | number)[];
    if (submission === undefined) throw new Error('the submission was not inserted');
    const submissionId = Number(typeof submission === 'object' ? submission.id : submission);
    const inserted = (await trx('meter_readings')
      .insert(
        rows.map((row) => ({
          meter_id: row.meterId,
          zone: row.zone,
          period: row.period,
          value_milli: row.valueMilli,
          source: 'bot',
          status: 'accepted',
          flagged: row.flagged,
          flag_reason: row.flagReason,
          submitted_by_user_id: row.userId,
          submitted_at: row.submittedAt,
          submission_id: submissionId,
        })),
      )
      .returning('id')) as ({ id: number | string } | number)[];
    if (inserted.length !== rows.length) throw new Error('a reading was not inserted');
    return {
      submissionId,
      ids: inserted.map((row) => Number(typeof row === 'object' ? row.id : row)),
    };
  }

  /** A page of the account's readings (every status), newest first, and the total count. */
  async history(
    accountId: number,
    offset: number,
    limit: number,
  ): Promise<{ rows: HistoryRow[]; total: number }> {
    const base = () =>
      this.db('meter_readings as r')
        .join('meters as m', 'm.id', 'r.meter_id')
        .where('m.account_id', accountId);
    const counted = (await base().count<{ n: number | string }[]>({ n: '*' }))[0];
    // Newest submission first (two at the same moment told apart by their number); inside one
    // submission the zones in their order Т1, Т2, Т3 as on the meter and the receipt, not in the
    // order the rows were written.
    // (knex's `nulls` option drops the column itself on SQLite: coalesce instead; rows from before
    // submissions were numbered count as 0.)
    const rows = (await base()
      .orderBy([
        { column: 'r.period', order: 'desc' },
        { column: 'r.submitted_at', order: 'desc' },
      ])
      .orderByRaw('coalesce(r.submission_id, 0) desc, r.meter_id asc, r.zone asc, r.id desc')
      .offset(offset)
      .limit(limit)
      .select([...READING_COLUMNS, 'm.serial'])) as Record<string, unknown>[];
    return {
      rows: rows.map((row) => ({ ...toReading(row), serial: String(row.serial) })),
      total: Number(counted?.n ?? 0),
    };
  }

  /**
   * Telegram users of active cabinets with a linked account that has a meter taking readings
   * from the bot (not automated, verification not expired on `today`) and no counted reading of
   * any meter of it for `period`, unless the cabinet opted out of reminders.
   */
  async reminderCandidates(period: string, today: string): Promise<ReminderCandidate[]> {
    const rows = (await this.db('account_links as l')
      .join('users as u', 'u.id', 'l.user_id')
      .join('telegram_identities as ti', 'ti.user_id', 'l.user_id')
      .join('accounts as a', 'a.id', 'l.account_id')
      .where('u.status', 'active')
      .whereNotExists((q) =>
        q
          .select(this.db.raw('1'))
          .from('reading_reminder_optouts as o')
          .whereRaw('o.user_id = l.user_id'),
      )
      .whereExists((q) =>
        q
          .select(this.db.raw('1'))
          .from('meters as m')
          .whereRaw('m.account_id = l.account_id')
          .andWhere('m.status', 'active')
          .andWhere('m.automated', false)
          .andWhere((w) =>
            w.whereNull('m.verified_until').orWhere('m.verified_until', '>=', today),
          ),
      )
      .whereNotExists((q) =>
        q
          .select(this.db.raw('1'))
          .from('meter_readings as r')
          .join('meters as m2', 'm2.id', 'r.meter_id')
          .whereRaw('m2.account_id = l.account_id')
          .andWhere('r.period', period)
          .whereIn('r.status', COUNTED_STATUSES),
      )
      .orderBy([{ column: 'ti.telegram_user_id' }, { column: 'a.id' }])
      .select('ti.telegram_user_id', 'l.user_id', 'a.id', 'a.number')) as Record<string, unknown>[];
    return rows.map((row) => ({
      telegramUserId: Number(row.telegram_user_id),
      userId: Number(row.user_id),
      accountId: Number(row.id),
      accountNumber: String(row.number),
    }));
  }

  /** Meters on linked accounts whose verification falls due between `from` and `to` (dates). */
  async verificationDue(from: string, to: string): Promise<VerificationDueRow[]> {
    const rows = (await this.db('meters as m')
      .join('accounts as a', 'a.id', 'm.account_id')
      .join('account_links as l', 'l.account_id', 'm.account_id')
      .join('users as u', 'u.id', 'l.user_id')
      .join('telegram_identities as ti', 'ti.user_id', 'l.user_id')
      .where('u.status', 'active')
      .andWhere('m.status', 'active')
      .andWhere('m.verified_until', '>=', from)
      .andWhere('m.verified_until', '<=', to)
      .orderBy([{ column: 'ti.telegram_user_id' }, { column: 'm.id' }])
      .select('ti.telegram_user_id', 'm.id', 'm.serial', 'a.number', 'm.verified_until')) as Record<
      string,
      unknown
    >[];
    return rows.map((row) => ({
      telegramUserId: Number(row.telegram_user_id),
      meterId: Number(row.id),
      serial: String(row.serial),
      accountNumber: String(row.number),
      verifiedUntil: String(row.verified_until),
    }));
  }

  async accountNumber(accountId: number): Promise<string | undefined> {
    const row = (await this.db('accounts').where('id', accountId).first('number')) as
      | { number: string }
      | undefined;
    return row?.number;
  }

  async isOptedOut(userId: number): Promise<boolean> {
    const row: unknown = await this.db('reading_reminder_optouts')
      .where('user_id', userId)
      .first('user_id');
    return row !== undefined;
  }

  async setOptedOut(userId: number, optedOut: boolean, at: string): Promise<void> {
    if (optedOut) {
      await this.db('reading_reminder_optouts')
        .insert({ user_id: userId, opted_out_at: at })
        .onConflict('user_id')
        .ignore();
    } else {
      await this.db('reading_reminder_optouts').where('user_id', userId).delete();
    }
  }
}
