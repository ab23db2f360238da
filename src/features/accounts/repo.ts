import type { Knex } from 'knex';
import type { Db } from '../../core/db/index';
import { accountBalanceKopecks } from '../../core/ledger';
import { readRows } from '../../core/db/prepared';

/** An `accounts` row as the feature needs it. */
export interface AccountRow {
  id: number;
  number: string;
  holderName: string;
  address: string;
  tariffPlan: string;
  status: string;
}

/** A `meters` row as the feature needs it. */
export interface MeterRow {
  id: number;
  serial: string;
  model: string | null;
  zones: number;
  digits: number;
  automated: boolean;
  verifiedUntil: string | null;
}

/** The latest counted reading of one meter zone. */
export interface LastReadingRow {
  meterId: number;
  zone: string;
  period: string;
  valueMilli: number;
  submittedAt: string;
}

/** A linked account with the moment it was linked. */
export interface LinkRow extends AccountRow {
  linkedAt: string;
}

const ACCOUNT_COLUMNS = [
  'a.id',
  'a.number',
  'a.holder_name',
  'a.address',
  'a.tariff_plan',
  'a.status',
] as const;

function toAccount(row: Record<string, unknown>): AccountRow {
  return {
    id: Number(row.id),
    number: String(row.number),
    holderName: String(row.holder_name),
    address: String(row.address),
    tariffPlan: String(row.tariff_plan),
    status: String(row.status),
  };
}

/** Queries of the accounts feature; plain rows out, no rules. */
export class AccountsRepo {
  constructor(private readonly db: Db) {}

  async accountByNumber(number: string): Promise<AccountRow | undefined> {
    const row = (await this.db('accounts as a').where('a.number', number).first(ACCOUNT_COLUMNS)) as
      | Record<string, unknown>
      | undefined;
    return row ? toAccount(row) : undefined;
  }

  async accountNumberById(accountId: number): Promise<string | undefined> {
    const row = (await this.db('accounts').where({ id: accountId }).first('number')) as
      | { number: string }
      | undefined;
    return row?.number;
  }

  async activeSerials(accountId: number): Promise<string[]> {
    const rows = (await this.db('meters')
      .where({ account_id: accountId, status: 'active' })
      .select('serial')) as { serial: string }[];
    return rows.map((r) => r.serial);
  }

  /** The total of the charges of the latest billed period: "начислено" on the last receipt. */
  async lastChargeTotal(accountId: number): Promise<number | undefined> {
    const row = (await this.db('ledger')
      .where({ account_id: accountId, kind: 'charge' })
      .groupBy('period')
      .orderBy('period', 'desc')
      .first('period', this.db.raw('sum(amount_kopecks) as total'))) as
      | { period: string; total: number | string }
      | undefined;
    return row ? Number(row.total) : undefined;
  }

  async isLinked(userId: number, accountId: number): Promise<boolean> {
    const row: unknown = await this.db('account_links')
      .where({ user_id: userId, account_id: accountId })
      .first('id');
    return row !== undefined;
  }

  /** The user's linked accounts, oldest link first (a stable order for the list). */
  async linkedAccounts(userId: number): Promise<LinkRow[]> {
    // On every /balance and /reading: a prepared statement, not the query builder (issue 12).
    const rows = await readRows<Record<string, unknown>>(
      this.db,
      `select ${ACCOUNT_COLUMNS.join(', ')}, l.linked_at from account_links l join accounts a on a.id = l.account_id where l.user_id = ? order by l.linked_at, l.id`,
      [userId],
    );
    return rows.map((row) => ({ ...toAccount(row), linkedAt: String(row.linked_at) }));
  }

  async linkedAccount(userId: number, accountId: number): Promise<AccountRow | undefined> {
    const row = (await this.db('account_links as l')
      .join('accounts as a', 'a.id', 'l.account_id')
      .where({ 'l.user_id': userId, 'l.account_id': accountId })
      .first(ACCOUNT_COLUMNS)) as Record<string, unknown> | undefined;
    return row ? toAccount(row) : undefined;
  }

  /** Active cabinets holding the account and their Telegram users. */
  async holders(accountId: number): Promise<{ userId: number; telegramUserId: number }[]> {
    const rows = (await this.db('account_links as l')
      .join('users as u', 'u.id', 'l.user_id')
      .join('telegram_identities as ti', 'ti.user_id', 'l.user_id')
      .where('l.account_id', accountId)
      .andWhere('u.status', 'active')
      .orderBy('ti.telegram_user_id')
      .select('l.user_id', 'ti.telegram_user_id')) as Record<string, number | string>[];
    return rows.map((r) => ({
      userId: Number(r.user_id),
      telegramUserId: Number(r.telegram_user_id),
    }));
  }

