import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexStorageAdapter } from '../../src/core/storage';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { systemClock } from '../../src/core/clock';

describe('the session and conversation storage', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await withTestDatabase();
  });
  afterAll(() => t.cleanup());

  it('when a value is written, reads it back; when overwritten, reads the new one', async () => {
    const store = new KnexStorageAdapter<{ step: number; text: string }>(
      t.db,
      'session:',
      systemClock,
    );
    await store.write('42', { step: 1, text: 'Привет 👋 שלום' });
    expect(await store.read('42')).toEqual({ step: 1, text: 'Привет 👋 שלום' });
    await store.write('42', { step: 2, text: '' });
    expect(await store.read('42')).toEqual({ step: 2, text: '' });
    expect(await store.has('42')).toBe(true);
  });

  it('when a key was never written or was deleted, reads nothing', async () => {
    const store = new KnexStorageAdapter<number>(t.db, 'session:', systemClock);
    expect(await store.read('missing')).toBeUndefined();
    await store.write('gone', 1);
    await store.delete('gone');
    expect(await store.read('gone')).toBeUndefined();
    expect(await store.has('gone')).toBe(false);
  });

  it('when two prefixes share the table, each sees only its own keys', async () => {
    const sessions = new KnexStorageAdapter<number>(t.db, 'px_a:', systemClock);
    const other = new KnexStorageAdapter<number>(t.db, 'px_b:', systemClock);
    await sessions.write('1', 1);
    await sessions.write('2', 2);
    await other.write('1', 100);
    const keys: string[] = [];
    for await (const key of sessions.readAllKeys()) keys.push(key);
    expect(keys).toEqual(['1', '2']);
    expect(await other.read('1')).toBe(100);
  });

  it('when a prefix contains LIKE wildcards, listing keys stays exact', async () => {
    const wild = new KnexStorageAdapter<number>(t.db, 'w%_:', systemClock);
    const plain = new KnexStorageAdapter<number>(t.db, 'wxy:', systemClock);
    await wild.write('k', 1);
    await plain.write('k', 2);
    const keys: string[] = [];
    for await (const key of wild.readAllKeys()) keys.push(key);
    expect(keys).toEqual(['k']);
  });

  describe('with a copy in memory (cached)', () => {
    /** Counts the statements that touch kv_store while `action` runs. */
    async function statementsDuring(action: () => Promise<unknown>): Promise<number> {
      let count = 0;
      const listener = (query: { sql: string }) => {
        if (query.sql.includes('kv_store')) count++;
      };
      t.db.on('query', listener);
      try {
        await action();
      } finally {
        t.db.off('query', listener);
      }
      return count;
    }

    it('when a value is read twice, then the table is read once; a write of the same value writes nothing, a changed one is stored', async () => {
      const store = new KnexStorageAdapter<{ step: number }>(t.db, 'cached_a:', systemClock, {
        cached: true,
      });
      const plain = new KnexStorageAdapter<{ step: number }>(t.db, 'cached_a:', systemClock);
      await plain.write('7', { step: 1 });
      expect(await statementsDuring(() => store.read('7'))).toBe(1);
      expect(await statementsDuring(() => store.read('7'))).toBe(0);
      expect(await statementsDuring(() => store.write('7', { step: 1 }))).toBe(0);
      expect(await statementsDuring(() => store.write('7', { step: 2 }))).toBe(1);
      expect(await plain.read('7')).toEqual({ step: 2 }); // written through to the table
      expect(await store.read('7')).toEqual({ step: 2 });
    });

    it('when a key is absent, then that is remembered too, and a delete of it writes nothing', async () => {
      const store = new KnexStorageAdapter<number>(t.db, 'cached_b:', systemClock, {
        cached: true,
      });
      expect(await statementsDuring(() => store.read('none'))).toBe(1);
      expect(await statementsDuring(() => store.has('none'))).toBe(0);
      expect(await statementsDuring(() => store.delete('none'))).toBe(0);
      await store.write('none', 5);
      expect(await store.read('none')).toBe(5);
      expect(await statementsDuring(() => store.delete('none'))).toBe(1);
      expect(await store.read('none')).toBeUndefined();
      expect(await new KnexStorageAdapter<number>(t.db, 'cached_b:', systemClock).has('none')).toBe(
        false,
      );
    });

    it('when a reader changes what it read, then the next read is not changed with it', async () => {
      const store = new KnexStorageAdapter<{ list: number[] }>(t.db, 'cached_c:', systemClock, {
        cached: true,
      });
      await store.write('1', { list: [1] });
      const first = await store.read('1');
      first?.list.push(2);
      expect(await store.read('1')).toEqual({ list: [1] });
    });
  });
});
