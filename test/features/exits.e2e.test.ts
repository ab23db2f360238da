import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../src/sandbox/client';
import {
  buttonTexts,
  type Harness,
  type Person,
  replyButtonTexts,
  startHarness,
} from '../support/harness';
import { loggedInResident } from '../support/logged-in';
import { createAccountWithMeters, freshAccountNumber } from '../support/readings';
import { residentWithTwoZoneMeter } from '../support/meter-resident';
import { linkDirectly, loginResident } from '../support/residents';

/**
 * What a fresh tester found in the resident flows after the conversation kit (issue 9, 7 and
 * issue 13): every way out of a flow closes its open question, and a second press of a confirm
 * button is answered quietly with what was done. Each scenario failed before.
 */

/** A 1×1 PNG: an appeal's attachment. */
const PHOTO = {
  filename: 'meter.png',
  mimeType: 'image/png',
  data: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
};

/** 20 November 2026, 12:00 in Kamchatka: inside the readings window. */
const IN_WINDOW = new Date('2026-11-20T00:00:00Z');

describe('flows: every exit closes the buttons, a done flow says so quietly', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { clock: () => IN_WINDOW });
  });
  afterAll(() => h.stop());

  /** The message as the chat shows it now (after the bot's edits). */
  const now = async (chatId: number, message: TranscriptEntry): Promise<TranscriptEntry> => {
    const found = (await h.client.transcript(chatId)).find(
      (e) => e.message_id === message.message_id,
    );
    if (!found) throw new Error(`message #${message.message_id} is gone`);
    return found;
  };

  const residentWithMeter = () => residentWithTwoZoneMeter(h, 'X');

  async function summaryOf(person: Person): Promise<TranscriptEntry> {
    await person.say('/reading');
    await person.say('10 150');
    const summary = await person.say('5 080');
    expect(buttonTexts(summary)).toEqual(['✅ Отправить', '✏️ Исправить', '✖️ Отмена']);
    return summary;
  }

  /**
   * Sends `probe` and waits for its answer: updates of one chat are handled in order, so every
   * message the bot sent for the updates before it is in the transcript by then. Returns the
   * bot's messages after `after` and before the probe.
   */
  async function messagesBefore(person: Person, after: number, probe: string) {
    const sent = await h.client.sendText(person.id, person.id, probe);
    const entries = await h.client.waitForTranscript(person.id, (all) =>
      all.some((e) => e.direction === 'out' && e.message_id > sent.message_id),
    );
    return entries.filter(
      (e) => e.direction === 'out' && e.message_id > after && e.message_id < sent.message_id,
    );
  }

  for (const leave of ['/cancel', '💰 Баланс', '/help']) {
    it(`when «${leave}» is typed on the reading summary, then the summary loses its buttons`, async () => {
      const { person } = await residentWithMeter();
      const summary = await summaryOf(person);
      await person.say(leave);
      expect(buttonTexts(await now(person.id, summary))).toEqual([]);
    });
  }

  it('when /help is typed at the /appeal topic picker, then the picker loses its buttons', async () => {
    const { person } = await residentWithMeter();
    const topics = await person.say('/appeal');
    expect(buttonTexts(topics).length).toBeGreaterThan(1);
    expect((await person.say('/help')).text).toBe('Обращение не отправлено.');
    expect(buttonTexts(await now(person.id, topics))).toEqual([]);
  });

  it('when the /appeal questions are answered, then each keeps the choice on screen and loses its buttons, «Без вложений» and «Готово» too', async () => {
    const { person } = await residentWithMeter();
    const topics = await person.say('/appeal');
    await person.press(topics, 'Качество и отключения');
    let asked = await person.next(); // the edit is made before the next question is asked
    const topicsNow = await now(person.id, topics);
    expect(topicsNow.text).toBe(
      'О чём ваше обращение? Выберите тему:\n\nВыбрано: Качество и отключения',
    );
    expect(buttonTexts(topicsNow)).toEqual([]);
    if (buttonTexts(asked).some((text) => text.startsWith('№'))) {
      const accounts = asked;
      await person.press(accounts, /^№/);
      asked = await person.next();
      expect(buttonTexts(await now(person.id, accounts))).toEqual([]);
      expect((await now(person.id, accounts)).text).toContain('Выбрано: №');
    }
    expect(asked.text).toBe('Опишите, пожалуйста, вопрос одним сообщением.');
    const files = await person.say('Свет мигает каждый вечер');
    expect(buttonTexts(files)).toContain('➡️ Без вложений');
    await h.client.sendPhoto(person.id, person.id, PHOTO);
    const added = await person.next();
    expect(buttonTexts(await now(person.id, files))).toEqual([]); // one «Готово» on screen
    await person.press(added, '✅ Готово');
    const confirm = await person.next();
    expect(confirm.text).toContain('Вложений: 1');
    expect(buttonTexts(await now(person.id, added))).toEqual([]);
    // The summary is itself a choose question: sending it keeps it, marked, with no buttons.
    await person.press(confirm, '📨 Отправить');
    await person.next();
    expect((await now(person.id, confirm)).text).toContain('Выбрано: 📨 Отправить');

    // «➡️ Без вложений» goes once pressed.
    await person.press(await person.say('/appeal'), 'Качество и отключения');
    let again = await person.next();
    if (buttonTexts(again).some((text) => text.startsWith('№'))) {
      await person.press(again, /^№/);
      again = await person.next();
    }
    const none = await person.say('Свет снова мигает');
    await person.press(none, '➡️ Без вложений');
    expect((await person.next()).text).toContain('Вложений: 0');
    expect(buttonTexts(await now(person.id, none))).toEqual([]);
    await person.say('/cancel');
  });

  it('when «💰 Баланс» is pressed at the /pay screen, then its buttons go', async () => {
    const { person } = await residentWithMeter();
    const screen = await person.say('/pay');
    expect(buttonTexts(screen)).toContain('✖️ Отмена');
    await person.say('💰 Баланс');
    expect(buttonTexts(await now(person.id, screen))).toEqual([]);
  });

  it('when /cancel is typed at the /receipt account picker, then it is cancelled and loses its buttons', async () => {
    const { person, userId } = await residentWithMeter();
    const second = freshAccountNumber();
    await createAccountWithMeters(h.database.db, { number: second, meters: [] });
    await linkDirectly(h.database.db, userId, second);
    const picker = await person.say('/receipt');
    expect(buttonTexts(picker)).toContain('✖️ Отмена');
    expect((await person.say('/cancel')).text).toBe('Действие отменено. Вы в главном меню.');
    expect(buttonTexts(await now(person.id, picker))).toEqual([]);
  });

  it('when /cancel follows the «Исправление прошлого сообщения…» hint, then the hint loses its buttons too', async () => {
    const { person } = await residentWithMeter();
    await person.say('/reading');
    const t1 = await h.client.sendText(person.id, person.id, '10 150');
    const t2 = await person.next();
    await h.client.editText(person.id, person.id, t1.message_id, '10 160');
    const hint = await person.next();
    expect(hint.text).toContain('Исправление прошлого сообщения');
    expect(buttonTexts(hint)).toEqual(['✖️ Отмена']);
    expect(buttonTexts(await now(person.id, t2))).toEqual([]); // one open question at a time
    await person.say('/cancel');
    expect(buttonTexts(await now(person.id, hint))).toEqual([]);
  });

  it('when «✅ Отправить» is pressed 20 times at once and once more later, then one reading is taken and every other press is a quiet «Уже сделано»', async () => {
    const { person, serial } = await residentWithMeter();
    const summary = await summaryOf(person);
    const presses = await Promise.all(
      Array.from({ length: 20 }, () => person.press(summary, '✅ Отправить')),
    );
    const answers = await Promise.all(presses.map((id) => h.client.callbackAnswer(id)));
    const said = await messagesBefore(person, summary.message_id, '/help');
    expect(said.map((m) => m.text)).toEqual([
      expect.stringMatching(/^Показания приняты, № \d+\. Спасибо!$/),
    ]);
    const number = said[0]?.text?.match(/№ (\d+)/)?.[1];
    const quiet = answers.filter((a) => a.text?.startsWith('Уже сделано.'));
    expect(quiet).toHaveLength(19);
    for (const answer of quiet) {
      expect(answer.text).toContain(`№ ${number}`);
      expect(answer.show_alert).toBeFalsy();
    }
    const late = await h.client.callbackAnswer(await person.press(summary, '✅ Отправить'));
    expect(late.text).toContain(`Уже сделано. Показания приняты, № ${number}`);
    const rows = await h.database
      .db('meter_readings as r')
      .join('meters as m', 'm.id', 'r.meter_id')
      .where({ 'm.serial': serial, 'r.period': '2026-11' });
    expect(rows).toHaveLength(2); // two zones, once
  });

  it('when «✅ Согласен» is pressed 20 times at once, then the flow moves on once, every other press is a quiet «Уже выбрано», and a press after the flow is left does not mention /cancel', async () => {
    const person = await h.person();
    await person.say('/register');
    const ask = await person.next();
    expect(buttonTexts(ask)).toEqual(['✅ Согласен', '✖️ Отмена']);
    const presses = await Promise.all(
      Array.from({ length: 20 }, () => person.press(ask, '✅ Согласен')),
    );
    const answers = await Promise.all(presses.map((id) => h.client.callbackAnswer(id)));
    const said = await messagesBefore(person, ask.message_id, '/help');
    const texts = said.map((m) => m.text ?? '');
    expect(texts.filter((text) => text.includes('Введите адрес электронной почты'))).toHaveLength(
      1,
    );
    const quiet = answers.filter((a) => a.text === 'Уже выбрано.');
    expect(quiet).toHaveLength(19);
    expect(answers.some((a) => a.show_alert)).toBe(false);
    // The flow is over (/help left it): the press is out of date, and /cancel is not the way out.
    const late = await h.client.callbackAnswer(await person.press(ask, '✅ Согласен'));
    expect(late.text).toBeTruthy();
    expect(late.text).not.toContain('/cancel');
  });

  it('when «✅ Да, всё верно» is pressed 10 times at once, then the summary comes once and every other press is a quiet «Уже выбрано»', async () => {
    const { person } = await residentWithMeter();
    await person.say('/reading');
    await person.say('10 150');
    const sure = await person.say('25 000');
    expect(buttonTexts(sure)).toContain('✅ Да, всё верно');
    const presses = await Promise.all(
      Array.from({ length: 10 }, () => person.press(sure, '✅ Да, всё верно')),
    );
    const answers = await Promise.all(presses.map((id) => h.client.callbackAnswer(id)));
    const said = await messagesBefore(person, sure.message_id, '/help');
    // The summary (its buttons are gone now: /help left the flow) comes once.
    expect(said.filter((m) => m.text?.includes('проверит специалист'))).toHaveLength(1);
    expect(answers.filter((a) => a.text === 'Уже выбрано.')).toHaveLength(9);
    expect(answers.some((a) => a.show_alert)).toBe(false);
  });

  it('when «🗑 Да, удалить мои данные» is pressed 10 times at once, then consent is withdrawn once and the other presses are a quiet «Уже сделано»', async () => {
    const person = await h.person();
    await loggedInResident(h.database.db, person.id, {
      email: `exits.${process.pid}.${person.id}@example.org`,
    });
    const step1 = await person.say('/withdraw');
    await person.press(step1, /Продолжить/);
    const step2 = await person.next();
    const presses = await Promise.all(
      Array.from({ length: 10 }, () => person.press(step2, '🗑 Да, удалить мои данные')),
    );
    const answers = await Promise.all(presses.map((id) => h.client.callbackAnswer(id)));
    const said = await messagesBefore(person, step2.message_id, '/help');
    const texts = said.map((m) => m.text ?? '');
    expect(texts.filter((text) => text.includes('Согласие отозвано'))).toHaveLength(1);
    expect(texts.filter((text) => text.includes('устарело'))).toEqual([]);
    const quiet = answers.filter((a) => a.text?.startsWith('Уже сделано. Согласие отозвано'));
    expect(quiet).toHaveLength(9);
    expect(quiet.every((a) => !a.show_alert)).toBe(true);
  });

  it('when a reading comes with a zero-width space or a no-break space, then it is taken like the plain number', async () => {
    const { person } = await residentWithMeter();
    await person.say('/reading');
    await person.say('\u200b10\u00a0150');
    const summary = await person.say('5\u00a0080\u2060');
    expect(buttonTexts(summary)).toEqual(['✅ Отправить', '✏️ Исправить', '✖️ Отмена']);
    expect(summary.text).toMatch(/10\s150/);
    await person.say('/cancel');
  });

  it('when «English» is pressed 10 times at once in the profile, then the language is changed once and every other press is a quiet «Already done»', async () => {
    const { person, userId } = await residentWithMeter();
    await person.press(await person.say('/profile'), '🌐 Язык');
    const picker = await person.next();
    const presses = await Promise.all(
      Array.from({ length: 10 }, () => person.press(picker, /English/)),
    );
    const answers = await Promise.all(presses.map((id) => h.client.callbackAnswer(id)));
    const said = await messagesBefore(person, picker.message_id, '/help');
    expect(said.filter((m) => m.text === 'Language changed.')).toHaveLength(1);
    expect(answers.filter((a) => a.text === 'Already done. Language changed.')).toHaveLength(9);
    expect(answers.some((a) => a.show_alert)).toBe(false);
    expect(buttonTexts(await now(person.id, picker))).toEqual([]);
    const audit = await h.database.db('audit_log').where({ user_id: userId });
    expect(audit.filter((row) => row.action === 'profile.language')).toHaveLength(1);
  });

  it('when the language is changed from the profile, then the main menu comes in the new language, and the old menu’s buttons still work', async () => {
    const { person } = await residentWithMeter();
    await person.press(await person.say('/profile'), '🌐 Язык');
    await person.press(await person.next(), /English/);
    const saved = await person.next();
    expect(saved.text).toBe('Language changed.');
    expect(replyButtonTexts(saved)).toContain('💰 Balance');
    await person.next(); // the profile card
    // A Russian keyboard can still be on screen (another device, an old chat): it still works.
    expect((await person.say('💰 Баланс')).text).toContain('💰 Balance on');
    await person.press(await person.say('/language'), /Русский/);
    expect(replyButtonTexts(await person.next())).toContain('💰 Баланс');
    expect((await person.say('💰 Balance')).text).toContain('💰 Баланс на');
  });

  it('when Anna (Russian) logs out everywhere, then the English Telegram user in her cabinet is told in English', async () => {
    const anna = await h.person({ first_name: 'Анна' });
    const { userId } = await loginResident(h.database.db, anna.id);
    const john = await h.person({ first_name: 'John', language_code: 'en' });
    await loggedInResident(h.database.db, john.id, { userId });
    expect((await john.say('/help')).text).toContain('What this bot can do');
    const list = await anna.say('/security');
    await anna.press(list, '🚪 Выйти на всех устройствах');
    await anna.press(await anna.next(), '✅ Да, выйти везде');
    expect((await anna.next()).text).toContain('Готово: выход выполнен');
    const told = await h.client.waitForTranscript(john.id, (all) =>
      all.some((e) => e.direction === 'out' && e.text?.includes('logged out on all devices')),
    );
    expect(told.filter((e) => e.direction === 'out' && /выход|Вход/.test(e.text ?? ''))).toEqual(
      [],
    );
  });
});
