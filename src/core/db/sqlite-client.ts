import BetterSqlite3Client from 'knex/lib/dialects/better-sqlite3/index.js';
import SqliteTransaction from 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js';

/**
 * A transaction that takes SQLite's write lock when it begins.
 *
 * With a plain `BEGIN`, a transaction that reads first and writes later upgrades its lock midway;
 * if another process (the CLI importing while the bot runs) holds the lock then, SQLite returns
 * SQLITE_BUSY at once without consulting `busy_timeout`. `BEGIN IMMEDIATE` waits instead.
 */
class ImmediateTransaction extends SqliteTransaction {
  begin(conn: unknown): Promise<unknown> {
    return this.query(conn, 'BEGIN IMMEDIATE;');
  }
}

/** How many prepared statements one connection keeps; the app has a few hundred distinct ones. */
export const STATEMENT_CACHE_SIZE = 1_000;

/** Only data statements are kept: DDL and PRAGMAs run once and may change what others mean. */
const CACHEABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** The part of a better-sqlite3 prepared statement used here. */
export interface Statement {
  reader: boolean;
  /** SQLite's own verdict (`sqlite3_stmt_readonly`): the statement changes nothing. */
  readonly: boolean;
  all(bindings: unknown[]): unknown[];
  run(bindings: unknown[]): { lastInsertRowid: number | bigint; changes: number };
}
/** Where a connection keeps its statements: on itself, so they live and die with it. */
const STATEMENTS = Symbol('abonent.statements');

/** Marks a connection whose open transaction is a {@link readInTurn} snapshot, not knex's. */
const TURN_SNAPSHOT = Symbol('abonent.turnSnapshot');

/** The part of a better-sqlite3 connection used here. */
export interface Connection {
  prepare(sql: string): Statement;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  readonly inTransaction: boolean;
  readonly open: boolean;
  [STATEMENTS]?: Map<string, Statement>;
  [TURN_SNAPSHOT]?: boolean;
}

/**
 * The event loop's own `setImmediate`, taken when this module loads: a test that fakes timers
 * must not keep a snapshot open (and its reads stale) until it advances them.
 */
const nextTurn = globalThis.setImmediate;

/**
 * Runs a read-only statement inside the connection's read snapshot for this event-loop turn,
 * opening one (a deferred `BEGIN`) if there is none; the snapshot ends (`COMMIT`, nothing to sync)
 * when the turn does, or earlier, before anything else runs on the connection
 * ({@link endTurnSnapshot}).
 *
 * Why: every autocommit statement in WAL mode takes and releases SQLite's read lock (two `fcntl`
 * calls and an `fstat`) — ~10 µs on this kind of machine, five times the statement itself; the
 * bot's reads of one turn (all updates in flight) share one lock instead (issue 12,
 * docs/performance.md). What a read sees is unchanged in kind: a committed state of the database,
 * as of the turn's first read — this process's own writes end the snapshot before they run, so
 * they are always seen; another process's commit (the CLI) is seen from the next turn, under a
 * millisecond later.
 *
 * Returns undefined, running nothing, when the connection is inside a transaction of knex's (the
 * caller queues the read behind it).
 */
export function readInTurn<R>(
  connection: Connection,
  statement: Statement,
  read: (statement: Statement) => R,
): R | undefined {
  if (!connection[TURN_SNAPSHOT]) {
    if (connection.inTransaction) return undefined;
    preparedOn(connection, 'BEGIN').run([]);
    connection[TURN_SNAPSHOT] = true;
    nextTurn(() => endTurnSnapshot(connection));
  }
  return read(statement);
}

/**
 * Ends the connection's turn snapshot, if one is open: before any statement that is not a plain
 * read and before knex's transactions, so a write never joins (or waits for) a snapshot.
 */
export function endTurnSnapshot(connection: Connection): void {
  if (!connection[TURN_SNAPSHOT]) return;
  connection[TURN_SNAPSHOT] = false;
  if (connection.open && connection.inTransaction) preparedOn(connection, 'COMMIT').run([]);
}

/** The connection's prepared statement for `sql`, prepared on first use and kept (bounded). */
export function preparedOn(connection: Connection, sql: string): Statement {
  let cache = connection[STATEMENTS];
  if (!cache) {
    cache = new Map();
    connection[STATEMENTS] = cache;
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(sql, statement);
  }
  return statement;
}
interface QueryObject {
  sql?: string;
  bindings?: unknown[];
  options?: unknown;
  response?: unknown;
  context?: { lastID: number | bigint; changes: number };
}

/**
 * Knex's better-sqlite3 client whose transactions are {@link ImmediateTransaction}s and which
 * prepares each distinct SQL text once per connection and reuses the statement (knex prepares
 * afresh on every query; compiling the SQL was ~8 % of the bot's CPU, see docs/performance.md).
 * A prepared statement is re-prepared by SQLite itself when the schema changes, so a cached one
 * never runs against a stale plan; the cache is bounded ({@link STATEMENT_CACHE_SIZE}, oldest out).
 */
export class ImmediateSqliteClient extends BetterSqlite3Client {
  override transaction(...args: unknown[]): unknown {
    return new ImmediateTransaction(this, ...args);
  }

  override async _query(connection: Connection, obj: QueryObject): Promise<QueryObject> {
    const sql = obj.sql;
    const options = obj.options as { safeIntegers?: boolean } | undefined;
    if (!sql || !connection || !CACHEABLE.test(sql) || options?.safeIntegers !== undefined) {
      if (connection) endTurnSnapshot(connection);
      return super._query(connection, obj) as Promise<QueryObject>;
    }
    const statement = preparedOn(connection, sql);
    const bindings = this._formatBindings(obj.bindings) as unknown[];
    if (statement.readonly && statement.reader) {
      const rows = readInTurn(connection, statement, (read) => read.all(bindings));
      obj.response = rows ?? statement.all(bindings);
      return obj;
    }
    endTurnSnapshot(connection);
    if (statement.reader) {
      obj.response = statement.all(bindings);
      return obj;
    }
    const response = statement.run(bindings);
    obj.response = response;
    obj.context = { lastID: response.lastInsertRowid, changes: response.changes };
    return obj;
  }
}
