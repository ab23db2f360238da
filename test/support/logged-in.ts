import argon2 from 'argon2';
import type { Db } from '../../src/core/db/index';
import { ARGON2_OPTIONS } from '../../src/features/auth/service';
import { CONSENT_VERSION } from '../../src/features/privacy/consent';

/** The password of every cabinet made by {@link loggedInResident}. */
export const KNOWN_PASSWORD = 'тёплый ветер над вулканом';

let hashOfKnown: Promise<string> | undefined;

/** A cabinet logged in to from Telegram, as the profile and rights tests need it. */
export interface LoggedIn {
  userId: number;
  email: string;
}

/**
 * Logs a resident in without AUTH's conversations: an active `users` row with an argon2id hash
 * of {@link KNOWN_PASSWORD} and the current consent, plus a `telegram_identities` row — the rows
 * registration and login leave behind. Pass `userId` to log a second Telegram user (a family
 * member) in to an existing cabinet.
 */
export async function loggedInResident(
  db: Db,
  telegramUserId: number,
  options: { userId?: number; email?: string; fullName?: string | null } = {},
): Promise<LoggedIn> {
  const now = new Date().toISOString();
  let userId = options.userId;
  const email = options.email ?? `profile-${telegramUserId}@example.org`;
  if (userId === undefined) {
    hashOfKnown ??= argon2.hash(KNOWN_PASSWORD, ARGON2_OPTIONS);
    const [row] = (await db('users')
      .insert({
        email,
        email_verified_at: now,
        password_hash: await hashOfKnown,
        full_name: options.fullName === undefined ? 'Иванова Анна Петровна' : options.fullName,
        status: 'active',
        locale: 'ru',
        created_at: now,
        updated_at: now,
        password_changed_at: now,
      })
      .returning('id')) as ({ id: number } | number)[];
    userId = Number(typeof row === 'object' ? row.id : row);
    await db('consents').insert({
      user_id: userId,
      telegram_user_id: telegramUserId,
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
  await db('audit_log').insert({
    at: now,
    user_id: userId,
    telegram_user_id: telegramUserId,
    action: 'login.ok',
  });
  return { userId, email };
}
