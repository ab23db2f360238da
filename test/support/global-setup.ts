import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import type { TestProject } from 'vitest/node';
import { createDatabase, migrateLatest } from '../../src/core/db/index';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated database each test file copies: an SQLite file path or a PostgreSQL db name. */
    templateDatabase: string;
  }
}

/**
 * Migrates one template database per run; each test file then copies it (SQLite: a file copy;
 * PostgreSQL: `CREATE DATABASE … TEMPLATE`) instead of running every migration again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = process.env.TEST_DATABASE_URL;
  if (base?.startsWith('postgres')) {
    const name = `abonent_tpl_${randomBytes(6).toString('hex')}`;
    const admin = knex({ client: 'pg', connection: base, pool: { min: 0, max: 1 } });
    await admin.raw(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const db = createDatabase(url.toString());
    await migrateLatest(db);
    await db.destroy();
    project.provide('templateDatabase', name);
    return async () => {
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'abonent-template-'));
  const file = join(dir, 'template.db');
  const db = createDatabase(`sqlite:${file}`);
  await migrateLatest(db);
  // Fold the WAL into the main file so a plain copy of it is the whole database.
  await db.raw('pragma wal_checkpoint(TRUNCATE)');
  await db.destroy();
  project.provide('templateDatabase', file);
  return async () => rmSync(dir, { recursive: true, force: true });
}
