import type { Db } from '../../core/db/index';
import { accountBalanceKopecks } from '../../core/ledger';

/** One `ledger` row as the balance feature reads it. */
export interface LedgerRow {
  id: number;
  period: string;
  kind: 'charge' | 'payment' | 'adjustment';
  zone: string | null;
  volumeMilli: number | null;
  tariffKopecks: number | null;
  amountKopecks: number;
  occurredOn: string;
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
  'description',
];

/** Ledger queries for one account; callers have already checked the account is the user's. */
export class BalanceRepo {
  constructor(private readonly db: Db) {}

  async accountNumber(accountId: number): Promise<string | undefined> {
    const row = (await this.db('accounts').where({ id: accountId }).first('number')) as
      | { number: string }
      | undefined;
    return row?.number;
  }

  /** Charges + adjustments − payments, in kopecks; positive is a debt. */
  balance(accountId: number): Promise<number> {
    return accountBalanceKopecks(this.db, accountId);
  }

  /** The latest period with charges and its total. */
  async lastCharge(
    accountId: number,
  ): Promise<{ period: string; amountKopecks: number } | undefined> {
    const row = (await this.db('ledger')
      .where({ account_id: accountId, kind: 'charge' })
      .groupBy('period')
      .orderBy('period', 'desc')
      .first('period', this.db.raw('sum(amount_kopecks) as total'))) as
      | { period: string; total: number | string }
      | undefined;
    return row ? { period: row.period, amountKopecks: Number(row.total) } : undefined;
  }

  async lastPayment(accountId: number): Promise<LedgerRow | undefined> {
    const row = (await this.db('ledger')
      .where({ account_id: accountId, kind: 'payment' })
      .orderBy([
        { column: 'occurred_on', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first(COLUMNS)) as Record<string, unknown> | undefined;
    return row ? toLedger(row) : undefined;
  }

  /** Periods with any ledger entry, newest first. */
  async periods(accountId: number): Promise<string[]> {
    const rows = (await this.db('ledger')
      .where({ account_id: accountId })
      .distinct('period')
      .orderBy('period', 'desc')) as { period: string }[];
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
}
