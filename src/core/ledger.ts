import type { Knex } from 'knex';
import { readRows } from './db/prepared';

/**
 * An account's balance in kopecks: charges and adjustments minus payments; positive is a debt,
 * negative an advance. The one definition every feature uses (card, balance, receipts, staff).
 */
export async function accountBalanceKopecks(db: Knex, accountId: number): Promise<number> {
  // On every /balance: a prepared statement, not the query builder (issue 12).
  const [row] = await readRows<{ balance: number | string }>(
    db,
    "select coalesce(sum(case when kind = 'payment' then -amount_kopecks else amount_kopecks end), 0) as balance from ledger where account_id = ?",
    [accountId],
  );
  return Number(row?.balance ?? 0);
}
