import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from '../../src/core/db/prepared';
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
});