  /** Telegram users of the other active cabinets that have this account linked. */
  async otherHoldersTelegramIds(accountId: number, exceptUserId: number): Promise<number[]> {
    const rows = (await this.db('account_links as l')
      .join('users as u', 'u.id', 'l.user_id')
      .join('telegram_identities as ti', 'ti.user_id', 'l.user_id')
      .where('l.account_id', accountId)
      .andWhereNot('l.user_id', exceptUserId)
      .andWhere('u.status', 'active')
      .select('ti.telegram_user_id')) as { telegram_user_id: number | string }[];
    return rows.map((r) => Number(r.telegram_user_id));
  }

  /** Inserts the link; false when it already existed. */
  async insertLink(
    trx: Knex.Transaction,
    userId: number,
    accountId: number,
    at: string,
  ): Promise<number | undefined> {
    const rows = (await trx('account_links')
      .insert({ user_id: userId, account_id: accountId, linked_at: at })
      .onConflict(['user_id', 'account_id'])
      .ignore()
      .returning('id')) as ({ id: number | string } | number)[];
    const first = rows[0];
    if (first === undefined) return undefined;
    return Number(typeof first === 'object' ? first.id : first);
  }

  async deleteLink(userId: number, accountId: number): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const deleted = await trx('account_links')
        .where({ user_id: userId, account_id: accountId })
        .delete();
      // The cabinet's Telegram sessions no longer point at an account they cannot see.
      await trx('telegram_identities')
        .where({ user_id: userId, current_account_id: accountId })
        .update({ current_account_id: null });
      return deleted > 0;
    });
  }

  async currentAccountId(telegramUserId: number): Promise<number | null> {
    const [row] = await readRows<{ current_account_id: number | string | null }>(
      this.db,
      'select current_account_id from telegram_identities where telegram_user_id = ? limit 1',
      [telegramUserId],
    );
    return row?.current_account_id == null ? null : Number(row.current_account_id);
  }

  async setCurrentAccount(
    telegramUserId: number,
    userId: number,
    accountId: number,
    db: Db = this.db,
  ): Promise<void> {
    await db('telegram_identities')
      .where({ telegram_user_id: telegramUserId, user_id: userId })
      .update({ current_account_id: accountId });
  }

  async meters(accountId: number): Promise<MeterRow[]> {
    const rows = (await this.db('meters')
      .where({ account_id: accountId, status: 'active' })
      .orderBy('id')
      .select('id', 'serial', 'model', 'zones', 'digits', 'automated', 'verified_until')) as Record<
      string,
      unknown
    >[];
    return rows.map((row) => ({
      id: Number(row.id),
      serial: String(row.serial),
      model: row.model == null ? null : String(row.model),
      zones: Number(row.zones),
      digits: Number(row.digits),
      // SQLite hands booleans back as 0/1.
      automated: row.automated === true || Number(row.automated) === 1,
      verifiedUntil: row.verified_until == null ? null : String(row.verified_until),
    }));
  }

  /** The latest accepted or billed reading per meter and zone. */
  async lastReadings(meterIds: number[]): Promise<LastReadingRow[]> {
    if (meterIds.length === 0) return [];
    const rows = (await this.db('meter_readings')
      .whereIn('meter_id', meterIds)
      .whereIn('status', ['accepted', 'billed'])
      .orderBy([
        { column: 'period', order: 'desc' },
        { column: 'submitted_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .select('meter_id', 'zone', 'period', 'value_milli', 'submitted_at')) as Record<
      string,
      unknown
    >[];
    const seen = new Set<string>();
    const out: LastReadingRow[] = [];
    for (const row of rows) {
      const key = `${row.meter_id}:${row.zone}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        meterId: Number(row.meter_id),
        zone: String(row.zone),
        period: String(row.period),
        valueMilli: Number(row.value_milli),
        submittedAt: String(row.submitted_at),
      });
    }
    return out;
  }

  /** Balance: charges + adjustments − payments; positive is a debt. */
  balance(accountId: number): Promise<number> {
    return accountBalanceKopecks(this.db, accountId);
  }
}
