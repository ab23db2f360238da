import type { Clock } from '../clock';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from '../../../migrations/index';
import { ImmediateSqliteClient } from './sqlite-client';

export type Db = Knex;
export type Dialect = 'sqlite' | 'postgres';

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;

/**
 * PostgreSQL hands back int8 and numeric as strings and timestamps as Date objects; SQLite gives
 * numbers and the ISO strings we stored. Parsing them the same way here keeps every repo free of
 * per-dialect branches. Our int8 values (ids, kopecks, scaled meter values) stay below 2^53.
 */
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (value: string) => Number(value);
    if (oid === PG_TIMESTAMPTZ || oid === PG_TIMESTAMP) {
      return (value: string) => new Date(oid === PG_TIMESTAMP ? `${value}Z` : value).toISOString();
    }
    return pg.types.getTypeParser(oid, format === 'binary' ? 'binary' : 'text');
  },
};

/** Which database a URL names: `sqlite:path/to/file.db` (or `sqlite::memory:`) or `postgres://…`. */
export function dialectOf(url: string): Dialect {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * Opens the database named by `url`. SQLite is tuned for a single-writer money database
 * (WAL, foreign keys, a busy timeout, `synchronous=FULL`); PostgreSQL gets a small pool.
 */
export function createDatabase(url: string): Db {
  if (dialectOf(url) === 'sqlite') {
    const filename = url.slice('sqlite:'.length) || ':memory:';
    if (filename !== ':memory:') mkdirSync(dirname(resolve(filename)), { recursive: true });
    return knex({
      client: ImmediateSqliteClient as unknown as typeof Knex.Client,
      connection: { filename },
      useNullAsDefault: true,
      // A failed query's error message names the SQL with `?` placeholders, never the values
      // (conversation state, typed text, e-mails): error messages end up in logs.
      compileSqlOnError: false,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: BetterSqlite3.Database, done: (error: Error | null) => void) {
          try {
            conn.pragma('journal_mode = WAL');
            conn.pragma('foreign_keys = ON');
            conn.pragma('busy_timeout = 5000');
            conn.pragma('synchronous = FULL');
            done(null);
          } catch (error) {
            done(error as Error);
          }
        },
      },
    });
  }
  return knex({
    client: 'pg',
    connection: { connectionString: url, types: pgTypes },
    compileSqlOnError: false,
    pool: { min: 0, max: 10 },
  });
}

/** Applies every pending migration, each in its own transaction (nothing is half-applied). */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

/** Rolls back every applied migration (tests and `abonent migrate --down`). */
export async function migrateDownAll(db: Db): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}

/** Whether the database answers; used by `/healthz`. */
export async function isReachable(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}

/** The current time as stored in every `*_at` column: an ISO-8601 UTC string. */
export function nowIso(clock: Clock): string {
  return clock().toISOString();
}

/** Whether an insert failed on a unique index (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}
