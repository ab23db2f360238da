// Knex ships its dialects as CommonJS classes without type declarations; we extend two of them.
declare module 'knex/lib/dialects/better-sqlite3/index.js' {
  import type { Knex } from 'knex';
  const Client: new (
    config: Knex.Config,
  ) => {
    transaction(...args: unknown[]): unknown;
    _query(connection: unknown, obj: unknown): Promise<unknown>;
    _formatBindings(bindings: unknown): unknown;
  };
  export default Client;
}
declare module 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js' {
  const Transaction: new (
    ...args: unknown[]
  ) => {
    query(conn: unknown, sql: string): Promise<unknown>;
  };
  export default Transaction;
}
