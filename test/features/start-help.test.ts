import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLists } from '../../src/core/commands';
import { CONSENT_VERSION } from '../../src/features/privacy/consent';
import {
  buttonTexts,
  type Harness,
  MAIN_MENU_RU,
  replyButtonTexts,
  startHarness,
} from '../support/harness';
import { loggedInResident } from '../support/logged-in';

describe('/start and /help', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('when a Russian-speaking guest sends /start, explains the bot and offers to log in or register', async () => {
    const anna = await h.person({ language_code: 'ru' });
    const reply = await anna.say('/start');
    expect(reply.text).toContain('Здравствуйте!');
    expect(reply.text).toContain(h.config.operator.name);
    expect(reply.text).toContain('передавать показания счётчиков');
    expect(buttonTexts(reply)).toEqual(['🔑 Войти', '📝 Зарегистрироваться', '❓ Помощь']);
  });

  it('when an English-speaking guest sends /start, answers in English', async () => {
    const john = await h.person({ first_name: 'John', language_code: 'en' });
    const reply = await john.say('/start');
    expect(reply.text).toContain('Hello! This is the customer cabinet');
    expect(buttonTexts(reply)).toEqual(['🔑 Log in', '📝 Register', '❓ Help']);
  });

  it('when /help is sent, lists the commands and the operator phone, in the person’s language', async () => {
    const ru = await h.person({ language_code: 'ru' });
    const ruHelp = await ru.say('/help');
    expect(ruHelp.text).toContain('/language — язык');
    expect(ruHelp.text).toContain('/cancel — отменить текущее действие');
    expect(ruHelp.text).toContain(h.config.operator.phone);
    const en = await h.person({ language_code: 'en' });
    expect((await en.say('/help')).text).toContain('/cancel — cancel the current action');
  });

  it('when the Help button under /start is pressed, the press is answered and help follows', async () => {
    const anna = await h.person();
    const start = await anna.say('/start');
    const callback = await anna.press(start, '❓ Помощь');
    const help = await anna.next();
    expect(help.text).toContain('Что умеет бот');
    expect((await h.client.callbackAnswer(callback)).answered).toBe(true);
  });

  it('when a logged-in resident with a three-part ФИО sends /start, greets them by name and patronymic (no surname) instead of offering to log in', async () => {
    const anna = await h.person();
    const now = new Date().toISOString();
    const [row] = await h.database
      .db('users')
      .insert({
        email: `anna-${anna.id}@example.org`,
        full_name: 'Иванова Анна Петровна',
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    await h.database.db('telegram_identities').insert({
      telegram_user_id: anna.id,
      user_id: typeof row === 'object' ? row.id : row,
      logged_in_at: now,
      last_seen_at: now,
    });
    await h.database.db('consents').insert({
      user_id: typeof row === 'object' ? row.id : row,
      version: CONSENT_VERSION,
      text_sha256: '0'.repeat(64),
      locale: 'ru',
      accepted_at: now,
    });
    const reply = await anna.say('/start');
    expect(reply.text).toBe('Здравствуйте, Анна Петровна! Выберите, что нужно сделать.');
    expect(buttonTexts(reply)).toEqual([]);
    expect(replyButtonTexts(reply)).toEqual(MAIN_MENU_RU);
  });

  it('when a logged-in resident has no ФИО, then /start greets them by their Telegram first name, not the e-mail', async () => {
    const galina = await h.person({ first_name: 'Галина' });
    await loggedInResident(h.database.db, galina.id, {
      email: `galina-${galina.id}@example.org`,
      fullName: null,
    });
    const reply = await galina.say('/start');
    expect(reply.text).toBe('Здравствуйте, Галина! Выберите, что нужно сделать.');
    expect(reply.text).not.toContain('@');
  });

  it('when the bot starts, it publishes command menus for private chats in both languages', async () => {
    const api = h.bot().api;
    const ru = await api.getMyCommands({
      scope: { type: 'all_private_chats' },
      language_code: 'ru',
    });
    const en = await api.getMyCommands({
      scope: { type: 'all_private_chats' },
      language_code: 'en',
    });
    const fallback = await api.getMyCommands({ scope: { type: 'all_private_chats' } });
    // The menu's content is specified in test/core/i18n.test.ts; here: it is what gets published.
    const [ruLists, enLists] = commandLists(h.config);
    expect(ru).toEqual(ruLists?.private);
    expect(en).toEqual(enLists?.private);
    expect(ru.find((c) => c.command === 'cancel')?.description).toBe('Отменить текущее действие');
    expect(en.find((c) => c.command === 'cancel')?.description).toBe('Cancel the current action');
    expect(fallback).toEqual(ru);
  });
});
