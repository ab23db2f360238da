import type { Knex } from 'knex';
import type { Db } from '../../core/db/index';
import { accountBalanceKopecks } from '../../core/ledger';
import { readRows } from '../../core/db/prepared';

/** One `ledger` row as readers see it. */
export interface LedgerRow {
  id: number;
  period: string;
  kind: 'charge' | 'payment' | 'adjustment';
  zone: string | null;
  volumeMilli: number | null;
  tariffKopecks: number | null;
  amountKopecks: number;
  occurredOn: string;
  source: string;
  description: string | null;
}

function toLedger(row: Record<string, unknown>): LedgerRow {
  const num = (v: unknown) => (v == null ? null : Number(v));
  return {
    id: Number(row.id),
    period: String(row.period),
    kind: String(row.kind) as LedgerRow['kind'],
    zone: row.zone == null ? null : String(row.zone),
    volumeMilli: num(row.volume_milli),
    tariffKopecks: num(row.tariff_kopecks),
    amountKopecks: Number(row.amount_kopecks),
    occurredOn: String(row.occurred_on),
    source: String(row.source),
    description: row.description == null ? null : String(row.description),
  };
}

const COLUMNS = [
  'id',
  'period',
  'kind',
  'zone',
  'volume_milli',
  'tariff_kopecks',
  'amount_kopecks',
  'occurred_on',
  'source',
  'description',
];

/** A payment credited to the ledger. */
export interface PaymentCredit {
  accountId: number;
  /** The billing month the payment is booked to (`YYYY-MM`, local). */
  period: string;
  amountKopecks: number;
  /** Local date `YYYY-MM-DD`. */
  occurredOn: string;
  /** Unique: the same payment credited twice is refused by the database. */
  externalId: string;
  source: 'bot' | 'import' | 'staff';
  description?: string;
  createdAt: string;
}

/** The `ledger` table's queries; the one place that reads or writes it (besides the billing import). */
export class LedgerRepo {
  constructor(private readonly db: Db) {}

  balance(accountId: number, db: Knex = this.db): Promise<number> {
    return accountBalanceKopecks(db, accountId);
  }

  /** Charges and adjustments minus payments booked to periods before `period`. */
  async balanceBefore(accountId: number, period: string): Promise<number> {
    const row = (await this.db('ledger')
      .where({ account_id: accountId })
      .andWhere('period', '<', period)
      .first(
        this.db.raw(
          "coalesce(sum(case when kind = 'payment' then -amount_kopecks else amount_kopecks end), 0) as balance",
        ),
      )) as { balance: number | string } | undefined;
    return Number(row?.balance ?? 0);
  }

  /**
   * Payments booked to periods after `period` (received after that month's charge): their sum in
   * kopecks and the local date (`YYYY-MM-DD`) of the latest, null when there is none.
   */
  async paymentsAfter(
    accountId: number,
    period: string,
  ): Promise<{ amountKopecks: number; lastOn: string | null }> {
    const row = (await this.db('ledger')
      .where({ account_id: accountId, kind: 'payment' })
      .andWhere('period', '>', period)
      .first(
        this.db.raw('coalesce(sum(amount_kopecks), 0) as total'),
        this.db.raw('max(occurred_on) as last_on'),
      )) as { total: number | string; last_on: string | null } | undefined;
    return {
      amountKopecks: Number(row?.total ?? 0),
      lastOn: row?.last_on ? String(row.last_on) : null,
    };
  }

  async lastCharge(
    accountId: number,
  ): Promise<{ period: string; amountKopecks: number } | undefined> {
    // On every /balance: a prepared statement, not the query builder (issue 12).
    const [row] = await readRows<{ period: string; total: number | string }>(
      this.db,
      "select period, sum(amount_kopecks) as total from ledger where account_id = ? and kind = 'charge' group by period order by period desc limit 1",
      [accountId],
    );
    return row ? { period: row.period, amountKopecks: Number(row.total) } : undefined;
  }

  async lastPayment(accountId: number): Promise<LedgerRow | undefined> {
    const [row] = await readRows<Record<string, unknown>>(
      this.db,
      `select ${COLUMNS.join(', ')} from ledger where account_id = ? and kind = 'payment' order by occurred_on desc, id desc limit 1`,
      [accountId],
    );
    return row ? toLedger(row) : undefined;
  }

  /** Periods with any entry (or, with `kind`, with entries of that kind), newest first. */
  async periods(accountId: number, kind?: LedgerRow['kind'], limit?: number): Promise<string[]> {
    const query = this.db('ledger')
      .where({ account_id: accountId, ...(kind ? { kind } : {}) })
      .distinct('period')
      .orderBy('period', 'desc');
    if (limit !== undefined) query.limit(limit);
    const rows = (await query) as { period: string }[];
    return rows.map((r) => r.period);
  }

  async entries(accountId: number, periods: string[]): Promise<LedgerRow[]> {
    if (periods.length === 0) return [];
    const rows = (await this.db('ledger')
      .where({ account_id: accountId })
      .whereIn('period', periods)
      .orderBy([{ column: 'period' }, { column: 'kind' }, { column: 'zone' }, { column: 'id' }])
      .select(COLUMNS)) as Record<string, unknown>[];
    return rows.map(toLedger);
  }

  /** Each account's latest charged period, for accounts with charges written since `since`. */
  async recentlyCharged(since: string): Promise<{ accountId: number; period: string }[]> {
    const rows = (await this.db('ledger')
      .where({ kind: 'charge' })
      .andWhere('created_at', '>=', since)
      .groupBy('account_id')
      .orderBy('account_id')
      .select('account_id', this.db.raw('max(period) as period'))) as Record<string, unknown>[];
    const result: { accountId: number; period: string }[] = [];
    for (const row of rows) {
      const accountId = Number(row.account_id);
      const latest = (await this.periods(accountId, 'charge', 1))[0];
      // Only when the new charges are the account's latest month (not a late correction).
      if (latest === String(row.period)) result.push({ accountId, period: latest });
    }
    return result;
  }

  /** Inserts a payment row; returns its id. Inside the caller's transaction. */
  async insertPayment(trx: Knex, credit: PaymentCredit): Promise<number> {
    const [row] = (await trx('ledger')
      .insert({
        account_id: credit.accountId,
        period: credit.period,
        kind: 'payment',
        amount_kopecks: credit.amountKopecks,
        occurred_on: credit.occurredOn,
        source: credit.source,
        external_id: credit.externalId,
        description: credit.description ?? null,
        created_at: credit.createdAt,
      })
      .returning('id')) as ({ id: number } | number)[];
    return Number(typeof row === 'object' ? row.id : row);
  }
}
