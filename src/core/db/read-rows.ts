import type { Knex } from 'knex';
import { type Connection, preparedOn } from './sqlite-client';

/** What `readRows` needs of knex's pool (tarn) to find the idle SQLite connection. */
interface ConnectionPool {
  free: { resource: Connection }[];
  used: { resource: Connection }[];
}

/**
 * Rows of one read-only statement on the hottest paths (the resident of an update, the consent
 * check, the cabinet's accounts, the balance), without knex's query builder and pool round trip:
 * building and compiling the query, acquiring and releasing the connection cost ~5× the SQLite
 * statement itself (issue 12, docs/performance.md).
 *
 * `sql` uses `?` placeholders and plain (unquoted) identifiers, valid on SQLite and PostgreSQL.
 * On SQLite the statement runs at once on the one connection (the pool has one), prepared once and
 * reused, unless a transaction is open on it: better-sqlite3 is synchronous, so no other statement
 * is executing at that moment, and a connection lent to a plain query between its statements
 * holds no transaction — the read is an autocommit read like any other. With a transaction open
 * (another update's, in flight), on a transaction handle, or on PostgreSQL, it goes through
 * `db.raw`, queued like any other query, so it never reads someone else's uncommitted rows.
 */
export async function readRows<T>(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
): Promise<T[]> {
  const client = db.client as { config: { client: unknown }; pool?: ConnectionPool };
  const postgres = client.config.client === 'pg';
  if (!postgres && !db.isTransaction) {
    const pool = client.pool;
    const connection = pool?.free[0]?.resource ?? pool?.used[0]?.resource;
    if (connection && !connection.inTransaction) {
      let rows: T[] | undefined;
      try {
        rows = preparedOn(connection, sql).all(bindings as unknown[]) as T[];
      } catch (error) {
        // An iterator (a streamed export) is open on the connection: queue like any query.
        if (!/busy/i.test(String(error))) throw error;
      }
      if (rows) {
        // Still visible to whoever counts statements (tests, bench/statements.ts).
        if (db.listenerCount('query') > 0) db.emit('query', { sql, bindings, method: 'raw' });
        return rows;
      }
    }
  }
  const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
