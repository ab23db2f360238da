import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationSource } from '../../migrations/index';
import { dialectOf, migrateDownAll, migrateLatest } from '../../src/core/db/index';
import { type TestDatabase, withTestDatabase } from '../support/database';

const CORE_TABLES = [
  'users',
  'telegram_identities',
  'accounts',
  'meters',
  'tariffs',
  'meter_readings',
  'ledger',
  'kv_store',
  'audit_log',
  'processed_updates',
];

async function tableNames(db: Knex, url: string): Promise<string[]> {
  if (dialectOf(url) === 'sqlite') {
    const rows = await db.raw<{ name: string }[]>(
      "select name from sqlite_master where type = 'table' and name not like 'knex_%' and name not like 'sqlite_%'",
    );
    return rows.map((r) => r.name).sort();
  }
  const result = await db.raw<{ rows: { tablename: string }[] }>(
    "select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex_%'",
  );
  return result.rows.map((r) => r.tablename).sort();
}

describe('database migrations', () => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('when migrated, creates every core table; when rolled back, removes them all; again up works', async () => {
    t = await withTestDatabase({ migrate: false });
    await migrateLatest(t.db);
    // Features add their own tables in later migrations; the core ones must all be there.
    expect(await tableNames(t.db, t.url)).toEqual(expect.arrayContaining(CORE_TABLES));
    await migrateDownAll(t.db);
    expect(await tableNames(t.db, t.url)).toEqual([]);
    expect(await migrateLatest(t.db)).toEqual(await migrationSource.getMigrations([]));
  });

  it('when migrating twice, the second run applies nothing', async () => {
    t = await withTestDatabase();
    expect(await migrateLatest(t.db)).toEqual([]);
  });

  it('when a migration fails halfway, nothing of it is applied', async () => {
    t = await withTestDatabase();
    const failing: Knex.MigrationSource<string> = {
      getMigrations: async () => [...(await migrationSource.getMigrations([])), '99990101_broken'],
      getMigrationName: (name) => name,
      getMigration: async (name) =>
        name === '99990101_broken'
          ? {
              up: async (knex: Knex) => {
                await knex.schema.createTable('half_done', (table) => table.increments('id'));
                await knex.raw('select * from a_table_that_does_not_exist');
              },
              down: async () => {},
            }
          : migrationSource.getMigration(name),
    };
    await expect(t.db.migrate.latest({ migrationSource: failing })).rejects.toThrow();
    expect(await tableNames(t.db, t.url)).not.toContain('half_done');
  });

  it('when a user is deleted, their identities go too, and foreign keys are enforced', async () => {
    t = await withTestDatabase();
    const now = new Date().toISOString();
    const [user] = await t
      .db('users')
      .insert({ email: 'a@example.org', created_at: now, updated_at: now })
      .returning('id');
    const userId = typeof user === 'object' ? user.id : user;
    await t.db('telegram_identities').insert({
      telegram_user_id: 5_000_000_001,
      user_id: userId,
      logged_in_at: now,
      last_seen_at: now,
    });
    await t.db('users').where({ id: userId }).delete();
    expect(await t.db('telegram_identities').count({ n: '*' }).first()).toEqual({ n: 0 });
    await expect(
      t
        .db('meters')
        .insert({ account_id: 424242, serial: 'X', zones: 1, digits: 5, created_at: now }),
    ).rejects.toThrow();
  });

  it('when times and big numbers are read back, they come as ISO strings and numbers on either database', async () => {
    t = await withTestDatabase();
    const at = '2026-11-24T04:05:06.789Z';
    await t.db('processed_updates').insert({ update_id: 9_007_199_254, at });
    const row = await t.db('processed_updates').first('update_id', 'at');
    expect(row).toEqual({ update_id: 9_007_199_254, at });
  });
});
