import { Api } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db, dialectOf } from '../../src/core/db/index';
import { Outbox, type OutboxMessage, type OutboxRow } from '../../src/core/outbox/outbox';
import { Pacer, TokenBucket } from '../../src/core/outbox/pacer';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/core/outbox/worker';
import { SandboxClient } from '../../src/sandbox/client';
import { type BotApiEmulator, createBotApiEmulator } from '../../src/sandbox/emulator';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { TEST_BOT } from '../support/harness';
import { systemClock } from '../../src/core/clock';

/** Fast pacing for tests that are not about pacing. */
const FAST = {
  globalPerSecond: 1000,
  globalBurst: 1000,
  chatPerSecond: 1000,
  chatBurst: 1000,
  groupPerSecond: 1000,
  groupBurst: 1000,
};

/** A clock moved by hand, and a sleep that moves it instead of waiting. */
function fakeTime(start: number) {
  let now = start;
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      now += Math.max(0, ms);
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

async function waitUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function text(chatId: number, body: string, extra: Partial<OutboxMessage> = {}): OutboxMessage {
  return { chatId, kind: 'test', payload: { text: body }, ...extra };
}

describe('outbox and its worker (on a real database, against the Bot API emulator)', () => {
  let t: TestDatabase;
  let emulator: BotApiEmulator;
  let client: SandboxClient;
  let api: Api;
  let outbox: Outbox;
  const workers: OutboxWorker[] = [];
  const extraDbs: Db[] = [];

  beforeAll(async () => {
    t = await withTestDatabase();
    emulator = createBotApiEmulator({ bot: TEST_BOT });
    await emulator.start();
    client = new SandboxClient(emulator.url);
    api = new Api(TEST_BOT.token, { apiRoot: emulator.apiRoot });
    outbox = new Outbox(t.db, systemClock);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await client.setRateLimits(false);
    // Each test makes its own users; leftovers from a failed test must not leak into the next.
    await t.db('outbox').whereIn('status', ['pending', 'sending']).update({ status: 'cancelled' });
  });

  afterAll(async () => {
    await Promise.all(extraDbs.map((db) => db.destroy()));
    await emulator?.stop();
    await t?.cleanup();
  });

  function worker(options: OutboxWorkerOptions = {}, db: Db = t.db, workerApi = api): OutboxWorker {
    const w = new OutboxWorker(db, workerApi, {
      pollIntervalMs: 20,
      sendTimeoutMs: 5_000,
      leaseMs: 30_000,
      pacing: FAST,
      outbox,
      ...options,
    });
    workers.push(w);
    return w;
  }

  async function user(name = 'Анна'): Promise<number> {
    return (await client.createUser({ first_name: name, language_code: 'ru' })).id;
  }

  async function botTexts(chatId: number): Promise<string[]> {
    return (await client.transcript(chatId))
      .filter((entry) => entry.direction === 'out')
      .map((entry) => entry.text ?? '');
  }

  async function rowsOf(ids: Array<number | null>): Promise<OutboxRow[]> {
    return t
      .db('outbox')
      .whereIn(
        'id',
        ids.filter((id): id is number => id !== null),
      )
      .orderBy('id');
  }

  const allSettled = (rows: OutboxRow[]) =>
    rows.every((row) => row.status === 'sent' || row.status === 'failed');

  it('when a confirmation is held, then the worker leaves it for the hold, the handler claims it once, and a released one is delivered by the worker', async () => {
    const chat = await user();
    const id = await outbox.hold({
      chatId: chat,
      kind: 'reading-accepted',
      payload: { text: 'Показания приняты, № 1' },
    });
    if (id === null) throw new Error('not held');
    const w = worker();
    // Within the hold the worker claims nothing of it.
    expect(await w.claim(10)).toEqual([]);
    expect(await outbox.claimHeld(id, 'reply:a')).toBe(true);
    expect(await outbox.claimHeld(id, 'reply:b')).toBe(false);
    // The direct send failed: back to the worker, due now, and it delivers it.
    await outbox.releaseHeld(id, 'reply:a', 'network down');
    w.start();
    await waitUntil(
      async () => (await rowsOf([id]))[0]?.status,
      (status) => status === 'sent',
    );
    expect(await botTexts(chat)).toEqual(['Показания приняты, № 1']);
    // Marked sent by a handler that does not hold the claim: nothing changes.
    await outbox.heldSent(id, 'reply:a', 999);
    expect((await rowsOf([id]))[0]?.telegram_message_id).not.toBe(999);
  });

  it('when a message is enqueued, the worker delivers it and records Telegram’s message id', async () => {
    const chat = await user();
    const result = await outbox.enqueue({
      chatId: chat,
      kind: 'appeal-answer',
      payload: {
        text: 'Ответ на обращение №42',
        reply_markup: { inline_keyboard: [[{ text: 'Открыть', callback_data: 'appeal:42' }]] },
      },
    });
    expect(result.enqueued).toBe(true);
    worker().start();

    const [row] = await waitUntil(() => rowsOf([result.id]), allSettled);
    const transcript = (await client.transcript(chat)).filter((e) => e.direction === 'out');
    expect(transcript.map((e) => e.text)).toEqual(['Ответ на обращение №42']);
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 0,
      telegram_message_id: transcript[0]?.message_id,
      locked_by: null,
    });
    expect(row?.sent_at).toBeTruthy();
    expect(transcript[0]?.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Открыть', callback_data: 'appeal:42' }]],
    });
  });

  it('when the same dedupe key is enqueued twice, the message is sent once', async () => {
    const chat = await user();
    const key = `reading-reminder:${chat}:2026-11`;
    const first = await outbox.enqueue(text(chat, 'Передайте показания', { dedupeKey: key }));
    const second = await outbox.enqueue(text(chat, 'Передайте показания', { dedupeKey: key }));
    const batch = await outbox.enqueue([
      text(chat, 'Повтор', { dedupeKey: key }),
      text(chat, 'Новое', { dedupeKey: `${key}:b` }),
      text(chat, 'Новое ещё раз', { dedupeKey: `${key}:b` }),
      text(chat, 'Без ключа'),
    ]);
    expect(first).toMatchObject({ enqueued: true, dedupeKey: key });
    expect(second).toEqual({ enqueued: false, id: null, dedupeKey: key });
    expect(batch.map((r) => r.enqueued)).toEqual([false, true, false, true]);

    worker().start();
    await waitUntil(() => rowsOf([first.id, ...batch.map((r) => r.id)]), allSettled);
    expect(await botTexts(chat)).toEqual(['Передайте показания', 'Новое', 'Без ключа']);
    // Even once sent, the key keeps the reminder from going out again.
    expect((await outbox.enqueue(text(chat, 'x', { dedupeKey: key }))).enqueued).toBe(false);
  });

  it('when a message key is queued, the worker renders it for the recipient at send time; without a renderer it fails for good', async () => {
    const chat = await user();
    const other = await user('Без переводчика');
    const keyed = (chatId: number): OutboxMessage => ({
      chatId,
      kind: 'account-linked',
      payload: { textKey: 'accounts-notice-linked', vars: { number: '4100123456' } },
    });
    const rendered = await outbox.enqueue(keyed(chat));
    const renders: string[] = [];
    worker({
      renderText: async (chatId, key, vars) => {
        renders.push(`${chatId}:${key}`);
        return `Счёт № ${vars?.number} подключён (${key})`;
      },
    }).start();
    await waitUntil(() => rowsOf([rendered.id]), allSettled);
    expect(await botTexts(chat)).toEqual(['Счёт № 4100123456 подключён (accounts-notice-linked)']);
    expect(renders).toEqual([`${chat}:accounts-notice-linked`]);
    await Promise.all(workers.splice(0).map((w) => w.stop()));

    const unrendered = await outbox.enqueue(keyed(other));
    worker().start();
    const [row] = await waitUntil(() => rowsOf([unrendered.id]), allSettled);
    expect(row?.status).toBe('failed');
    expect(await botTexts(other)).toEqual([]);
  });

  it('when enqueued inside a transaction, the message exists only if the transaction commits', async () => {
    const chat = await user();
    await expect(
      t.db.transaction(async (trx) => {
        await outbox.enqueue(text(chat, 'откат', { dedupeKey: `trx:${chat}:a` }), { trx });
        throw new Error('business write failed');
      }),
    ).rejects.toThrow('business write failed');
    const committed = await t.db.transaction((trx) =>
      outbox.enqueue(text(chat, 'принято', { dedupeKey: `trx:${chat}:b` }), { trx }),
    );
    const keys = await t.db('outbox').where('chat_id', chat).pluck('dedupe_key');
    expect(keys).toEqual([`trx:${chat}:b`]);
    expect(committed.enqueued).toBe(true);
  });

  it('when a pending message is cancelled by its key, it is not sent; stats count it', async () => {
    const chat = await user();
    await outbox.enqueue(text(chat, 'отменено', { dedupeKey: `cancel:${chat}` }));
    const kept = await outbox.enqueue(text(chat, 'отправлено'));
    expect(await outbox.cancel(`cancel:${chat}`)).toBe(true);
    expect(await outbox.cancel(`cancel:${chat}`)).toBe(false);
    const before = await outbox.stats();
    expect(before.pending).toBeGreaterThanOrEqual(1);
    expect(before.cancelled).toBeGreaterThanOrEqual(1);
    worker().start();
    await waitUntil(() => rowsOf([kept.id]), allSettled);
    expect(await botTexts(chat)).toEqual(['отправлено']);
  });

  it('with Telegram-like rate limits on, 10 messages to one chat and 40 over many all arrive in order, 429s honoured', async () => {
    await client.setRateLimits(true);
    const busy = await user('Много');
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => user(`Ж${i}`)));
    const messages = [
      ...Array.from({ length: 10 }, (_, i) => text(busy, `busy ${i + 1}`)),
      ...Array.from({ length: 40 }, (_, i) => text(others[i % 20]!, `other ${i + 1}`)),
    ];
    const ids = (await outbox.enqueue(messages)).map((r) => r.id);
    // Pacing looser than the emulator's limits, so the 429 path is taken for real.
    const w = worker({
      pacing: { chatPerSecond: 10, chatBurst: 10, globalPerSecond: 200, globalBurst: 200 },
    });
    w.start();

    const rows = await waitUntil(() => rowsOf(ids), allSettled, 45_000);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(await botTexts(busy)).toEqual(Array.from({ length: 10 }, (_, i) => `busy ${i + 1}`));
    for (const [index, chat] of others.entries()) {
      expect(await botTexts(chat)).toEqual([`other ${index + 1}`, `other ${index + 21}`]);
    }
    expect(w.counters.rateLimited).toBeGreaterThan(0);
    expect(rows.reduce((sum, r) => sum + r.throttled, 0)).toBe(w.counters.rateLimited);
    // A 429 is not a failure: no attempts spent.
    expect(rows.every((r) => r.attempts === 0)).toBe(true);
    expect(w.counters.failed + w.counters.retried).toBe(0);
  }, 60_000);

  it('with the default pacing (1/s per chat, burst 1), the emulator’s limits are never hit', async () => {
    await client.setRateLimits(true);
    const chat = await user();
    const ids = (
      await outbox.enqueue(Array.from({ length: 3 }, (_, i) => text(chat, `pace ${i}`)))
    ).map((r) => r.id);
    const w = worker({ pacing: {} });
    w.start();
    await waitUntil(() => rowsOf(ids), allSettled);
    expect(w.counters.rateLimited).toBe(0);
    expect(await botTexts(chat)).toEqual(['pace 0', 'pace 1', 'pace 2']);
  });

  it('when the user blocked the bot, the message fails at once with the reason and is not retried', async () => {
    const chat = await user();
    await client.block(chat);
    const blocked = await outbox.enqueue(text(chat, 'не дойдёт'));
    const nowhere = await outbox.enqueue(text(999_999_999, 'некому'));
    const w = worker();
    w.start();
    const rows = await waitUntil(() => rowsOf([blocked.id, nowhere.id]), allSettled);
    expect(rows[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows[0]?.last_error).toMatch(/403.*blocked by the user/);
    expect(rows[1]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows[1]?.last_error).toMatch(/400.*chat not found/);
    expect(w.counters.retried).toBe(0);
    await w.stop();
    expect(await rowsOf([blocked.id])).toMatchObject([{ status: 'failed', attempts: 1 }]);
  });

  it('when Telegram fails transiently, the row is retried with growing backoff, then delivered; past maxAttempts it fails', async () => {
    const chat = await user();
    const time = fakeTime(Date.now() + 1_000);
    let failuresLeft = 2;
    const flaky = new Api(TEST_BOT.token, { apiRoot: emulator.apiRoot });
    flaky.config.use((prev, method, payload, signal) => {
      if (method === 'sendMessage' && failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.resolve({ ok: false, error_code: 502, description: 'Bad Gateway' });
      }
      return prev(method, payload, signal);
    });
    const delays: number[] = [];
    const w = worker(
      {
        ...time,
        random: () => 0.5,
        backoffBaseMs: 1_000,
        maxAttempts: 3,
        onEvent: (e) => {
          if (e.type === 'retry') delays.push(e.delayMs);
        },
      },
      t.db,
      flaky,
    );
    const { id } = await outbox.enqueue(text(chat, 'со второй попытки'));

    expect(await w.runOnce()).toBe(1);
    expect(await rowsOf([id])).toMatchObject([
      { status: 'pending', attempts: 1, last_error: '502 Bad Gateway' },
    ]);
    expect(await w.runOnce()).toBe(0); // not due yet
    time.advance(delays[0]!);
    expect(await w.runOnce()).toBe(1);
    time.advance(delays[1]!);
    expect(await w.runOnce()).toBe(1);
    expect(delays).toEqual([750, 1_500]); // base·2^(n−1), jitter in the upper half (0.5 → ¾)
    expect(await rowsOf([id])).toMatchObject([{ status: 'sent', attempts: 2 }]);
    expect(await botTexts(chat)).toEqual(['со второй попытки']);

    failuresLeft = 10;
    const doomed = await outbox.enqueue(text(chat, 'не судьба'));
    for (let round = 0; round < 3; round++) {
      time.advance(60_000);
      await w.runOnce();
    }
    expect(await rowsOf([doomed.id])).toMatchObject([
      { status: 'failed', attempts: 3, last_error: '502 Bad Gateway' },
    ]);
  });

  it('urgent goes before bulk; a message due later does not hold back one due now; expired ones are cancelled', async () => {
    const [chat, bulkChat, urgentChat, staleChat] = [
      await user('А'),
      await user('Б'),
      await user('В'),
      await user('Г'),
    ] as [number, number, number, number];
    const time = fakeTime(Date.now() + 1_000);
    const sent: string[] = [];
    const w = worker({
      ...time,
      batchSize: 1,
      onEvent: (e) => {
        if (e.type === 'sent') sent.push(JSON.parse(e.row.payload).text);
      },
    });
    const later = await outbox.enqueue(
      text(chat, 'в 10:00', { notBefore: new Date(time.clock() + 3_600_000) }),
    );
    await outbox.enqueue(text(chat, 'сейчас'));
    await outbox.enqueue({ chatId: bulkChat, kind: 'broadcast', payload: { text: 'новости' } });
    await outbox.enqueue(text(urgentChat, 'вход с нового устройства', { priority: -10 }));
    const stale = await outbox.enqueue(
      text(staleChat, 'окно закрыто', { expiresAt: new Date(time.clock() - 1) }),
    );

    while ((await w.runOnce()) > 0);
    expect(sent).toEqual(['вход с нового устройства', 'сейчас', 'новости']);
    expect(await rowsOf([stale.id])).toMatchObject([{ status: 'cancelled' }]);
    expect(await rowsOf([later.id])).toMatchObject([{ status: 'pending' }]);

    time.advance(3_600_000);
    await w.runOnce();
    expect(await botTexts(chat)).toEqual(['сейчас', 'в 10:00']);
    expect(await botTexts(staleChat)).toEqual([]);
  });

  it('when a worker dies holding claimed rows, another delivers them once after the lease expires', async () => {
    const chats = [await user('К1'), await user('К2')];
    const ids = (
      await outbox.enqueue([
        text(chats[0]!, 'a1'),
        text(chats[0]!, 'a2'),
        text(chats[1]!, 'b1'),
        text(chats[0]!, 'a3'),
      ])
    ).map((r) => r.id);
    const time = fakeTime(Date.now());
    const dying = worker({ ...time, id: 'dying', leaseMs: 10_000 });
    const claimed = await dying.claim(10);
    // Only each chat's oldest row is claimable: a2 waits behind a1 even across workers.
    expect(claimed.map((r) => JSON.parse(r.payload).text)).toEqual(['a1', 'b1']);
    // The process "dies" here: no send, no release.

    const heir = worker({ ...time, id: 'heir', leaseMs: 10_000 });
    expect(await heir.runOnce()).toBe(0);
    expect((await rowsOf(ids)).map((r) => r.status)).toEqual([
      'sending',
      'pending',
      'sending',
      'pending',
    ]);

    time.advance(10_001);
    while ((await heir.runOnce()) > 0);
    const rows = await rowsOf(ids);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(rows.map((r) => r.attempts)).toEqual([1, 0, 1, 0]); // the lapsed lease counts once
    expect(heir.counters.reclaimed).toBe(2);
    expect(await botTexts(chats[0]!)).toEqual(['a1', 'a2', 'a3']);
    expect(await botTexts(chats[1]!)).toEqual(['b1']);
  });

  it('when stopped, a worker finishes the send in flight and leaves the rest pending for the next one', async () => {
    const chat = await user();
    const ids = (
      await outbox.enqueue(Array.from({ length: 5 }, (_, i) => text(chat, `s${i}`)))
    ).map((r) => r.id);
    const first = worker({ pacing: {} }); // 1 message/s to this chat: it cannot finish quickly
    first.start();
    await waitUntil(
      () => rowsOf(ids),
      (rows) => rows.some((r) => r.status === 'sent'),
    );
    await first.stop();
    const afterStop = await rowsOf(ids);
    expect(afterStop.some((r) => r.status === 'sending')).toBe(false);
    expect(afterStop.filter((r) => r.status === 'pending').length).toBeGreaterThan(0);

    worker().start();
    await waitUntil(() => rowsOf(ids), allSettled);
    expect(await botTexts(chat)).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });

  it('when two workers with their own connections race, each message is delivered once and in order', async () => {
    const chats = await Promise.all(Array.from({ length: 15 }, (_, i) => user(`R${i}`)));
    const ids = (
      await outbox.enqueue(
        Array.from({ length: 60 }, (_, i) => text(chats[i % 15]!, `r${Math.floor(i / 15)}`)),
      )
    ).map((r) => r.id);
    // Two instances on PostgreSQL; on SQLite one process owns the file (better-sqlite3 waits for
    // a busy lock synchronously, which would stall both workers of this one process).
    const [dbA, dbB] =
      dialectOf(t.url) === 'postgres'
        ? [createDatabase(t.url), createDatabase(t.url)]
        : [t.db, t.db];
    if (dbA !== t.db) extraDbs.push(dbA, dbB);
    const a = worker({ id: 'A', batchSize: 4 }, dbA);
    const b = worker({ id: 'B', batchSize: 4 }, dbB);
    a.start();
    b.start();
    const rows = await waitUntil(() => rowsOf(ids), allSettled);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(a.counters.sent + b.counters.sent).toBe(60);
    for (const chat of chats) {
      expect(await botTexts(chat)).toEqual(['r0', 'r1', 'r2', 'r3']);
    }
  });
});

