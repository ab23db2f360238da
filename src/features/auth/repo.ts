import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { Clock } from '../../core/clock';
import { readRows } from '../../core/db/prepared';

/** A cabinet's row as the auth use cases need it. */
export interface UserRow {
  id: number;
  email: string | null;
  passwordHash: string | null;
  status: 'pending' | 'active' | 'erased';
  locale: string;
  fullName: string | null;
  createdAt: string;
}

/** A one-time code's row; the code itself is never stored. */
export interface CodeRow {
  id: number;
  userId: number;
  email: string;
  codeHash: string;
  salt: string;
  expiresAt: string;
  attempts: number;
  consumedAt: string | null;
  createdAt: string;
}

export type CodePurpose = 'verify_email' | 'reset_password' | 'change_email';

function toUser(row: Record<string, unknown>): UserRow {
  return {
    id: Number(row.id),
    email: (row.email as string | null) ?? null,
    passwordHash: (row.password_hash as string | null) ?? null,
    status: row.status as UserRow['status'],
    locale: String(row.locale),
    fullName: (row.full_name as string | null) ?? null,
    createdAt: String(row.created_at),
  };
}

function toCode(row: Record<string, unknown>): CodeRow {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    email: String(row.email),
    codeHash: String(row.code_hash),
    salt: String(row.salt),
    expiresAt: String(row.expires_at),
    attempts: Number(row.attempts),
    consumedAt: (row.consumed_at as string | null) ?? null,
    createdAt: String(row.created_at),
  };
}

/** The auth tables' queries: users, identities, codes, password drafts. Plain rows out. */
export class AuthRepo {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async userByEmail(email: string, db: Db = this.db): Promise<UserRow | undefined> {
    const row = await db('users').where({ email }).first();
    return row ? toUser(row) : undefined;
  }

  async userById(id: number, db: Db = this.db): Promise<UserRow | undefined> {
    const row = await db('users').where({ id }).first();
    return row ? toUser(row) : undefined;
  }

