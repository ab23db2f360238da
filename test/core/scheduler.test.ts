import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db, dialectOf } from '../../src/core/db/index';
import { Scheduler } from '../../src/core/scheduler';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { systemClock } from '../../src/core/clock';

async function waitUntil(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('scheduler (job leases in the shared database)', () => {
  let t: TestDatabase;
  let other: Db;

  beforeAll(async () => {
    t = await withTestDatabase();
    // A second instance gets its own connection pool on PostgreSQL, as a second process would.
    other = dialectOf(t.url) === 'postgres' ? createDatabase(t.url) : t.db;
  });

  afterAll(async () => {
    if (other !== t.db) await other.destroy();
    await t?.cleanup();
  });

  it('when two instances share the database, a job runs once per interval, on one of them', async () => {
    let now = Date.parse('2026-11-24T00:00:00.000Z');
    const clock = () => now;
    const runs: string[] = [];
    const a = new Scheduler(t.db, { id: 'a', clock }).every('reminders', 10_000, () => {
      runs.push('a');
    });
    const b = new Scheduler(other, { id: 'b', clock }).every('reminders', 10_000, () => {
      runs.push('b');
    });

    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toHaveLength(1);
    now += 5_000;
    await Promise.all([b.tick(), a.tick()]);
    expect(runs).toHaveLength(1);
    now += 5_000;
    await Promise.all([b.tick(), a.tick()]);
    expect(runs).toHaveLength(2);
    now += 25_000; // a long pause (all instances down): one catch-up run, not three
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toHaveLength(3);

    const lock = await t.db('job_locks').where('name', 'reminders').first();
    expect(['a', 'b']).toContain(lock.locked_by);
    expect(lock.last_finished_at).toBeTruthy();
  });

  it('when a run outlasts its interval, its lease is renewed and no other instance starts it', async () => {
    let now = Date.parse('2026-11-25T00:00:00.000Z');
    const clock = () => now;
    let release = () => {};
    let started = 0;
    const slow = async () => {
      started += 1;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const a = new Scheduler(t.db, { id: 'a', clock }).every('import', 1_000, slow);
    const b = new Scheduler(other, { id: 'b', clock }).every('import', 1_000, slow);

    const first = a.tick();
    await waitUntil(() => started === 1);
    for (let i = 0; i < 5; i++) {
      now += 600;
      await a.tick(); // still running here: renews the lease
      await b.tick();
    }
    expect(started).toBe(1);
    release();
    await first;
    now += 1_000;
    const second = b.tick();
    await waitUntil(() => started === 2);
    release();
    await second;
  });

  it('when a job throws, the error is logged and recorded and the loop keeps running it', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new Scheduler(t.db, {
      clock: () => systemClock().getTime(),
      tickMs: 5,
      logger: { info() {}, warn() {}, error: (obj: unknown) => errors.push(obj) },
    }).every('flaky', 20, () => {
      calls += 1;
      throw new Error(`boom ${calls}`);
    });
    scheduler.start();
    await waitUntil(() => calls >= 3);
    await scheduler.stop();
    expect(errors.length).toBeGreaterThanOrEqual(3);
    const lock = await t.db('job_locks').where('name', 'flaky').first();
    expect(lock.last_error).toMatch(/^boom \d+$/);
  });

  it('when stopped, the running job is told through its signal and awaited', async () => {
    let running = false;
    let aborted = false;
    let finished = false;
    const scheduler = new Scheduler(t.db, {
      tickMs: 5,
      clock: () => systemClock().getTime(),
    }).every('long', 60_000, async (ctx) => {
      running = true;
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      aborted = ctx.signal.aborted;
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished = true;
    });
    scheduler.start();
    await waitUntil(() => running);
    await scheduler.stop();
    expect(aborted).toBe(true);
    expect(finished).toBe(true);
  });
});
