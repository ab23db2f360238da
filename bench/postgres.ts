/**
 * PostgreSQL for `npm run bench`: which server (`--pg`, `BENCH_DATABASE_URL`, `TEST_DATABASE_URL`
 * or a `postgres://` `DATABASE_URL`), and a scratch database on it per scenario, dropped after.
 * The database the URL names is only used to create and drop the scratch ones; nothing is
 * written into it.
 */
import { randomBytes } from 'node:crypto';
import knex from 'knex';

/** The server `--pg` uses when no URL is given: the local one the tests use. */
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The PostgreSQL server to benchmark on, or undefined for SQLite only. */
export function postgresUrl(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const given = [env.BENCH_DATABASE_URL, env.TEST_DATABASE_URL, env.DATABASE_URL].find((url) =>
    url?.startsWith('postgres'),
  );
  if (given) return given;
  return argv.includes('--pg') ? DEFAULT_PG_URL : undefined;
}

/** A new, empty database on the server of `baseUrl`; `drop()` removes it (connections too). */
export async function scratchPostgres(
  baseUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `abonent_bench_${randomBytes(5).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const parsed = new URL(baseUrl);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    async drop() {
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}