  async insertUser(
    input: { email: string; passwordHash: string; locale: string },
    db: Db = this.db,
  ): Promise<number> {
    const now = nowIso(this.clock);
    const [row] = await db('users')
      .insert({
        email: input.email,
        password_hash: input.passwordHash,
        locale: input.locale,
        status: 'pending',
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  }

  async updateUser(id: number, fields: Record<string, unknown>, db: Db = this.db): Promise<void> {
    await db('users')
      .where({ id })
      .update({ ...fields, updated_at: nowIso(this.clock) });
  }

  /** The active cabinet a Telegram user is logged in to, if any (one indexed join). */
  async activeUserOf(
    telegramUserId: number,
  ): Promise<{ id: number; fullName: string | null; email: string | null } | undefined> {
    // On every update of a resident: a prepared statement, not the query builder (issue 12).
    const [row] = await readRows<{
      id: number | string;
      full_name: string | null;
      email: string | null;
    }>(
      this.db,
      "select u.id, u.full_name, u.email from telegram_identities ti join users u on u.id = ti.user_id where ti.telegram_user_id = ? and u.status = 'active' limit 1",
      [telegramUserId],
    );
    if (!row) return undefined;
    return { id: Number(row.id), fullName: row.full_name ?? null, email: row.email ?? null };
  }

  /** The Telegram users logged in to a cabinet now, in id order. */
  async telegramUsersOf(userId: number): Promise<number[]> {
    const ids = await this.db('telegram_identities')
      .where({ user_id: userId })
      .orderBy('telegram_user_id')
      .pluck('telegram_user_id');
    return ids.map(Number);
  }

  /** Links a Telegram user to a cabinet (moving it from any other cabinet). */
  async linkIdentity(telegramUserId: number, userId: number, db: Db = this.db): Promise<void> {
    const now = nowIso(this.clock);
    await db('telegram_identities')
      .insert({
        telegram_user_id: telegramUserId,
        user_id: userId,
        logged_in_at: now,
        last_seen_at: now,
      })
      .onConflict('telegram_user_id')
      .merge({ user_id: userId, current_account_id: null, logged_in_at: now, last_seen_at: now });
  }

  async unlinkIdentity(telegramUserId: number, db: Db = this.db): Promise<number | undefined> {
    const row = await db('telegram_identities')
      .where({ telegram_user_id: telegramUserId })
      .first('user_id');
    if (!row) return undefined;
    await db('telegram_identities').where({ telegram_user_id: telegramUserId }).delete();
    return Number(row.user_id);
  }

  /** Logs out every Telegram user of a cabinet but one; returns who was logged out. */
  async unlinkOthers(
    userId: number,
    keepTelegramUserId: number,
    db: Db = this.db,
  ): Promise<number[]> {
    const rows = await db('telegram_identities')
      .where({ user_id: userId })
      .whereNot({ telegram_user_id: keepTelegramUserId })
      .select('telegram_user_id');
    await db('telegram_identities')
      .where({ user_id: userId })
      .whereNot({ telegram_user_id: keepTelegramUserId })
      .delete();
    return rows.map((r) => Number(r.telegram_user_id));
  }

  async insertCode(
    input: {
      purpose: CodePurpose;
      userId: number;
      email: string;
      codeHash: string;
      salt: string;
      expiresAt: string;
    },
    db: Db = this.db,
  ): Promise<void> {
    // A new code replaces the previous ones of the same purpose, atomically.
    await db.transaction(async (trx) => {
      await trx('one_time_codes')
        .where({ user_id: input.userId, purpose: input.purpose })
        .whereNull('consumed_at')
        .update({ consumed_at: nowIso(this.clock) });
      await trx('one_time_codes').insert({
        purpose: input.purpose,
        user_id: input.userId,
        email: input.email,
        code_hash: input.codeHash,
        salt: input.salt,
        expires_at: input.expiresAt,
        attempts: 0,
        created_at: nowIso(this.clock),
      });
    });
  }

  /** The newest code of a purpose, used or not. */
  async latestCode(
    userId: number,
    purpose: CodePurpose,
    db: Db = this.db,
  ): Promise<CodeRow | undefined> {
    const row = await db('one_time_codes')
      .where({ user_id: userId, purpose })
      .orderBy('id', 'desc')
      .first();
    return row ? toCode(row) : undefined;
  }

  /**
   * Takes one try of a code before it is compared: one conditional UPDATE, so of a burst of any
   * size at most `maxAttempts` tries are ever compared. Returns the number of tries the code has
   * now had, or undefined when it is used, expired or out of tries (nothing taken).
   */
  async takeCodeAttempt(
    id: number,
    maxAttempts: number,
    now: string,
    db: Db = this.db,
  ): Promise<number | undefined> {
    const rows = await db('one_time_codes')
      .where({ id })
      .andWhere('attempts', '<', maxAttempts)
      .whereNull('consumed_at')
      .andWhere('expires_at', '>', now)
      .update({ attempts: db.raw('attempts + 1') }, ['attempts']);
    const row = rows[0] as { attempts?: unknown } | undefined;
    return row ? Number(row.attempts) : undefined;
  }

  /** Marks a code used; false when someone else used it first. */
  async consumeCode(id: number, db: Db = this.db): Promise<boolean> {
    const changed = await db('one_time_codes')
      .where({ id })
      .whereNull('consumed_at')
      .update({ consumed_at: nowIso(this.clock) });
    return changed === 1;
  }

  async insertDraft(id: string, passwordHash: string, expiresAt: string): Promise<void> {
    await this.db('password_drafts').where('expires_at', '<', nowIso(this.clock)).delete();
    await this.db('password_drafts').insert({
      id,
      password_hash: passwordHash,
      expires_at: expiresAt,
      created_at: nowIso(this.clock),
    });
  }

  async draftHash(id: string): Promise<string | undefined> {
    const row = await this.db('password_drafts')
      .where({ id })
      .andWhere('expires_at', '>', nowIso(this.clock))
      .first('password_hash');
    return row ? String(row.password_hash) : undefined;
  }

  async deleteDraft(id: string, db: Db = this.db): Promise<void> {
    await db('password_drafts').where({ id }).delete();
  }
}
