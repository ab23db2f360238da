import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonTexts, type Harness, startHarness } from '../support/harness';

describe('messages the bot does not understand', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('when a guest writes free text, gets a short hint and the menu, never silence', async () => {
    const anna = await h.person();
    const reply = await anna.say('здравствуйте, у меня свет погас');
    expect(reply.text).toBe(
      'Я не понял сообщение. Выберите действие кнопкой ниже или нажмите /help.',
    );
    expect(buttonTexts(reply)).toEqual(['🔑 Войти', '📝 Зарегистрироваться', '❓ Помощь']);
  });

  it.each([
    ['a 4096-character message', 'Я'.repeat(4096)],
    ['emoji', '👍🏻⚡️🔌 💡'],
    ['right-to-left text', 'مرحبا بالعالم שלום'],
    ['an SQL fragment', "'); DROP TABLE users; --"],
    ['markup characters', '<b>*_[x](y)`~|\\'],
  ])('when the text is %s, answers politely and keeps working', async (_name, text) => {
    const anna = await h.person();
    expect((await anna.say(text)).text).toContain('Я не понял сообщение');
    // Nothing was executed or broken: the tables are there and the bot answers the next message.
    expect(await h.database.db.schema.hasTable('users')).toBe(true);
    expect((await anna.say('/start')).text).toContain('Здравствуйте!');
  });

  it('when an unknown command is sent, points to /help', async () => {
    const anna = await h.person();
    expect((await anna.say('/frobnicate')).text).toBe('Такой команды нет. Список команд — /help.');
  });

  it('when a photo without a caption arrives, answers politely', async () => {
    const anna = await h.person();
    await h.client.sendPhoto(anna.id, anna.id, {
      filename: 'meter.png',
      mimeType: 'image/png',
      data: Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      ),
    });
    expect((await anna.next()).text).toBe(
      'Я пока не умею работать с таким сообщением. Выберите действие кнопкой ниже или нажмите /help.',
    );
  });

  it('when an old button from a previous release is pressed, says it is out of date', async () => {
    const anna = await h.person();
    const start = await anna.say('/start');
    const id = await h.client.sendCallback(anna.id, anna.id, start.message_id, 'v0|legacy|thing');
    const answer = await h.client.callbackAnswer(id);
    expect(answer).toMatchObject({ answered: true, show_alert: true });
    expect(answer.text).toContain('кнопка устарела');
  });
});

describe('the error boundary', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('when a handler fails, the person gets a humane apology without internals, the log gets the update, and the bot lives on', async () => {
    const anna = await h.person();
    const db = h.database.db;
    // A real failure inside a handler: the table /start reads is briefly gone.
    await db.schema.renameTable('telegram_identities', 'telegram_identities_away');
    const apology = await anna.say('/start');
    await db.schema.renameTable('telegram_identities_away', 'telegram_identities');

    expect(apology.text).toBe(
      'Извините, что-то пошло не так. Мы уже разбираемся. Попробуйте ещё раз чуть позже или нажмите /start.',
    );
    const transcript = (await h.client.transcript(anna.id)).map((e) => e.text ?? '').join('\n');
    expect(transcript).not.toMatch(/telegram_identities|select|SQLITE|relation|at .*\.ts/i);
    const errorLine = h.logs.find((line) => line.includes('update handling failed'));
    expect(errorLine).toBeDefined();
    expect(JSON.parse(errorLine!)).toMatchObject({ level: 50, update_id: expect.any(Number) });

    expect((await anna.say('/help')).text).toContain('Что умеет бот');
  });
});
