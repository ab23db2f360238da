/**
 * Residents for the benchmark, written straight into the database as registration, consent and
 * linking leave them: an active cabinet, the current consent, a Telegram identity logged in, and
 * one linked personal account (the current one) with a single manual, verified meter.
 */
import type { Db } from '../src/core/db/index';
import { CONSENT_VERSION } from '../src/features/privacy/consent';

/** Telegram ids of benchmark residents start here; guests use {@link GUEST_ID_BASE}. */
export const RESIDENT_ID_BASE = 500_000_000;
export const GUEST_ID_BASE = 900_000_000;

/**
 * Creates `count` logged-in residents, each linked to a different account that has one manual
 * meter in verification on `today` (YYYY-MM-DD). Returns their Telegram user ids.
 * `passwordHash`: stored for every cabinet (argon2id of a known password) for the login scenario.
 */
export async function createResidents(
  db: Db,
  count: number,
  input: { today: string; nowIso: string; passwordHash?: string; postgres?: boolean },
): Promise<{ telegramIds: number[]; emails: string[] }> {
  const accounts = (await db('accounts as a')
    .join('meters as m', 'm.account_id', 'a.id')
    .where('m.status', 'active')
    .groupBy('a.id')
    .havingRaw('count(*) = 1')
    .havingRaw('sum(case when m.automated then 1 else 0 end) = 0')
    .havingRaw('min(m.verified_until) > ?', [input.today])
    .orderBy('a.id')
    .limit(count)
    .select('a.id')) as { id: number }[];
  if (accounts.length < count) {
    throw new Error(`only ${accounts.length} accounts fit a benchmark resident, ${count} needed`);
  }
  const maxUser = (await db('users').max('id as max').first()) as { max: number | null };
  const firstUserId = Number(maxUser.max ?? 0) + 1;
  const telegramIds: number[] = [];
  const emails: string[] = [];
  const now = input.nowIso;
  const users: Record<string, unknown>[] = [];
  const consents: Record<string, unknown>[] = [];
  const identities: Record<string, unknown>[] = [];
  const links: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const userId = firstUserId + i;
    const telegramUserId = RESIDENT_ID_BASE + firstUserId + i;
    const accountId = Number(accounts[i]!.id);
    const email = `bench-${userId}@example.org`;
    telegramIds.push(telegramUserId);
    emails.push(email);
    users.push({
      id: userId,
      email,
      email_verified_at: now,
      password_hash: input.passwordHash ?? null,
      full_name: 'Иванова Анна Петровна',
      status: 'active',
      locale: 'ru',
      created_at: now,
      updated_at: now,
      password_changed_at: now,
    });
    consents.push({
      user_id: userId,
      telegram_user_id: telegramUserId,
      version: CONSENT_VERSION,
      text_sha256: '0'.repeat(64),
      locale: 'ru',
      accepted_at: now,
    });
    identities.push({
      telegram_user_id: telegramUserId,
      user_id: userId,
      current_account_id: accountId,
      logged_in_at: now,
      last_seen_at: now,
    });
    links.push({ user_id: userId, account_id: accountId, linked_at: now });
  }
  await db.transaction(async (trx) => {
    for (const [table, rows] of [
      ['users', users],
      ['consents', consents],
      ['telegram_identities', identities],
      ['account_links', links],
    ] as const) {
      await trx.batchInsert(table, rows, 500);
    }
  });
  if (input.postgres) {
    await db.raw(
      `select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from users))`,
    );
  }
  return { telegramIds, emails };
}
