import type { Db } from '../../core/db/index';

/** The cabinet a Telegram user is logged in to, as handlers need it. */
export interface CurrentUser {
  id: number;
  fullName: string | null;
  email: string | null;
}

/**
 * Who is logged in as whom. The foundation only reads identities; registration and login
 * (which create them) come with the residents feature.
 */
export class AuthService {
  constructor(private readonly db: Db) {}

  /** The active cabinet this Telegram user is logged in to, if any. */
  async currentUser(telegramUserId: number): Promise<CurrentUser | undefined> {
    const row = await this.db('telegram_identities as ti')
      .join('users as u', 'u.id', 'ti.user_id')
      .where('ti.telegram_user_id', telegramUserId)
      .andWhere('u.status', 'active')
      .first('u.id', 'u.full_name', 'u.email');
    if (!row) return undefined;
    return { id: Number(row.id), fullName: row.full_name ?? null, email: row.email ?? null };
  }
}
