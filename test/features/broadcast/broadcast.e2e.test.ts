import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit';
import { systemClock } from '../../../src/core/clock';
import { StaffService } from '../../../src/features/staff/service';
import type { TranscriptEntry } from '../../../src/sandbox/client';
import { type Harness, startHarness } from '../../support/harness';
import { createAccountWithMeters, freshAccountNumber } from '../../support/readings';

const RESIDENTS = 500;
const BLOCKED = 5;

/** Polls `check` until it holds (a wait for the outbox, not a timing assertion). */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * /broadcast through the emulator with Telegram's rate limits on: 500 residents, a restart of
 * the bot and its outbox worker half-way, five residents who blocked the bot; and who may not
 * broadcast at all.
 */
describe('a broadcast from the admin chat', () => {
  let h: Harness;
  let adminChatId: number;
  let olga: number;
  let pavel: number;
  let stranger: number;
  let residents: number[];

  beforeAll(async () => {
    // The worker paces faster than the emulator's 30/s allows, so 429s are certain.
    h = await startHarness(
      {},
      { rateLimits: true, outboxPacing: { globalPerSecond: 60, globalBurst: 60 } },
    );
    const { client } = h;
    olga = (await client.createUser({ first_name: 'Ольга' })).id;
    pavel = (await client.createUser({ first_name: 'Павел' })).id;
    stranger = (await client.createUser({ first_name: 'Гость' })).id;
    adminChatId = (await client.createGroup('Сотрудники', [olga, pavel, stranger])).id;
    await h.stopBot();
    h.config.adminChatId = adminChatId;
    await h.startBot();
    const staff = new StaffService(
      h.database.db,
      new AuditLog(h.database.db, systemClock),
      systemClock,
    );
    await staff.add(olga, 'operator');
    await staff.add(pavel, 'admin');

    // 500 logged-in residents, each with a linked account (rows as registration leaves them).
    const { db } = h.database;
    const number = freshAccountNumber();
    const { accountId } = await createAccountWithMeters(db, { number, meters: [] });
    residents = [];
    for (let i = 0; i < RESIDENTS; i++) {
      residents.push((await client.createUser({ first_name: `Житель ${i}` })).id);
    }
    const now = new Date().toISOString();
    for (let start = 0; start < RESIDENTS; start += 100) {
      const chunk = residents.slice(start, start + 100);
      const users = (await db('users')
        .insert(
          chunk.map((id) => ({
            email: `resident-${id}@example.org`,
            full_name: 'Житель',
            status: 'active',
            created_at: now,
            updated_at: now,
          })),
        )
        .returning('id')) as ({ id: number } | number)[];
      const userIds = users.map((u) => Number(typeof u === 'object' ? u.id : u));
      await db('telegram_identities').insert(
        chunk.map((telegramUserId, k) => ({
          telegram_user_id: telegramUserId,
          user_id: userIds[k],
          logged_in_at: now,
          last_seen_at: now,
        })),
      );
      await db('account_links').insert(
        userIds.map((userId) => ({ user_id: userId, account_id: accountId, linked_at: now })),
      );
    }
    for (const id of residents.slice(0, BLOCKED)) await client.block(id);
  }, 120_000);
  afterAll(() => h.stop());

  const say = async (from: number, text: string): Promise<TranscriptEntry> => {
    await h.client.sendText(adminChatId, from, text);
    return h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
  };

  it('when an operator or a stranger sends /broadcast, then nothing is drafted or sent', async () => {
    const before = await h.client.transcript(adminChatId);
    const denied = await say(olga, '/broadcast Отключение света завтра');
    expect(denied.text).toContain('только администратор');
    await h.client.sendText(adminChatId, stranger, '/broadcast Привет всем');
    const probe = await say(pavel, '/help');
    expect(probe.text).toContain('/broadcast');
    const answers = (
      await h.client.botMessagesAfter(adminChatId, before.at(-1)?.message_id ?? 0)
    ).map((e) => e.text ?? '');
    expect(answers.filter((t) => t.includes('Получателей'))).toEqual([]);
    expect(Number((await h.database.db('broadcasts').count({ n: '*' }))[0]?.n)).toBe(0);
    expect(
      Number((await h.database.db('outbox').where({ kind: 'broadcast' }).count({ n: '*' }))[0]?.n),
    ).toBe(0);
  });

  it('when an operator presses «Отправить» under an admin preview, then the broadcast does not start', async () => {
    const preview = await say(pavel, '/broadcast Проверка кнопки');
    expect(preview.text).toContain(`Получателей: ${RESIDENTS}`);
    const callback = await h.client.pressButton(adminChatId, olga, preview, '✅ Отправить');
    const answer = await h.client.callbackAnswer(callback);
    expect(JSON.stringify(answer)).toContain('только администратор');
    expect(
      Number((await h.database.db('outbox').where({ kind: 'broadcast' }).count({ n: '*' }))[0]?.n),
    ).toBe(0);
    const cancel = await h.client.pressButton(adminChatId, pavel, preview, '✖️ Отмена');
    expect(JSON.stringify(await h.client.callbackAnswer(cancel))).toContain('отменена');
  });

  it('when an admin broadcasts to 500 residents under rate limits and the bot restarts half-way, then each gets exactly one message and blocked ones are counted', async () => {
    const text = 'Уважаемые жители! 1 декабря с 10:00 до 12:00 плановое отключение.';
    const preview = await say(pavel, `/broadcast ${text}`);
    expect(preview.text).toContain(`Получателей: ${RESIDENTS}`);
    await h.client.pressButton(adminChatId, pavel, preview, '✅ Отправить');
    const line = await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
    const { db } = h.database;
    const sentCount = async () =>
      Number(
        (await db('outbox').where({ kind: 'broadcast', status: 'sent' }).count({ n: '*' }))[0]?.n,
      );
    await until('a third sent', sentCount, (n) => n >= RESIDENTS / 3);
    await h.stopBot();
    const atRestart = await sentCount();
    expect(atRestart).toBeLessThan(RESIDENTS - BLOCKED);
    await h.startBot();

    const final = await h.client.waitForTranscript(
      adminChatId,
      (entries) =>
        entries.some(
          (e) => e.message_id === line.message_id && (e.text ?? '').includes('завершена'),
        ),
      { timeoutMs: 90_000 },
    );
    const finalLine = final.find((e) => e.message_id === line.message_id)?.text ?? '';
    expect(finalLine).toContain(`отправлено ${RESIDENTS - BLOCKED} из ${RESIDENTS}`);
    expect(finalLine).toContain(`заблокировали бота ${BLOCKED}`);

    const counts = new Map<number, number>();
    for (const id of residents) {
      const got = (await h.client.transcript(id)).filter(
        (e) => e.direction === 'out' && e.text === text,
      );
      counts.set(id, got.length);
    }
    const blocked = residents.slice(0, BLOCKED);
    for (const id of blocked) expect(counts.get(id)).toBe(0);
    const others = residents.slice(BLOCKED).map((id) => counts.get(id));
    expect(others.filter((n) => n !== 1)).toEqual([]);
    const failed = await db('outbox')
      .where({ kind: 'broadcast', status: 'failed' })
      .select('last_error', 'attempts');
    expect(failed).toHaveLength(BLOCKED);
    for (const row of failed) {
      expect(row.last_error).toContain('blocked');
      expect(Number(row.attempts)).toBe(1);
    }
    // The emulator answered 429 (counted on the rows) and the worker waited it out.
    const [throttled] = await db('outbox').where({ kind: 'broadcast' }).sum({ n: 'throttled' });
    expect(Number(throttled?.n)).toBeGreaterThan(0);
  }, 150_000);
});
