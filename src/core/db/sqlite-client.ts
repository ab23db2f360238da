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
  all(bindings: unknown[]): unknown[];
  run(bindings: unknown[]): { lastInsertRowid: number | bigint; changes: number };
}
/** Where a connection keeps its statements: on itself, so they live and die with it. */
const STATEMENTS = Symbol('abonent.statements');

/** The part of a better-sqlite3 connection used here. */
export interface Connection {
  prepare(sql: string): Statement;
  readonly inTransaction: boolean;
  [STATEMENTS]?: Map<string, Statement>;
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
      return super._query(connection, obj) as Promise<QueryObject>;
    }
    const statement = preparedOn(connection, sql);
    const bindings = this._formatBindings(obj.bindings) as unknown[];
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
