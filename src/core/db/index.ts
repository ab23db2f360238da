import type { Clock } from '../clock';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import knex, { type Knex } from 'knex';
import { createRequire } from 'node:module';
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
    // Reached only once a PostgreSQL connection exists, so `pg` is loaded by then (knex loads it).
    const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
    return pg.types.getTypeParser(oid, format === 'binary' ? 'binary' : 'text');
  },
};

/**
 * Whether this process is the one writer of `db`'s per-chat state: true on SQLite (one bot
 * process per database file; the CLI never touches sessions, conversations or languages), false
 * on PostgreSQL, which several bot instances may share. Decides whether that state may be cached
 * in memory (`KnexStorageAdapter`'s `cached`).
 */
export function ownsItsState(db: Db): boolean {
  return db.client.config.client !== 'pg';
}

/** Which database a URL names: `sqlite:path/to/file.db` (or `sqlite::memory:`) or `postgres://…`. */
export function dialectOf(url: string): Dialect {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * Opens the database named by `url`. SQLite is tuned for a single-writer money database
 * (WAL, foreign keys, a busy timeout, `synchronous=FULL`); PostgreSQL gets a small pool.
 */
export function createDatabase(
  url: string,
  /** SQLite only: `NORMAL` for state that can be re-asked ({@link openStateDatabase}). */
  options: { synchronous?: 'FULL' | 'NORMAL' } = {},
): Db {
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
            conn.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
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

/**
 * The database of state that can be re-asked — grammY sessions, conversation state, secret-input
 * marks — kept apart from money, readings and appeals so its commits need not wait for the disk.
 *
 * On SQLite it is a second file beside the main one (`abonent.db` → `abonent.state.db`) in WAL
 * with `synchronous=NORMAL`: a power cut may lose its last commits (the resident is asked the step
 * again) but never corrupts it, and WAL keeps its commits in order, so a secret-input mark is never
 * lost while the conversation step after it survives. The main database stays `synchronous=FULL`:
 * what the bot calls «принято» or «оплачено» is on disk before it says so. Its one table,
 * `kv_store`, is created here (no migrations: it holds nothing that must outlive a release).
 *
 * On PostgreSQL it is the main database itself (the same `kv_store` table).
 */
export async function openStateDatabase(url: string, main: Db): Promise<Db> {
  if (dialectOf(url) !== 'sqlite') return main;
  const db = createDatabase(`sqlite:${stateFileOf(url.slice('sqlite:'.length))}`, {
    synchronous: 'NORMAL',
  });
  if (!(await db.schema.hasTable('kv_store'))) {
    await db.schema.createTable('kv_store', (t) => {
      t.string('key', 255).primary();
      t.text('value').notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
    });
  }
  return db;
}

/** `data/abonent.db` → `data/abonent.state.db`; an in-memory main database gets one of its own. */
export function stateFileOf(filename: string): string {
  if (filename === '' || filename === ':memory:') return ':memory:';
  return filename.endsWith('.db') ? `${filename.slice(0, -3)}.state.db` : `${filename}.state`;
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
