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

/** Knex's better-sqlite3 client whose transactions are {@link ImmediateTransaction}s. */
export class ImmediateSqliteClient extends BetterSqlite3Client {
  override transaction(...args: unknown[]): unknown {
    return new ImmediateTransaction(this, ...args);
  }
}
