import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotOptions } from '../../src/app';
import { type Harness, MAIN_MENU_RU, replyButtonTexts, startHarness } from '../support/harness';
import { residentWithOneZoneMeter } from '../support/meter-resident';

/** 20 November 2026 in Kamchatka: inside the 15–25 window. */
const IN_WINDOW = new Date('2026-11-20T00:00:00Z');

/**
 * Every Bot API call of the bot (handlers, conversations, the outbox worker) goes through this:
 * the first `sendMessage` whose text matches one of `failFirst` is answered with a Bot API error,
 * as if the reply after the commit was lost. Later sends of the same text go through.
 */
function losingFirstReply(failFirst: RegExp[]) {
  const lost: string[] = [];
  const wrapped = (async (input: unknown, init?: { body?: unknown }) => {
    if (String(input).endsWith('/sendMessage') && typeof init?.body === 'string') {
      const text = String((JSON.parse(init.body) as { text?: unknown }).text ?? '');
      if (failFirst.some((pattern) => pattern.test(text)) && !lost.includes(text)) {
        lost.push(text);
        return new Response(
          JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: lost in test' }),
          { status: 400, headers: { 'content-type': 'application/json' } },
        );
      }
    }
    return fetch(input as string, init as RequestInit);
  }) as unknown as NonNullable<BotOptions['fetch']>;
  return { fetch: wrapped, lost };
}

describe('a confirmation promised after a commit is delivered through the outbox', () => {
  let h: Harness;
  const lossy = losingFirstReply([/^Показания приняты/, /^Обращение принято/]);

  beforeAll(async () => {
    h = await startHarness({}, { clock: () => IN_WINDOW, fetch: lossy.fetch });
  });
  afterAll(() => h.stop());

  async function residentWithMeter() {
    return (await residentWithOneZoneMeter(h, 'C')).person;
  }

  /** The chat's bot messages whose text starts with `prefix`, after the outbox row is settled. */
  async function sentOnce(chatId: number, kind: string, prefix: string) {
    // The worker records the send right after Telegram accepts it; nothing else may follow.
    for (let i = 0; i < 100; i++) {
      const row = await h.database.db('outbox').where({ chat_id: chatId, kind }).first();
      if (row?.status === 'sent') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const rows = await h.database.db('outbox').where({ chat_id: chatId, kind });
    const messages = (await h.client.transcript(chatId)).filter(
      (m) => m.from?.is_bot && (m.text ?? '').startsWith(prefix),
    );
    return { rows, messages };
  }

  it('when the reply after a committed reading is lost, then the worker delivers «Показания приняты» once, with the number and the main menu', async () => {
    const person = await residentWithMeter();
    await person.say('/reading');
    const summary = await person.say('5100');
    await person.press(summary, '✅ Отправить');
    const accepted = await person.next();
    const reading = await h.database.db('meter_readings').orderBy('id', 'desc').first();
    expect(accepted.text).toBe(`Показания приняты, № ${reading.submission_id}. Спасибо!`);
    expect(replyButtonTexts(accepted)).toEqual(MAIN_MENU_RU);
    expect(lossy.lost).toContain(accepted.text);

    const { rows, messages } = await sentOnce(person.id, 'reading-accepted', 'Показания приняты');
    expect(rows.map((r) => [r.status, r.telegram_message_id])).toEqual([
      ['sent', accepted.message_id],
    ]);
    expect(messages.map((m) => m.message_id)).toEqual([accepted.message_id]);
  });

  it('when the reply goes out at once, then the held outbox row is marked sent by it and the worker never sends it again', async () => {
    const person = await residentWithMeter();
    await person.say('/reading');
    const summary = await person.say('5100');
    await person.press(summary, '✅ Отправить');
    // The same text as the test above lost, with a new number: this one is not lost.
    const accepted = await person.next();
    expect(accepted.text).toMatch(/^Показания приняты, № \d+\. Спасибо!$/);
    const { rows, messages } = await sentOnce(person.id, 'reading-accepted', 'Показания приняты');
    expect(rows.map((r) => [r.status, r.telegram_message_id, r.attempts])).toEqual([
      ['sent', accepted.message_id, 0],
    ]);
    expect(messages).toHaveLength(1);
  });

  it('when the reply after a filed appeal is lost, then the worker delivers «Обращение принято» with its number', async () => {
    const person = await residentWithMeter();
    const topics = await person.say('/appeal');
    await person.press(topics, 'Другое');
    await person.press(await person.next(), /^№ /);
    await person.next(); // «Опишите …»
    const files = await person.say('Прошу проверить начисление за октябрь.');
    await person.press(files, '➡️ Без вложений');
    const step = await person.next();
    expect(step.text).toContain('Тема: Другое');
    await person.press(step, '📨 Отправить');
    const created = await person.next();
    expect(created.text).toMatch(/^Обращение принято, номер А-\d{4}-\d{6}\./);
    expect(lossy.lost).toContain(created.text);
    const { rows, messages } = await sentOnce(person.id, 'appeal-created', 'Обращение принято');
    expect(rows.map((r) => r.status)).toEqual(['sent']);
    expect(messages).toHaveLength(1);
  });
});
