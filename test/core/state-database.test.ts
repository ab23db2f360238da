import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, textUpdate } from '../../bench/transport';
import { createApp } from '../../src/app';
import { fixedClock } from '../../src/core/clock';
import { loadConfig } from '../../src/config';
import {
  createDatabase,
  type Db,
  migrateLatest,
  openStateDatabase,
  stateFileOf,
} from '../../src/core/db/index';
import { STATEMENT_CACHE_SIZE } from '../../src/core/db/sqlite-client';
import { createLogger } from '../../src/core/logger';

/** `PRAGMA synchronous`: 1 is NORMAL, 2 is FULL. */
async function synchronousOf(db: Db): Promise<number> {
  const rows = (await db.raw('pragma synchronous')) as { synchronous: number }[];
  return rows[0]!.synchronous;
}

describe('the state database beside the main one (SQLite)', () => {
  let dir: string;
  let url: string;
  let db: Db;
  let stateDb: Db;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'abonent-state-'));
    url = `sqlite:${join(dir, 'abonent.db')}`;
    db = createDatabase(url);
    await migrateLatest(db);
    stateDb = await openStateDatabase(url, db);
  });
  afterAll(async () => {
    await stateDb.destroy();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the main database is abonent.db, then state goes to abonent.state.db; in memory stays in memory', () => {
    expect(stateFileOf('/var/lib/abonent/abonent.db')).toBe('/var/lib/abonent/abonent.state.db');
    expect(stateFileOf('data/bot')).toBe('data/bot.state');
    expect(stateFileOf(':memory:')).toBe(':memory:');
  });

  it('when both are open, then the state commits with synchronous=NORMAL and money with FULL', async () => {
    expect(stateDb).not.toBe(db);
    expect(await synchronousOf(stateDb)).toBe(1);
    expect(await synchronousOf(db)).toBe(2);
    expect(await stateDb.schema.hasTable('kv_store')).toBe(true);
  });

  it('when the state database is opened again, then what it held is still there', async () => {
    await stateDb('kv_store').insert({ key: 'probe', value: '1', updated_at: '2026-11-20' });
    const again = await openStateDatabase(url, db);
    try {
      expect(await again('kv_store').where({ key: 'probe' }).first('value')).toEqual({
        value: '1',
      });
    } finally {
      await again.destroy();
    }
  });

  it('when a flow waits for an answer, then its conversation state is in the state database, not the main one', async () => {
    const config = loadConfig({ DATABASE_URL: url, MAIL_OUTBOX_DIR: join(dir, 'outbox') });
    const transport = createTransport();
    const { bot } = createApp(
      {
        config,
        db,
        stateDb,
        logger: createLogger('info', new Writable({ write: (_c, _e, done) => done() })),
        clock: fixedClock('2026-11-20T00:00:00Z'),
      },
      { token: '1:test', fetch: transport.fetch },
    );
    await bot.init();
    await bot.handleUpdate(textUpdate(4242, '/language'));
    expect(transport.take(4242).length).toBeGreaterThan(0);
    const stateKeys = (await stateDb('kv_store').pluck('key')) as string[];
    const mainKeys = (await db('kv_store').pluck('key')) as string[];
    expect(stateKeys.some((key) => key.startsWith('conv:') && key.includes('4242'))).toBe(true);
    expect(mainKeys.filter((key) => key.startsWith('conv:'))).toEqual([]);
  });

  it('when PostgreSQL is the main database, then the state lives in it too', async () => {
    expect(await openStateDatabase('postgres://abonent@127.0.0.1/abonent', db)).toBe(db);
  });
});

describe('prepared statements reused per connection (SQLite)', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'abonent-stmt-'));
    db = createDatabase(`sqlite:${join(dir, 'stmt.db')}`);
    await db.schema.createTable('notes', (t) => {
      t.increments('id');
      t.string('text');
    });
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the same insert runs many times, then each row gets its own id and the same select sees them all', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [row] = (await db('notes')
        .insert({ text: `n${i}` })
        .returning('id')) as {
        id: number;
      }[];
      ids.push(row!.id);
    }
    expect(new Set(ids).size).toBe(5);
    expect(await db('notes').count('* as n').first()).toEqual({ n: 5 });
    await db('notes').insert({ text: 'n5' });
    expect(await db('notes').count('* as n').first()).toEqual({ n: 6 });
  });

  it('when a table gains a column after a select was prepared, then the same select returns it', async () => {
    const before = await db('notes').select('*').where({ id: 1 });
    expect(Object.keys(before[0]!)).toEqual(['id', 'text']);
    await db.schema.alterTable('notes', (t) => t.string('mood'));
    await db('notes').update({ mood: 'ok' }).where({ id: 1 });
    expect(await db('notes').select('*').where({ id: 1 })).toEqual([
      { id: 1, text: 'n0', mood: 'ok' },
    ]);
  });

  it('when a transaction rolls back, then a reused insert inside it leaves nothing', async () => {
    const count = async () => (await db('notes').count('* as n').first()) as { n: number };
    const before = await count();
    await expect(
      db.transaction(async (trx) => {
        await trx('notes').insert({ text: 'lost' });
        throw new Error('power cut');
      }),
    ).rejects.toThrow('power cut');
    expect(await count()).toEqual(before);
  });

  it('when more distinct statements run than the cache holds, then every one still answers', async () => {
    for (let i = 0; i < STATEMENT_CACHE_SIZE + 20; i++) {
      const rows = (await db.raw(`select ${i} as n`)) as { n: number }[];
      expect(rows[0]!.n).toBe(i);
    }
    expect(await db('notes').where({ text: 'n0' }).first('text')).toEqual({ text: 'n0' });
  });

  it('when a statement fails, then the error reaches the caller and the next query works', async () => {
    await expect(db('no_such_table').select('*')).rejects.toThrow(/no such table/);
    expect(await db('notes').where({ id: 2 }).first('text')).toEqual({ text: 'n1' });
  });
});
