import type { Knex } from 'knex';
import { type Connection, preparedOn } from './sqlite-client';

/** What `readRows` needs of knex's pool (tarn) to find the idle SQLite connection. */
interface IdlePool {
  numUsed(): number;
  free: { resource: Connection }[];
}

/**
 * Rows of one read-only statement on the hottest paths (the resident of an update, the consent
 * check, the cabinet's accounts, the balance), without knex's query builder and pool round trip:
 * building and compiling the query, acquiring and releasing the connection cost ~5× the SQLite
 * statement itself (issue 12, docs/performance.md).
 *
 * `sql` uses `?` placeholders and plain (unquoted) identifiers, valid on SQLite and PostgreSQL.
 * On SQLite, when the one connection is idle — not lent to a query or a transaction in flight —
 * the statement runs on it at once, prepared once and reused (better-sqlite3 is synchronous, so
 * nothing can interleave; an open transaction always holds the connection, so the read is never
 * inside someone else's transaction). Otherwise (busy connection, a transaction handle, PostgreSQL)
 * it goes through `db.raw`, queued like any other query.
 */
export async function readRows<T>(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
): Promise<T[]> {
  const client = db.client as { config: { client: unknown }; pool?: IdlePool };
  const postgres = client.config.client === 'pg';
  if (!postgres && !db.isTransaction) {
    const pool = client.pool;
    const connection = pool && pool.numUsed() === 0 ? pool.free[0]?.resource : undefined;
    if (connection && !connection.inTransaction) {
      // Still visible to whoever counts statements (tests, bench/statements.ts).
      if (db.listenerCount('query') > 0) db.emit('query', { sql, bindings, method: 'raw' });
      return preparedOn(connection, sql).all(bindings as unknown[]) as T[];
    }
  }
  const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
