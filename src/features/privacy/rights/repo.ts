import type { Db } from '../../../core/db/index';
import { nowIso } from '../../../core/db/index';
import type { Clock } from '../../../core/clock';

type Row = Record<string, unknown>;

/** A value of a row as JSON can hold it (timestamps are already ISO strings). */
type Plain = string | number | boolean | null;

function plain(row: Row): Record<string, Plain> {
  const out: Record<string, Plain> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] =
      value === null || value === undefined
        ? null
        : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string'
          ? value
          : value instanceof Date
            ? value.toISOString()
            : String(value);
  }
  return out;
}

/** Scaled thousandths as the exact decimal printed on the meter. */
function milli(value: unknown): string {
  const n = Number(value);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  return `${sign}${Math.trunc(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/**
 * Everything the database holds about one person, gathered for `/mydata` and erased or unlinked
 * on withdrawal. Tables other features own (`account_links`, `appeals`) are read only when they
 * exist, so this keeps working while those features are built.
 */
export class RightsRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async user(userId: number): Promise<Row | undefined> {
    return this.db('users').where({ id: userId }).first();
  }

  async identities(userId: number): Promise<Record<string, Plain>[]> {
    const rows = await this.db('telegram_identities')
      .where({ user_id: userId })
      .orderBy('id')
      .select('telegram_user_id', 'logged_in_at', 'last_seen_at', 'current_account_id');
    return rows.map(plain);
  }

  async linkedAccounts(userId: number): Promise<Record<string, Plain>[] | undefined> {
    if (!(await this.db.schema.hasTable('account_links'))) return undefined;
    const rows = await this.db('account_links as l')
      .join('accounts as a', 'a.id', 'l.account_id')
      .where('l.user_id', userId)
      .orderBy('l.id')
      .select('a.number', 'a.holder_name', 'a.address', 'l.linked_at');
    return rows.map(plain);
  }

  async readings(userId: number): Promise<Record<string, Plain>[]> {
    const rows = await this.db('meter_readings as r')
      .join('meters as m', 'm.id', 'r.meter_id')
      .join('accounts as a', 'a.id', 'm.account_id')
      .where('r.submitted_by_user_id', userId)
      // In the order they were sent; one submission's zones Т1, Т2, Т3.
      .orderBy('r.submitted_at', 'asc')
      .orderByRaw('coalesce(r.submission_id, 0) asc, r.meter_id asc, r.zone asc, r.id asc')
      .select(
        'a.number as account',
        'm.serial as meter',
        'r.period',
        'r.zone',
        'r.value_milli',
        'r.source',
        'r.status',
        'r.reject_reason',
        'r.flagged',
        'r.submitted_at',
      );
    return rows.map(({ value_milli, flagged, ...rest }) => ({
      ...plain(rest),
      value: milli(value_milli),
      flagged: Boolean(flagged),
    }));
  }

  /** The person's appeals: number, topic, status and their dates (staff bookkeeping left out). */
  async appeals(userId: number): Promise<Record<string, Plain>[] | undefined> {
    if (!(await this.db.schema.hasTable('appeals'))) return undefined;
    if (!(await this.db.schema.hasColumn('appeals', 'user_id'))) return undefined;
    const rows = await this.db('appeals as ap')
      .leftJoin('accounts as a', 'a.id', 'ap.account_id')
      .where('ap.user_id', userId)
      .orderBy('ap.id')
      .select(
        'ap.number',
        'a.number as account',
        'ap.topic',
        'ap.status',
        'ap.created_at',
        'ap.due_at',
        'ap.first_answered_at',
        'ap.closed_at',
        'ap.telegram_user_id',
      );
    return rows.map(plain);
  }

  /** What was written in the person's appeals, by them and by staff, oldest first. */
  async appealMessages(userId: number): Promise<Record<string, Plain>[] | undefined> {
    if (!(await this.db.schema.hasTable('appeal_messages'))) return undefined;
    const rows = await this.db('appeal_messages as m')
      .join('appeals as ap', 'ap.id', 'm.appeal_id')
      .where('ap.user_id', userId)
      .orderBy([{ column: 'm.appeal_id' }, { column: 'm.id' }])
      .select('ap.number as appeal', 'm.author', 'm.text', 'm.created_at');
    return rows.map(plain);
  }

  async consents(userId: number): Promise<Record<string, Plain>[]> {
    const rows = await this.db('consents')
      .where({ user_id: userId })
      .orderBy('id')
      .select(
        'version',
        'locale',
        'text_sha256',
        'accepted_at',
        'withdrawn_at',
        'telegram_user_id',
      );
    return rows.map(plain);
  }

  /** The standing (not withdrawn) consent, newest first. */
  async standingConsent(
    userId: number,
  ): Promise<{ version: string; acceptedAt: string } | undefined> {
    const row = await this.db('consents')
      .where({ user_id: userId })
      .whereNull('withdrawn_at')
      .orderBy('id', 'desc')
      .first('version', 'accepted_at');
    return row ? { version: String(row.version), acceptedAt: String(row.accepted_at) } : undefined;
  }

  async audit(userId: number): Promise<Record<string, Plain>[]> {
    const rows = await this.db('audit_log')
      .where({ user_id: userId })
      .orderBy('id')
      .select('at', 'action', 'telegram_user_id');
    return rows.map(plain);
  }

  /**
   * Withdrawal, in one transaction: the person's data is erased from the cabinet row (the row
   * stays, anonymised, because audit and consent records point to it), every Telegram user is
   * logged out, accounts are unlinked, readings lose the link to the person, consents are marked
   * withdrawn and pending codes are dropped. Returns what was done, for the resident's report.
   */
  async erase(
    userId: number,
    trx: Db,
  ): Promise<{ loggedOut: number[]; accountsUnlinked: number; readingsKept: number }> {
    const now = nowIso(this.clock);
    await trx('users').where({ id: userId }).update({
      email: null,
      email_verified_at: null,
      full_name: null,
      phone: null,
      address: null,
      password_hash: null,
      status: 'erased',
      updated_at: now,
    });
    const identities = await trx('telegram_identities')
      .where({ user_id: userId })
      .select('telegram_user_id');
    await trx('telegram_identities').where({ user_id: userId }).delete();
    let accountsUnlinked = 0;
    if (await trx.schema.hasTable('account_links')) {
      accountsUnlinked = Number(await trx('account_links').where({ user_id: userId }).delete());
    }
    const readingsKept = Number(
      await trx('meter_readings')
        .where({ submitted_by_user_id: userId })
        .update({ submitted_by_user_id: null }),
    );
    await trx('consents')
      .where({ user_id: userId })
      .whereNull('withdrawn_at')
      .update({ withdrawn_at: now });
    await trx('one_time_codes').where({ user_id: userId }).delete();
    return {
      loggedOut: identities.map((r) => Number(r.telegram_user_id)),
      accountsUnlinked,
      readingsKept,
    };
  }
}
