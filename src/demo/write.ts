import type { Knex } from 'knex';

/**
 * Multi-row inserts sized to the database's limit on bound parameters. Knex's query builder
 * normalises every row object, and knex prepares every statement afresh; for a 100 000-account
 * seed (almost five million rows) that costs more than the database spends storing them. So:
 * `insert … values (?,?),(?,?)` is built once per batch size, and on SQLite the statement is
 * prepared once and run on the transaction's own better-sqlite3 connection; on PostgreSQL each
 * column travels as one array parameter (`insert … select * from unnest($1::bigint[], …)`), which
 * PostgreSQL parses and binds far faster than tens of thousands of separate parameters.
 */

/** Rows per `unnest` insert on PostgreSQL: the arrays' size, not a parameter count, is the limit. */
const ROWS_PER_ARRAY_INSERT = 20_000;

/** One value bound into SQL: what the generator produces. */
export type SqlValue = string | number | boolean | null;

/** Which database knex talks to: `sqlite3` (also for better-sqlite3) or `postgresql`. */
export function isSqlite(db: Knex): boolean {
  return (db.client as { dialect?: string }).dialect === 'sqlite3';
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32 766; PostgreSQL's protocol allows 65 535. */
export function parameterLimit(db: Knex): number {
  return isSqlite(db) ? 32_000 : 65_000;
}

/** The part of a better-sqlite3 connection used here. */
interface SqliteConnection {
  prepare(sql: string): { run(...values: unknown[]): unknown };
}

export class BatchInserter {
  private readonly sql = new Map<string, string>();
  private readonly prepared = new Map<string, { run(...values: unknown[]): unknown }>();

  private constructor(
    private readonly trx: Knex.Transaction,
    private readonly maxParameters: number,
    private readonly sqlite: SqliteConnection | undefined,
  ) {}

  /** An inserter writing inside `trx` (on SQLite, through the connection `trx` holds). */
  static async open(trx: Knex.Transaction): Promise<BatchInserter> {
    const sqlite = isSqlite(trx)
      ? ((await trx.client.acquireConnection()) as SqliteConnection)
      : undefined;
    return new BatchInserter(trx, parameterLimit(trx), sqlite);
  }

  /**
   * Inserts `rows` (each in `columns` order) in as few statements as the limit allows. `types`
   * are the PostgreSQL types of the columns (`bigint`, `text`, `timestamptz`, …).
   */
  async insert(
    table: string,
    columns: readonly string[],
    types: readonly string[],
    rows: readonly (readonly SqlValue[])[],
  ): Promise<void> {
    if (!this.sqlite) return this.insertArrays(table, columns, types, rows);
    const perStatement = Math.max(1, Math.floor(this.maxParameters / columns.length));
    for (let start = 0; start < rows.length; start += perStatement) {
      const end = Math.min(rows.length, start + perStatement);
      const bindings: SqlValue[] = [];
      for (let i = start; i < end; i++) {
        for (const value of rows[i] ?? []) {
          // better-sqlite3 binds no booleans; SQLite stores them as 0/1 anyway.
          bindings.push(this.sqlite && typeof value === 'boolean' ? Number(value) : value);
        }
      }
      const sql = this.statement(table, columns, end - start);
      if (this.sqlite) {
        let statement = this.prepared.get(sql);
        if (!statement) {
          statement = this.sqlite.prepare(sql);
          this.prepared.set(sql, statement);
        }
        statement.run(bindings);
      } else {
        await this.trx.raw(sql, bindings);
      }
    }
  }

  private async insertArrays(
    table: string,
    columns: readonly string[],
    types: readonly string[],
    rows: readonly (readonly SqlValue[])[],
  ): Promise<void> {
    if (types.length !== columns.length) throw new Error(`${table}: a type for every column`);
    const names = columns.map((c) => `"${c}"`).join(',');
    const arrays = types.map((type) => `?::${type}[]`).join(',');
    const sql = `insert into "${table}" (${names}) select * from unnest(${arrays})`;
    for (let start = 0; start < rows.length; start += ROWS_PER_ARRAY_INSERT) {
      const batch = rows.slice(start, start + ROWS_PER_ARRAY_INSERT);
      const bindings = columns.map((_, c) => batch.map((row) => row[c] ?? null));
      // node-postgres sends a JS array as a PostgreSQL array; knex's types only know flat values.
      await this.trx.raw(sql, bindings as unknown as Knex.RawBinding[]);
    }
  }

  private statement(table: string, columns: readonly string[], rowCount: number): string {
    const key = `${table}:${rowCount}`;
    let sql = this.sql.get(key);
    if (sql === undefined) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const names = columns.map((c) => `"${c}"`).join(',');
      sql = `insert into "${table}" (${names}) values ${Array(rowCount).fill(tuple).join(',')}`;
      this.sql.set(key, sql);
    }
    return sql;
  }
}
