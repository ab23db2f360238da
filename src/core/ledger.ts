import type { Knex } from 'knex';

/**
 * An account's balance in kopecks: charges and adjustments minus payments; positive is a debt,
 * negative an advance. The one definition every feature uses (card, balance, receipts, staff).
 */
export async function accountBalanceKopecks(db: Knex, accountId: number): Promise<number> {
  const row = (await db('ledger')
    .where({ account_id: accountId })
    .first(
      db.raw(
        "coalesce(sum(case when kind = 'payment' then -amount_kopecks else amount_kopecks end), 0) as balance",
      ),
    )) as { balance: number | string } | undefined;
  return Number(row?.balance ?? 0);
}
