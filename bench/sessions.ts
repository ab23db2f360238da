/**
 * Part of `npm run bench`: what durability costs. Each case runs side by side with its baseline in the
 * same process, so the figures compare like with like on whatever machine runs them.
 *
 *   session storage — a session read + write per update (what an update that uses its session costs; sessions are lazy, so others pay nothing) through the
 *   knex adapter on SQLite (and PostgreSQL when the benchmark runs there), against grammY's
 *   in-memory storage, which loses everything on restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySessionStorage, type StorageAdapter } from 'grammy';
import { createDatabase, type Db, migrateLatest } from '../src/core/db/index';
import { KnexStorageAdapter } from '../src/core/storage';
import { systemClock } from '../src/core/clock';

export interface Result {
  name: string;
  ops: number;
  seconds: number;
}

async function sessionRoundTrips(
  name: string,
  storage: StorageAdapter<{ n: number; lang: string }>,
  ops: number,
): Promise<Result> {
  const chats = 500;
  // Warm up: every chat has a session already, as in production.
  for (let chat = 0; chat < chats; chat++) await storage.write(String(chat), { n: 0, lang: 'ru' });
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const key = String(i % chats);
    const value = (await storage.read(key)) ?? { n: 0, lang: 'ru' };
    await storage.write(key, { ...value, n: value.n + 1 });
  }
  return { name, ops, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function withDb<T>(
  url: string,
  run: (db: Db) => Promise<T>,
  options: { synchronous?: 'FULL' | 'NORMAL' } = {},
): Promise<T> {
  const db = createDatabase(url, options);
  try {
    await migrateLatest(db);
    return await run(db);
  } finally {
    await db.destroy();
  }
}

/**
 * The session storage comparison (`BENCH_OPS` updates, default 5 000, over 500 chats): grammY's
 * memory storage first (the baseline), then knex on SQLite with and without the state database's
 * `synchronous=NORMAL`, and on PostgreSQL when `pgUrl` (a scratch database) is given.
 */
export async function sessionStorageBench(pgUrl?: string): Promise<Result[]> {
  const ops = Number(process.env.BENCH_OPS ?? 5000);
  const dir = mkdtempSync(join(tmpdir(), 'abonent-bench-'));
  try {
    const results: Result[] = [
      await sessionRoundTrips(
        'memory (baseline, not durable)',
        new MemorySessionStorage<{ n: number; lang: string }>(),
        ops,
      ),
      await withDb(`sqlite:${join(dir, 'bench.db')}`, (db) =>
        sessionRoundTrips(
          'knex + SQLite (WAL, synchronous=FULL)',
          new KnexStorageAdapter(db, 's:', systemClock),
          ops,
        ),
      ),
      await withDb(
        `sqlite:${join(dir, 'state.db')}`,
        (db) =>
          sessionRoundTrips(
            'knex + SQLite state db (synchronous=NORMAL)',
            new KnexStorageAdapter(db, 's:', systemClock),
            ops,
          ),
        { synchronous: 'NORMAL' },
      ),
    ];
    if (pgUrl) {
      results.push(
        await withDb(pgUrl, (db) =>
          sessionRoundTrips(
            'knex + PostgreSQL',
            new KnexStorageAdapter(db, 's:', systemClock),
            ops,
          ),
        ),
      );
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
