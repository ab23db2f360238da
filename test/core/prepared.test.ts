import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows, runStatement } from '../../src/core/db/prepared';
import { type TestDatabase, withTestDatabase } from '../support/database';

describe('readRows (the hot paths’ prepared reads)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await withTestDatabase();
    await t.db('kv_store').insert([
      { key: 'rr:a', value: '1', updated_at: '2026-11-20T00:00:00.000Z' },
      { key: 'rr:b', value: '2', updated_at: '2026-11-20T00:00:00.000Z' },
    ]);
  });
  afterAll(() => t.cleanup());

  it('when a statement is read, then the rows are those the query builder gives, and the statement is still reported to query listeners', async () => {
    const seen: string[] = [];
    const listener = (query: { sql: string }) => seen.push(query.sql);
    t.db.on('query', listener);
    try {
      const rows = await readRows<{ key: string; value: string }>(
        t.db,
        "select key, value from kv_store where key like 'rr:%' order by key",
        [],
      );
      expect(rows).toEqual(
        await t.db('kv_store').whereLike('key', 'rr:%').orderBy('key').select('key', 'value'),
      );
      expect(
        await readRows(t.db, 'select value from kv_store where key = ? limit 1', ['rr:none']),
      ).toEqual([]);
    } finally {
      t.db.off('query', listener);
    }
    expect(seen.filter((sql) => sql.includes("like 'rr:%'"))).toHaveLength(1);
  });

  it('when a transaction is in flight, then a read never sees what it has not committed', async () => {
    let read: Promise<unknown[]> | undefined;
    await t.db
      .transaction(async (trx) => {
        await trx('kv_store').insert({
          key: 'rr:uncommitted',
          value: '3',
          updated_at: '2026-11-20T00:00:00.000Z',
        });
        read = readRows(t.db, 'select value from kv_store where key = ?', ['rr:uncommitted']);
        // Let the read run now if it can (SQLite queues it behind the transaction).
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await read).toEqual([]);
  });

  it('when given a transaction, then it reads inside it', async () => {
    await t.db.transaction(async (trx) => {
      await trx('kv_store').insert({
        key: 'rr:mine',
        value: '4',
        updated_at: '2026-11-20T00:00:00.000Z',
      });
      expect(await readRows(trx, 'select value from kv_store where key = ?', ['rr:mine'])).toEqual([
        { value: '4' },
      ]);
    });
  });

  it('when a statement writes, then the row is there; when it fails, then the error names the SQL but not the values', async () => {
    await runStatement(
      t.db,
      'insert into kv_store (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at',
      ['rr:written', 'Евфросиния', '2026-11-20T00:00:00.000Z'],
    );
    expect(await t.db('kv_store').where({ key: 'rr:written' }).first('value')).toEqual({
      value: 'Евфросиния',
    });
    const failure = await runStatement(
      t.db,
      'insert into kv_store (key, value, updated_at) values (?, ?, ?)',
      ['rr:written', 'Евфросиния', '2026-11-20T00:00:00.000Z'],
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('insert into kv_store');
    expect((failure as Error).message).not.toContain('Евфросиния');
    await runStatement(t.db, 'delete from kv_store where key = ?', ['rr:written']);
    expect(await t.db('kv_store').where({ key: 'rr:written' }).first('value')).toBeUndefined();
  });
});
