import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { localPartsOf } from '../readings/rules';

/** An account's state in billing (`accounts.status`); /find shows it in words. */
export const ACCOUNT_STATUSES = ['active', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** An account as staff see it in /find, with the residents who linked it. */
export interface FoundAccount {
  number: string;
  holder: string;
  address: string;
  /** Anything but `closed` is shown as active (the column's default). */
  status: AccountStatus;
  residents: { fullName: string | null; email: string | null; phone: string | null }[];
}

/** The figures of /stats. */
export interface StaffStats {
  period: string;
  residents: number;
  linkedAccounts: number;
  readingsThisPeriod: number;
  /** Meter zones (active, not on automated metering) with no reading in the period yet. */
  readingsMissing: number;
  paymentsThisMonth: number;
  paymentsKopecksThisMonth: number;
}

/**
 * Read-only look-ups for staff in the admin chat (`/find`, `/stats`). Callers check the staff
 * registry first (the admin bot does, and only in the admin chat). Reads the tables of several
 * features in one place on purpose: these are counts and a search across them, no use case of
 * their own.
 */
export class StaffLookup {
  constructor(
    private readonly db: Db,
    private readonly timeZone: string,
    private readonly clock: Clock,
  ) {}

  /**
   * Accounts found by an account number, a resident's e-mail or phone (last 10 digits), each with
   * its linked residents. At most 5.
   */
  async find(query: string): Promise<FoundAccount[]> {
    const q = query.trim();
    if (q === '') return [];
    let accountIds: number[];
    if (q.includes('@')) {
      accountIds = await this.db('account_links as l')
        .join('users as u', 'u.id', 'l.user_id')
        .where('u.email', q.toLowerCase())
        .pluck('l.account_id');
    } else {
      const digits = q.replace(/\D/g, '');
      const byNumber = await this.db('accounts').where('number', q).pluck('id');
      const byPhone =
        digits.length >= 10
          ? await this.db('account_links as l')
              .join('users as u', 'u.id', 'l.user_id')
              .where('u.phone', 'like', `%${digits.slice(-10)}`)
              .pluck('l.account_id')
          : [];
      accountIds = [...byNumber, ...byPhone];
    }
    const ids = [...new Set(accountIds.map(Number))].slice(0, 5);
    const found: FoundAccount[] = [];
    for (const id of ids) {
      const account = await this.db('accounts').where({ id }).first();
      if (!account) continue;
      const residents = await this.db('account_links as l')
        .join('users as u', 'u.id', 'l.user_id')
        .where('l.account_id', id)
        .orderBy('l.id')
        .select('u.full_name', 'u.email', 'u.phone');
      found.push({
        number: String(account.number),
        holder: String(account.holder_name),
        address: String(account.address),
        status: account.status === 'closed' ? 'closed' : 'active',
        residents: residents.map((r) => ({
          fullName: r.full_name ?? null,
          email: r.email ?? null,
          phone: r.phone ?? null,
        })),
      });
    }
    return found;
  }

  /** Residents, linked accounts, readings of the current period (local), payments this month. */
  async stats(): Promise<StaffStats> {
    const local = localPartsOf(this.clock(), this.timeZone);
    const period = `${local.year}-${String(local.month).padStart(2, '0')}`;
    const count = async (query: Promise<{ n?: unknown }[]>) => Number((await query)[0]?.n ?? 0);
    const residents = await count(this.db('users').where({ status: 'active' }).count({ n: '*' }));
    const linkedAccounts = await count(this.db('account_links').countDistinct({ n: 'account_id' }));
    const readingsThisPeriod = await count(
      this.db('meter_readings')
        .where({ period })
        .whereIn('status', ['accepted', 'billed'])
        .count({ n: '*' }),
    );
    const expectedZones = await count(
      this.db('meters')
        .where({ status: 'active', automated: false })
        .sum({ n: 'zones' }) as unknown as Promise<{ n?: unknown }[]>,
    );
    const [payments] = await this.db('ledger')
      .where({ kind: 'payment', period })
      .count({ n: '*' })
      .sum({ s: 'amount_kopecks' });
    return {
      period,
      residents,
      linkedAccounts,
      readingsThisPeriod,
      readingsMissing: Math.max(0, expectedZones - readingsThisPeriod),
      paymentsThisMonth: Number(payments?.n ?? 0),
      paymentsKopecksThisMonth: Math.abs(Number(payments?.s ?? 0)),
    };
  }
}
