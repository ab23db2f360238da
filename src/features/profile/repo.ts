import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { Clock } from '../../core/clock';

/** The resident's registration data as the profile shows it. */
export interface ProfileRow {
  id: number;
  email: string | null;
  fullName: string | null;
  phone: string | null;
  address: string | null;
  locale: string;
  status: string;
  passwordHash: string | null;
}

/** One audit record as `/security` shows it; `details` stays in the database. */
export interface SecurityEventRow {
  id: number;
  at: string;
  action: string;
  telegramUserId: number | null;
}

/** The columns the profile may change; nothing else is writable through this repo. */
export type ProfileFields = Partial<{
  full_name: string;
  phone: string;
  address: string;
  locale: string;
  email: string;
  email_verified_at: string;
  password_hash: string;
  password_changed_at: string;
}>;

/** Queries of the profile feature: users, identities, audit rows, change-of-address codes. */
export class ProfileRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async profile(userId: number, db: Db = this.db): Promise<ProfileRow | undefined> {
    const row = await db('users').where({ id: userId }).first();
    if (!row) return undefined;
    return {
      id: Number(row.id),
      email: row.email ?? null,
      fullName: row.full_name ?? null,
      phone: row.phone ?? null,
      address: row.address ?? null,
      locale: String(row.locale),
      status: String(row.status),
      passwordHash: row.password_hash ?? null,
    };
  }

  async update(userId: number, fields: ProfileFields, db: Db = this.db): Promise<void> {
    await db('users')
      .where({ id: userId })
      .update({ ...fields, updated_at: nowIso(this.clock) });
  }

  async emailTaken(email: string, exceptUserId: number): Promise<boolean> {
    const row = await this.db('users').where({ email }).whereNot({ id: exceptUserId }).first('id');
    return row !== undefined;
  }

  /** Telegram users logged in to the cabinet. */
  async identities(userId: number, db: Db = this.db): Promise<number[]> {
    const rows = await db('telegram_identities')
      .where({ user_id: userId })
      .select('telegram_user_id');
    return rows.map((r) => Number(r.telegram_user_id));
  }

  /** Logs every Telegram user of the cabinet out; returns who was logged in. */
  async unlinkAll(userId: number, db: Db = this.db): Promise<number[]> {
    const ids = await this.identities(userId, db);
    await db('telegram_identities').where({ user_id: userId }).delete();
    return ids;
  }

  /** Logs out every Telegram user of the cabinet but one; returns who was logged out. */
  async unlinkOthers(userId: number, keep: number, db: Db = this.db): Promise<number[]> {
    const ids = (await this.identities(userId, db)).filter((id) => id !== keep);
    if (ids.length > 0) {
      await db('telegram_identities')
        .where({ user_id: userId })
        .whereIn('telegram_user_id', ids)
        .delete();
    }
    return ids;
  }

  async securityEvents(userId: number, offset: number, limit: number): Promise<SecurityEventRow[]> {
    const rows = await this.db('audit_log')
      .where({ user_id: userId })
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(offset)
      .limit(limit)
      .select('id', 'at', 'action', 'telegram_user_id');
    return rows.map((r) => ({
      id: Number(r.id),
      at: String(r.at),
      action: String(r.action),
      telegramUserId: r.telegram_user_id === null ? null : Number(r.telegram_user_id),
    }));
  }

  async countSecurityEvents(userId: number): Promise<number> {
    const row = await this.db('audit_log').where({ user_id: userId }).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /** The newest change-of-address code: the address it was sent to and when. */
  async latestEmailCode(userId: number): Promise<{ email: string; createdAt: string } | undefined> {
    const row = await this.db('one_time_codes')
      .where({ user_id: userId, purpose: 'change_email' })
      .orderBy('id', 'desc')
      .first('email', 'created_at');
    return row ? { email: String(row.email), createdAt: String(row.created_at) } : undefined;
  }

  /**
   * The argon2 hash of a confirmed password draft (AUTH's `password_drafts`: it exposes drafting
   * and confirming, not a way to apply a draft outside recovery), deleted in the same step.
   */
  async takeDraftHash(draftId: string, db: Db = this.db): Promise<string | undefined> {
    const row = await db('password_drafts')
      .where({ id: draftId })
      .andWhere('expires_at', '>', nowIso(this.clock))
      .first('password_hash');
    await db('password_drafts').where({ id: draftId }).delete();
    return row ? String(row.password_hash) : undefined;
  }
}
