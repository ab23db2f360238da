import type { Db } from '../../src/core/db/index';
import { CONSENT_VERSION } from '../../src/features/privacy/consent';

/** A resident logged in to an active cabinet, as the tests need them. */
export interface TestResident {
  userId: number;
  telegramUserId: number;
}

/**
 * Logs a resident in without going through registration: an active `users` row with an accepted
 * consent and a `telegram_identities` row, the same rows registration and login leave behind.
 * Each call makes a new cabinet; pass `userId` to log another Telegram user in to an existing one.
 */
export async function loginResident(
  db: Db,
  telegramUserId: number,
  options: { fullName?: string; userId?: number } = {},
): Promise<TestResident> {
  const now = new Date().toISOString();
  let userId = options.userId;
  if (userId === undefined) {
    const [row] = (await db('users')
      .insert({
        email: `resident-${telegramUserId}@example.org`,
        full_name: options.fullName ?? 'Анна Петровна',
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .returning('id')) as ({ id: number } | number)[];
    userId = Number(typeof row === 'object' ? row.id : row);
    await db('consents').insert({
      user_id: userId,
      version: CONSENT_VERSION,
      text_sha256: '0'.repeat(64),
      locale: 'ru',
      accepted_at: now,
    });
  }
  await db('telegram_identities').insert({
    telegram_user_id: telegramUserId,
    user_id: userId,
    logged_in_at: now,
    last_seen_at: now,
  });
  return { userId, telegramUserId };
}

/** Links an account directly in the database (for tests about what a linked resident sees). */
export async function linkDirectly(db: Db, userId: number, number: string): Promise<number> {
  const account = (await db('accounts').where({ number }).first('id')) as
    | { id: number }
    | undefined;
  if (!account) throw new Error(`no account ${number}`);
  await db('account_links').insert({
    user_id: userId,
    account_id: account.id,
    linked_at: new Date().toISOString(),
  });
  return Number(account.id);
}
