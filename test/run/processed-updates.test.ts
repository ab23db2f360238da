import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/core/context';
import { dedupeUpdates, STALE_CLAIM_MS, UpdateInFlight } from '../../src/run/processed-updates';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { TEST_BOT_INFO } from '../support/bot-info';

const message = (updateId: number): Update =>
  ({
    update_id: updateId,
    message: {
      message_id: 1,
      date: 0,
      chat: { id: 42, type: 'private', first_name: 'Анна' },
      from: { id: 42, is_bot: false, first_name: 'Анна' },
      text: 'привет',
    },
  }) as Update;

describe('webhook update ids', () => {
  let t: TestDatabase;
  const now = new Date('2026-11-20T12:00:00.000Z');
  const clock = () => now;

  beforeAll(async () => {
    t = await withTestDatabase();
  });
  afterAll(() => t.cleanup());

  /** A bot whose handling fails the first `failures` times, counting every handling. */
  const botFailing = (failures: number) => {
    const bot = new Bot<BotContext>('1:x', { botInfo: TEST_BOT_INFO });
    let handled = 0;
    bot.use(dedupeUpdates(t.db, clock));
    bot.use(() => {
      handled++;
      if (handled <= failures) throw new Error('storage went away');
    });
    return { bot, handled: () => handled };
  };
  const row = (updateId: number) =>
    t.db('processed_updates').where({ update_id: updateId }).first();

  it('when the handling of an update fails, then it is not remembered, and the redelivery is handled once', async () => {
    const { bot, handled } = botFailing(1);
    await expect(bot.handleUpdate(message(1))).rejects.toThrow('storage went away');
    expect(await row(1)).toBeUndefined();
    await bot.handleUpdate(message(1));
    expect(handled()).toBe(2);
    expect((await row(1))?.done_at).toBeTruthy();
    await bot.handleUpdate(message(1));
    expect(handled()).toBe(2);
  });

  it('when a process died while handling an update, then its redelivery is handled once the claim is stale', async () => {
    const { bot, handled } = botFailing(0);
    const stale = new Date(now.getTime() - STALE_CLAIM_MS - 1000).toISOString();
    await t.db('processed_updates').insert({ update_id: 2, at: stale });
    await bot.handleUpdate(message(2));
    expect(handled()).toBe(1);
    expect((await row(2))?.done_at).toBeTruthy();
  });

  it('when a copy arrives while another instance is handling the update, then it is refused for a later retry, not dropped', async () => {
    const { bot, handled } = botFailing(0);
    await t.db('processed_updates').insert({ update_id: 3, at: now.toISOString() });
    const error = await bot.handleUpdate(message(3)).catch((e: unknown) => e);
    expect((error as { error?: unknown }).error).toBeInstanceOf(UpdateInFlight);
    expect(handled()).toBe(0);
    expect(await row(3)).toBeDefined();
  });
});
