import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonTexts, type Harness, startHarness } from '../support/harness';

describe('/language', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('when English is chosen, the bot speaks English from then on, though Telegram says Russian', async () => {
    const anna = await h.person({ language_code: 'ru' });
    const prompt = await anna.say('/language');
    expect(prompt.text).toBe('Выберите язык:');
    expect(buttonTexts(prompt)).toEqual(['🇷🇺 Русский', '🇬🇧 English', '✖️ Отмена']);
    await anna.press(prompt, '🇬🇧 English');
    expect((await anna.next()).text).toBe('Done: I now speak English.');
    expect((await anna.say('/help')).text).toContain('What this bot can do');
  });

  it('when text is typed instead of a tap, reminds to choose with the buttons', async () => {
    const anna = await h.person();
    await anna.say('/language');
    const reminder = await anna.say('английский пожалуйста');
    expect(reminder.text).toContain('Выберите язык:');
    await anna.press(reminder, '🇷🇺 Русский');
    expect((await anna.next()).text).toBe('Готово: теперь я говорю по-русски.');
  });

  it('when /cancel is sent in the middle, the conversation ends and its old button no longer works', async () => {
    const anna = await h.person();
    const prompt = await anna.say('/language');
    const cancelled = await anna.say('/cancel');
    expect(cancelled.text).toBe('Действие отменено. Вы в главном меню.');
    const callback = await anna.press(prompt, '🇬🇧 English');
    const answer = await h.client.callbackAnswer(callback);
    expect(answer.text).toBe('Эта кнопка устарела. Откройте меню заново: /start');
    expect((await anna.say('/help')).text).toContain('Что умеет бот');
  });

  it('when the Cancel button is pressed, the conversation ends politely', async () => {
    const anna = await h.person();
    const prompt = await anna.say('/language');
    await anna.press(prompt, '✖️ Отмена');
    expect((await anna.next()).text).toBe('Действие отменено. Вы в главном меню.');
  });

  it('when /cancel is sent with nothing in progress, says there is nothing to cancel', async () => {
    const anna = await h.person();
    expect((await anna.say('/cancel')).text).toBe('Отменять нечего. Вы в главном меню.');
  });
});

describe('a conversation across a restart', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('when the bot stops mid-conversation and a new one starts on the same database, the conversation finishes', async () => {
    const anna = await h.person({ language_code: 'ru' });
    const prompt = await anna.say('/language');
    await h.stopBot();
    await h.startBot(); // a brand-new Bot, runner and middleware stack; only the database is shared
    await anna.press(prompt, '🇬🇧 English');
    expect((await anna.next()).text).toBe('Done: I now speak English.');
    await h.stopBot();
    await h.startBot();
    expect((await anna.say('/help')).text).toContain('What this bot can do');
  });
});
