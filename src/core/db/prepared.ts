import type { Knex } from 'knex';
import {
  type Connection,
  endTurnSnapshot,
  preparedOn,
  readInTurn,
  type Statement,
} from './sqlite-client';

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
  const rows = direct(
    db,
    sql,
    bindings,
    'read',
    (statement) => statement.all(bindings as unknown[]) as T[],
  );
  if (rows) return rows;
  const result = (await db.raw(sql, bindings as Knex.RawBinding[])) as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/**
 * One data-changing statement outside any transaction (an autocommit write, as the query builder
 * would make it), for state written on every step of a flow (`kv_store`): the same rules as
 * {@link readRows} — directly on SQLite's connection when no transaction is open on it, else
 * queued through `db.raw`. Durability is the database's: the main one syncs each commit
 * (`synchronous=FULL`), the state database does not (NORMAL).
 */
export async function runStatement(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
): Promise<void> {
  const done = direct(db, sql, bindings, 'write', (statement) => {
    statement.run(bindings as unknown[]);
    return true;
  });
  if (!done) await db.raw(sql, bindings as Knex.RawBinding[]);
}

/** Runs `use` on SQLite's connection when that is safe now (see `readRows`); else undefined. */
function direct<R>(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
  kind: 'read' | 'write',
  use: (statement: Statement, connection: Connection) => R,
): R | undefined {
  if ((db.client as { config: { client: unknown } }).config.client === 'pg' || db.isTransaction)
    return undefined;
  const connection = connectionOf(db);
  if (!connection) return undefined;
  let result: R | undefined;
  try {
    const statement = preparedOn(connection, sql);
    if (kind === 'read' && statement.readonly) {
      // Inside this turn's read snapshot (one read lock for all of the turn's reads).
      result = readInTurn(connection, statement, (read) => use(read, connection));
      if (result === undefined) return undefined;
    } else {
      endTurnSnapshot(connection);
      if (connection.inTransaction) return undefined;
      result = use(statement, connection);
    }
  } catch (error) {
    // An iterator (a streamed export) is open on the connection: queue like any query.
    if (/busy/i.test(String(error))) return undefined;
    // Named as knex names a failed query (`compileSqlOnError: false`): the SQL with `?`, no values.
    if (error instanceof Error) error.message = `${sql} - ${error.message}`;
    throw error;
  }
  // Still visible to whoever counts statements (tests, bench/statements.ts).
  if (db.listenerCount('query') > 0) db.emit('query', { sql, bindings, method: 'raw' });
  return result;
}

/**
 * One data-changing statement, committed on SQLite without a disk sync of its own, for marks whose
 * loss only repeats work — an outbox row's claim or «sent» mark: lost, the message is sent again,
 * never lost (the outbox is at-least-once anyway). Returns the rows changed; undefined when it
 * could not run that way (PostgreSQL, a transaction open on the connection, a busy connection):
 * the caller then writes through the query builder, durably, as any write.
 *
 * How: `synchronous=NORMAL` for this one statement, the connection's own level back at once,
 * all synchronously (better-sqlite3), so no other commit runs at the lower level. In WAL mode the
 * commit is in the WAL and survives a crash of the process; a power cut may lose it, until the
 * next synced commit (every business write: a reading, a payment) or a checkpoint syncs the WAL
 * up to and including it — WAL keeps commits in order. Saves a disk sync per mark, which blocks
 * the bot's only thread (0.6 ms here, issue 12: the reading flow spent a third of its time in
 * syncs, four per journey).
 */
export function runWithoutSync(
  db: Knex,
  sql: string,
  bindings: readonly unknown[],
): number | undefined {
  return direct(db, sql, bindings, 'write', (statement, connection) => {
    const level = connection.pragma('synchronous', { simple: true });
    connection.pragma('synchronous = NORMAL');
    try {
      return statement.run(bindings as unknown[]).changes;
    } finally {
      connection.pragma(`synchronous = ${Number(level)}`);
    }
  });
}

/** The SQLite connection `direct` runs on, if any. */
function connectionOf(db: Knex): Connection | undefined {
  const pool = (db.client as { pool?: ConnectionPool }).pool;
  return pool?.free[0]?.resource ?? pool?.used[0]?.resource;
}
