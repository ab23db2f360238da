import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { inject } from 'vitest';
import { createDatabase, type Db } from '../../src/core/db/index';

export interface TestDatabase {
  db: Db;
  url: string;
  cleanup(): Promise<void>;
}

/**
 * A freshly migrated database of its own for one test file: an SQLite file in a temp folder, or,
 * when `TEST_DATABASE_URL` names a PostgreSQL server (as CI sets it), a new scratch database on
 * that server, dropped again by `cleanup`. Tests never share rows with each other's files.
 *
 * Migrated databases are copies of the run's template (test/support/global-setup.ts), so the
 * migrations run once per run, not once per file; `migrate: false` gives an empty database.
 */
export async function withTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  let url: string;
  let drop: () => Promise<void>;
  if (base?.startsWith('postgres')) {
    const name = `abonent_t_${randomBytes(6).toString('hex')}`;
    const admin = knex({ client: 'pg', connection: base, pool: { min: 0, max: 1 } });
    const template = options.migrate === false ? '' : ` template ${inject('templateDatabase')}`;
    await admin.raw(`create database ${name}${template}`);
    const parsed = new URL(base);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    drop = async () => {
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'abonent-test-'));
    const file = join(dir, 'test.db');
    if (options.migrate !== false) copyFileSync(inject('templateDatabase'), file);
    url = `sqlite:${file}`;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const db = createDatabase(url);
  return {
    db,
    url,
    async cleanup() {
      await db.destroy();
      await drop();
    },
  };
}