describe('pacing (token buckets, fake clock)', () => {
  it('a bucket gives its burst at once, then one token per 1/rate', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 1, now);
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs(now)).toBe(0);
      bucket.take(now);
    }
    expect(bucket.waitMs(now)).toBe(1000);
    now += 400;
    expect(bucket.waitMs(now)).toBe(600);
    now += 600;
    expect(bucket.waitMs(now)).toBe(0);
    now += 60_000;
    expect(bucket.isFull(now)).toBe(true); // refilling stops at the capacity
    for (let i = 0; i < 3; i++) bucket.take(now);
    expect(bucket.waitMs(now)).toBe(1000);
  });

  it('about 30 per second overall, 1 per second per chat, 20 per minute per group', () => {
    let now = 0;
    const pacer = new Pacer({}, () => now);
    for (let chat = 1; chat <= 30; chat++) expect(pacer.tryTake(chat)).toBe(0);
    expect(pacer.tryTake(31)).toBe(34); // the 31st waits for the global bucket: 1/30 s
    now += 34;
    expect(pacer.tryTake(31)).toBe(0);
    expect(pacer.tryTake(1)).toBe(966); // chat 1 had its message at 0: next at 1 s
    now = 1000;
    expect(pacer.tryTake(1)).toBe(0);
    expect(pacer.tryTake(-100)).toBe(0);
    expect(pacer.tryTake(-100)).toBe(3000); // a group: 20 per minute
  });

  it('a 429 pauses the chat, or everything, for retry_after', () => {
    let now = 0;
    const pacer = new Pacer({ chatBurst: 5, chatPerSecond: 5 }, () => now);
    pacer.pause(7, 5_000, false);
    expect(pacer.waitMs(7)).toBe(5_000);
    expect(pacer.waitMs(8)).toBe(0);
    pacer.pause(8, 2_000, true);
    expect(pacer.waitMs(9)).toBe(2_000);
    expect(pacer.pausedUntil(9)).toBe(2_000);
    now = 2_000;
    expect(pacer.waitMs(9)).toBe(0);
    expect(pacer.waitMs(7)).toBe(3_000);
  });

  it('forgets idle chats once many are tracked', () => {
    let now = 0;
    const pacer = new Pacer({ globalBurst: 100_000, globalPerSecond: 100_000 }, () => now);
    for (let chat = 1; chat <= 10_000; chat++) pacer.tryTake(chat);
    now += 5_000;
    pacer.tryTake(10_001);
    expect(pacer.trackedChats).toBe(1);
  });
});
