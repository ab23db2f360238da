import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, dialectOf } from '../../src/core/db/index';
import { readRows, runStatement, runWithoutSync } from '../../src/core/db/prepared';
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

describe.skipIf(dialectOf(process.env.TEST_DATABASE_URL ?? 'sqlite:') !== 'sqlite')(
  "SQLite: one read snapshot per event-loop turn (the turn's reads share one read lock)",
  () => {
    let t: TestDatabase;
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const value = (key: string) =>
      readRows<{ value: string }>(t.db, 'select value from kv_store where key = ?', [key]);
    const connection = () =>
      (t.db.client as { pool: { free: { resource: { inTransaction: boolean } }[] } }).pool.free[0]
        ?.resource;
    beforeAll(async () => {
      t = await withTestDatabase();
    });
    afterAll(() => t.cleanup());

    it('when the turn ends, then its snapshot is closed (nothing is left open on the connection)', async () => {
      await value('ts:none');
      expect(connection()?.inTransaction).toBe(true);
      await nextTurn();
      expect(connection()?.inTransaction).toBe(false);
    });

    it('when this process writes after a read in the same turn (a transaction, a plain write, a direct write), then the write commits at once and the next read sees it', async () => {
      const at = '2026-11-20T00:00:00.000Z';
      await value('ts:a');
      await t.db.transaction(async (trx) => {
        await trx('kv_store').insert({ key: 'ts:a', value: 'в транзакции', updated_at: at });
      });
      expect(await value('ts:a')).toEqual([{ value: 'в транзакции' }]);
      await t.db('kv_store').insert({ key: 'ts:b', value: 'запрос', updated_at: at });
      expect(await value('ts:b')).toEqual([{ value: 'запрос' }]);
      await runStatement(t.db, 'insert into kv_store (key, value, updated_at) values (?, ?, ?)', [
        'ts:c',
        'напрямую',
        at,
      ]);
      expect(await value('ts:c')).toEqual([{ value: 'напрямую' }]);
      // Committed, not held in a snapshot: another connection sees all three before the turn ends.
      const other = createDatabase(t.url);
      try {
        expect(
          await other('kv_store')
            .whereIn('key', ['ts:a', 'ts:b', 'ts:c'])
            .orderBy('key')
            .pluck('value'),
        ).toEqual(['в транзакции', 'запрос', 'напрямую']);
      } finally {
        await other.destroy();
      }
    });

    it("when another process commits, then this process's reads see it from the next turn", async () => {
      expect(await value('ts:other')).toEqual([]);
      const other = createDatabase(t.url);
      try {
        await other('kv_store').insert({
          key: 'ts:other',
          value: 'из CLI',
          updated_at: '2026-11-20T00:00:00.000Z',
        });
      } finally {
        await other.destroy();
      }
      await nextTurn();
      expect(await value('ts:other')).toEqual([{ value: 'из CLI' }]);
    });
  },
);

describe('runWithoutSync (marks whose loss only repeats work)', () => {
  let t: TestDatabase;
  const sqlite = dialectOf(process.env.TEST_DATABASE_URL ?? 'sqlite:') === 'sqlite';
  const level = async (db = t.db) =>
    Number(((await db.raw('pragma synchronous')) as { synchronous: number }[])[0]?.synchronous);
  beforeAll(async () => {
    t = await withTestDatabase();
    await t
      .db('kv_store')
      .insert({ key: 'ws:a', value: '1', updated_at: '2026-11-20T00:00:00.000Z' });
  });
  afterAll(() => t.cleanup());

  it.skipIf(!sqlite)(
    'when the connection is free, then the row changes, the count comes back, and the connection is back at its own level (FULL on the main database)',
    async () => {
      expect(await level()).toBe(2);
      const changed = runWithoutSync(t.db, 'update kv_store set value = ? where key = ?', [
        '2',
        'ws:a',
      ]);
      expect(changed).toBe(1);
      expect(
        runWithoutSync(t.db, 'update kv_store set value = ? where key = ?', ['3', 'ws:none']),
      ).toBe(0);
      expect(await level()).toBe(2);
      expect(await t.db('kv_store').where({ key: 'ws:a' }).first('value')).toEqual({ value: '2' });
      // A later statement that fails leaves the level where it was too.
      expect(() => runWithoutSync(t.db, 'update no_such_table set x = 1', [])).toThrow(
        /no_such_table/,
      );
      expect(await level()).toBe(2);
    },
  );

  it('when it cannot run unsynced (a transaction handle, PostgreSQL), then it runs nothing and says so', async () => {
    await t.db.transaction(async (trx) => {
      expect(
        runWithoutSync(trx, 'update kv_store set value = ? where key = ?', ['4', 'ws:a']),
      ).toBeUndefined();
    });
    if (!sqlite) {
      expect(
        runWithoutSync(t.db, 'update kv_store set value = ? where key = ?', ['4', 'ws:a']),
      ).toBeUndefined();
    }
    expect(await t.db('kv_store').where({ key: 'ws:a' }).first('value')).toEqual({
      value: sqlite ? '2' : '1',
    });
  });
});
