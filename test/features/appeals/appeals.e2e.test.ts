import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/app';
import { AuditLog } from '../../../src/core/audit';
import { systemClock } from '../../../src/core/clock';
import { StaffService } from '../../../src/features/staff/service';
import type { TranscriptEntry } from '../../../src/sandbox/client';
import { buttonTexts, type Harness, type Person, startHarness } from '../../support/harness';
import { createAccountWithMeters, freshAccountNumber } from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';
import { servicesOf } from '../../support/services';

/** A 1×1 PNG, as a resident's photo of the meter. */
const PHOTO = {
  filename: 'meter.png',
  mimeType: 'image/png',
  data: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
};

/**
 * The whole appeal loop through the emulator: a resident, two operators and a stranger in the
 * admin group: filed through /appeal with a photo, then buttons and Telegram replies in the two
 * chats.
 */
describe('appeals between a resident and the staff chat', () => {
  let h: Harness;
  let services: Services;
  let adminChatId: number;
  let anna: Person;
  let boris: Person;
  let annaUserId: number;
  let accountNumber: string;
  let olga: number;
  let pavel: number;
  let stranger: number;

  beforeAll(async () => {
    h = await startHarness();
    const { client } = h;
    olga = (
      await client.createUser({ first_name: 'Ольга', last_name: 'Петрова', language_code: 'ru' })
    ).id;
    pavel = (await client.createUser({ first_name: 'Павел', language_code: 'ru' })).id;
    stranger = (await client.createUser({ first_name: 'Гость', language_code: 'ru' })).id;
    adminChatId = (await client.createGroup('Абонент — сотрудники', [olga, pavel, stranger])).id;
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

    anna = await h.person({ first_name: 'Анна' });
    boris = await h.person({ first_name: 'Борис' });
    annaUserId = (await loginResident(h.database.db, anna.id)).userId;
    await loginResident(h.database.db, boris.id);
    accountNumber = freshAccountNumber();
    await createAccountWithMeters(h.database.db, { number: accountNumber, meters: [] });
    await linkDirectly(h.database.db, annaUserId, accountNumber);

    services = servicesOf(h);
  });
  afterAll(() => h.stop());

  const adminNext = () => h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
  const cardOf = async (chatId: number, messageId: number): Promise<TranscriptEntry> => {
    const found = (await h.client.transcript(chatId)).find((e) => e.message_id === messageId);
    if (!found) throw new Error('message gone');
    return found;
  };
  const cardNow = async (messageId: number): Promise<TranscriptEntry> => {
    const entries = await h.client.transcript(adminChatId);
    const card = entries.find((e) => e.message_id === messageId);
    if (!card) throw new Error('card gone');
    return card;
  };

  it('when an appeal with a photo goes through take, answer, answer back and close, then both sides see every step', async () => {
    // Filed through /appeal: topic, account, text, a photo, confirm.
    const topics = await anna.say('/appeal');
    expect(topics.text).toBe('О чём ваше обращение? Выберите тему:');
    await anna.press(topics, 'Качество и отключения');
    const accounts = await anna.next();
    await anna.press(accounts, `№ ${accountNumber}`);
    expect((await anna.next()).text).toBe('Опишите, пожалуйста, вопрос одним сообщением.');
    expect((await anna.say('Свет мигает каждый вечер')).text).toContain('до 5 фото');
    await h.client.sendPhoto(anna.id, anna.id, PHOTO);
    const added = await anna.next();
    expect(added.text).toContain('Вложение 1 из 5 добавлено');
    await anna.press(added, '✅ Готово');
    const confirm = await anna.next();
    expect(confirm.text).toContain('Тема: Качество и отключения');
    expect(confirm.text).toContain('Вложений: 1');
    expect(await h.database.db('appeals').where({ user_id: annaUserId })).toHaveLength(0);
    await anna.press(confirm, '📨 Отправить');
    const accepted = await anna.next();
    const number = accepted.text?.match(/А-\d{4}-\d{6}/)?.[0] ?? '';
    expect(accepted.text).toContain(`Обращение принято, номер ${number}.`);
    expect(accepted.text).toContain('Статус: «новое»');
    expect(accepted.text).toMatch(/Ответим до \d{1,2} [а-я]+ \d{4} г?\.? ?включительно/);
    const id = Number((await h.database.db('appeals').where({ number }).first('id')).id);

    const card = await adminNext();
    expect(card.text).toContain(number);
    expect(card.text).toContain('Свет мигает каждый вечер');
    expect(card.text).toContain('Вложений: 1\n1. 🖼 фото');
    expect(buttonTexts(card)).toEqual([
      '🛠 Взять в работу',
      '✍️ Ответить',
      '✅ Закрыть',
      '📎 Вложения (1)',
    ]);

    // A member of the chat who is not staff: ignored, audited, the card unchanged.
    await h.client.pressButton(adminChatId, stranger, card, '🛠 Взять в работу');
    await h.client.sendText(adminChatId, stranger, '/help');
    await h.client.waitForTranscript(adminChatId, () => true);
    await expect
      .poll(
        async () =>
          (
            await h.database
              .db('audit_log')
              .where({ action: 'staff.denied', telegram_user_id: stranger })
          ).length,
      )
      .toBe(2);
    expect((await cardNow(card.message_id)).text).toContain('Статус: новое');

    await h.client.pressButton(adminChatId, olga, card, '🛠 Взять в работу');
    await h.client.waitForTranscript(adminChatId, (e) =>
      Boolean(e.find((m) => m.message_id === card.message_id)?.text?.includes('в работе')),
    );
    // The card names who took it (the name they go by in Telegram), not a Telegram id.
    expect((await cardNow(card.message_id)).text).toContain('В работе у: Ольга Петрова');
    expect((await cardNow(card.message_id)).text).not.toContain(String(olga));
    expect((await anna.next()).text).toBe(`Обращение ${number}: статус «в работе».`);

    // Pavel answers with a Telegram reply to the card.
    await h.client.reply(adminChatId, pavel, card.message_id, 'Заменим ввод до пятницы.');
    expect((await adminNext()).text).toBe(`Ответ по обращению ${number} отправлен жителю.`);
    const answer = await anna.next();
    expect(answer.text).toContain('Заменим ввод до пятницы.');
    expect(buttonTexts(answer)).toEqual(['✍️ Ответить', '✅ Закрыть обращение']);
    await h.client.waitForTranscript(adminChatId, (e) =>
      Boolean(e.find((m) => m.message_id === card.message_id)?.text?.includes('есть ответ')),
    );

    // Anna answers back through the prompt, then closes.
    await anna.press(answer, '✍️ Ответить');
    const prompt = await anna.next();
    expect(prompt.text).toContain(number);
    await h.client.reply(anna.id, anna.id, prompt.message_id, 'А до пятницы свет будет?');
    expect((await anna.next()).text).toContain('передан специалисту');
    const copy = await adminNext();
    expect(copy.text).toContain('А до пятницы свет будет?');
    expect(copy.reply_to_message_id).toBe(card.message_id);
    const thread = await services.appeals.threadOwn(annaUserId, id, anna.id);
    expect(thread?.status).toBe('in_progress');
    // The staff's card follows the resident's move.
    await h.client.waitForTranscript(adminChatId, (e) =>
      Boolean(e.find((m) => m.message_id === card.message_id)?.text?.includes('Статус: в работе')),
    );

    await anna.press(answer, '✅ Закрыть обращение');
    expect((await anna.next()).text).toBe(`Обращение ${number} закрыто. Спасибо!`);
    expect((await adminNext()).text).toBe(`Житель закрыл обращение ${number}.`);
    await h.client.waitForTranscript(adminChatId, (e) =>
      Boolean(e.find((m) => m.message_id === card.message_id)?.text?.includes('Статус: закрыто')),
    );
    expect(buttonTexts(await cardNow(card.message_id))).not.toContain('🛠 Взять в работу');
    // The closed card names who handled it and no longer shows a deadline.
    const closedCard = (await cardNow(card.message_id)).text ?? '';
    expect(closedCard).toContain('В работе у: Ольга Петрова');
    expect(closedCard).toContain('Автор ответа: Павел');
    expect(closedCard).toContain('Закрыл житель');
    expect(closedCard).not.toContain('Ответить до');
    const closed = await services.appeals.threadOwn(annaUserId, id, anna.id);
    expect(closed?.status).toBe('closed');
    expect(closed?.messages.map((m) => m.author)).toEqual(['resident', 'staff', 'resident']);

    // /appeals lists it; the thread opens on tap.
    const list = await anna.say('/appeals');
    expect(list.text).toContain(`${number} — Качество и отключения, закрыто`);
    await anna.press(list, number);
    const shown = await anna.next();
    expect(shown.text).toContain('Заменим ввод до пятницы.');
    expect(shown.text).toContain('Статус: закрыто.');
    expect(shown.text).not.toContain('Ответим до');
    expect(shown.text).toContain('А до пятницы свет будет?');
  });

  it('when staff answer with a photo and the resident answers back with a document, then each side gets the files; other kinds are politely refused', async () => {
    const created = await services.appeals.create({
      userId: annaUserId,
      telegramUserId: anna.id,
      topic: 'quality',
      accountId: null,
      text: 'Провод висит низко',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const number = created.appeal.number;
    const card = await adminNext();
    expect(card.text).toContain(number);

    // A staff member's photo sent as a Telegram reply to the card: the answer, photo and all.
    await h.client.sendPhoto(adminChatId, pavel, PHOTO, 'Вот так провод подняли.', {
      replyTo: card.message_id,
    });
    expect((await adminNext()).text).toBe(`Ответ по обращению ${number} отправлен жителю.`);
    const answer = await anna.next();
    expect(answer.text).toContain('Вот так провод подняли.');
    const photo = await anna.next();
    expect(photo.photo?.length).toBeGreaterThan(0);
    expect(photo.caption).toBe(`${number} · 1/1\n🖼 фото`);

    // «Ответить», then something that is not text or a file: told what is accepted, still asked.
    await anna.press(answer, '✍️ Ответить');
    await anna.next();
    await h.client.shareContact(anna.id, anna.id, {
      phone_number: '+79140000000',
      first_name: 'Анна',
    });
    expect((await anna.next()).text).toContain('текстом, фото или документом');
    await h.client.sendDocument(
      anna.id,
      anna.id,
      { filename: 'act.pdf', mimeType: 'application/pdf', data: Buffer.from('%PDF-1.4 act') },
      'Акт прилагаю',
    );
    expect((await anna.next()).text).toContain('передан специалисту');
    const copy = await adminNext();
    expect(copy.text).toContain('Акт прилагаю');
    expect(copy.reply_to_message_id).toBe(card.message_id);
    const file = await adminNext();
    expect(file.document?.file_name).toBe('act.pdf');
    expect(file.caption).toBe(`${number} · 1/1\n📄 act.pdf (тип: application/pdf)`);
    expect(file.reply_to_message_id).toBe(card.message_id);
    const thread = await services.appeals.threadOwn(annaUserId, created.appeal.id, anna.id);
    expect(thread?.messages.map((m) => [m.author, m.attachments.map((a) => a.kind)])).toEqual([
      ['resident', []],
      ['staff', ['photo']],
      ['resident', ['document']],
    ]);

    // A staff reply to the card of a kind that is not accepted (here a contact, like a voice
    // message): a polite word about what is, and nothing reaches the resident.
    await h.client.shareContact(adminChatId, olga, {
      phone_number: '+79140000001',
      first_name: 'Ольга',
      reply_to_message_id: card.message_id,
    });
    expect((await adminNext()).text).toContain('Принимаются текст, фото и документы');

    // «Ответить» and then Cancel: nothing is sent, the menu is back.
    await anna.press(answer, '✍️ Ответить');
    await anna.press(await anna.next(), '✖️ Отмена');
    expect((await anna.next()).text).toBe('Действие отменено. Вы в главном меню.');
    expect(
      (await services.appeals.threadOwn(annaUserId, created.appeal.id, anna.id))?.messages,
    ).toHaveLength(3);
  });

  it("when a resident crafts a callback for someone else's appeal, then it is refused and nothing is shown", async () => {
    const created = await services.appeals.create({
      userId: annaUserId,
      telegramUserId: anna.id,
      topic: 'other',
      accountId: null,
      text: 'Личный вопрос Анны',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    await adminNext();
    const menu = await boris.say('/appeals');
    const callbackId = await h.client.sendCallback(
      boris.id,
      boris.id,
      menu.message_id,
      `v1|appeal|open|${created.appeal.id}`,
    );
    const answered = await h.client.callbackAnswer(callbackId);
    expect(answered.text).toBe('Такого обращения нет в вашем кабинете.');
    const after = await h.client.botMessagesAfter(boris.id, menu.message_id);
    expect(after.map((m) => m.text).join('\n')).not.toContain('Личный вопрос Анны');
    const close = await h.client.sendCallback(
      boris.id,
      boris.id,
      menu.message_id,
      `v1|appeal|close|${created.appeal.id}`,
    );
    await h.client.callbackAnswer(close);
    expect((await services.appeals.threadOwn(annaUserId, created.appeal.id, anna.id))?.status).toBe(
      'new',
    );
  });

  it('when staff tap «Взять в работу» or «Закрыть» twice, then the repeat is a quiet «Уже сделано»; another member still hears why not', async () => {
    const created = await services.appeals.create({
      userId: annaUserId,
      telegramUserId: anna.id,
      topic: 'other',
      accountId: null,
      text: 'Двойное нажатие',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const number = created.appeal.number;
    const card = await adminNext();
    expect(card.text).toContain(number);
    const tap = async (who: number, button: string) =>
      (await h.client.callbackAnswer(await h.client.pressButton(adminChatId, who, card, button)))
        .text;
    expect(await tap(olga, '🛠 Взять в работу')).toBe(`Обращение ${number} взято в работу.`);
    expect(await tap(olga, '🛠 Взять в работу')).toBe(
      `Уже сделано. Обращение ${number} взято в работу.`,
    );
    expect(await tap(pavel, '🛠 Взять в работу')).toBe(
      `С обращением ${number} так нельзя: сейчас оно «в работе».`,
    );
    expect(await tap(olga, '✅ Закрыть')).toBe(`Обращение ${number} закрыто.`);
    expect(await tap(olga, '✅ Закрыть')).toBe(`Уже сделано. Обращение ${number} закрыто.`);
    expect(await tap(pavel, '✅ Закрыть')).toBe(
      `С обращением ${number} так нельзя: сейчас оно «закрыто».`,
    );
    // The resident heard each change once.
    expect((await anna.next()).text).toBe(`Обращение ${number}: статус «в работе».`);
    expect((await anna.next()).text).toContain(number);
  });

  it('when a logged-in resident writes something the bot does not understand, then it offers to send it as an appeal, and does', async () => {
    const hint = await boris.say('В подъезде искрит щиток');
    expect(hint.text).toContain('можно отправить как обращение');
    await boris.press(hint, '✉️ Отправить это как обращение');
    const topics = await boris.next();
    await boris.press(topics, 'Качество и отключения');
    const files = await boris.next();
    expect(files.text).toContain('до 5 фото');
    await boris.press(files, '➡️ Без вложений');
    const confirm = await boris.next();
    expect(confirm.text).toContain('В подъезде искрит щиток');
    await boris.press(confirm, '📨 Отправить');
    expect((await boris.next()).text).toMatch(/^Обращение принято, номер А-\d{4}-\d{6}\./);
    const card = await adminNext();
    expect(card.text).toContain('В подъезде искрит щиток');
  });

  it('when a resident hides bidi overrides and controls in the text and the name, then the staff card and /find show them stripped', async () => {
    const carol = await h.person({ first_name: 'Карина' });
    const { userId } = await loginResident(h.database.db, carol.id);
    const number = freshAccountNumber();
    await createAccountWithMeters(h.database.db, { number, meters: [] });
    await linkDirectly(h.database.db, userId, number);
    await h.database
      .db('users')
      .where({ id: userId })
      .update({ full_name: 'Карина \u202Eавонави\u202C Иванова' });
    const hint = await carol.say('Верните \u202E00001\u202C рублей\u2066 на счёт\u0007');
    await carol.press(hint, '✉️ Отправить это как обращение');
    await carol.press(await carol.next(), 'Начисления');
    await carol.press(await carol.next(), `№ ${number}`);
    await carol.press(await carol.next(), '➡️ Без вложений');
    await carol.press(await carol.next(), '📨 Отправить');
    await carol.next();
    const card = await adminNext();
    expect(card.text).toContain('Верните 00001 рублей на счёт');
    expect(card.text).toContain('Житель: Карина авонави Иванова');
    expect(card.text?.replaceAll('\n', '')).not.toMatch(/[\u202A-\u202E\u2066-\u2069\p{Cc}]/u);

    await h.client.sendText(adminChatId, olga, `/find ${number}`);
    const found = await adminNext();
    expect(found.text).toContain('👤 Карина авонави Иванова');
    expect(found.text).not.toMatch(/[\u202A-\u202E]/);
  });

  it('when a thread is longer than one message, then /appeals shows it in pages with nothing cut', async () => {
    const long = (mark: string) =>
      `${mark} ${Array.from({ length: 400 }, (_, i) => `${mark}${i}`).join(' ')}`.slice(0, 3000);
    const created = await services.appeals.create({
      userId: annaUserId,
      telegramUserId: anna.id,
      topic: 'billing',
      accountId: null,
      text: long('жалоба'),
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    await adminNext();
    for (const mark of ['ответА', 'ответБ']) {
      expect((await services.appeals.answer(olga, created.appeal.id, long(mark))).kind).toBe(
        'done',
      );
      await anna.next();
    }
    const list = await anna.say('/appeals');
    await anna.press(list, created.appeal.number);
    const newest = await anna.next();
    expect(newest.text?.length).toBeLessThanOrEqual(4096);
    expect(newest.text).toMatch(/Страница (\d) из \1/);
    expect(newest.text).toContain(long('ответБ'));
    expect(buttonTexts(newest)).toEqual(['◀ Раньше', '✍️ Ответить', '✅ Закрыть обращение']);

    // Older pages in place, back to the first: every turn in full, each page one message.
    const seen = [newest.text ?? ''];
    for (
      let page = 0;
      page < 3 && buttonTexts(await cardOf(anna.id, newest.message_id)).includes('◀ Раньше');
      page++
    ) {
      const before = (await cardOf(anna.id, newest.message_id)).text;
      await h.client.pressButton(
        anna.id,
        anna.id,
        await cardOf(anna.id, newest.message_id),
        '◀ Раньше',
      );
      await h.client.waitForTranscript(anna.id, (e) =>
        e.some((m) => m.message_id === newest.message_id && m.text !== before),
      );
      const shown = await cardOf(anna.id, newest.message_id);
      expect(shown.text?.length).toBeLessThanOrEqual(4096);
      seen.push(shown.text ?? '');
    }
    const all = seen.join('\n');
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toMatch(/Страница 1 из \d/);
    for (const mark of ['жалоба', 'ответА', 'ответБ']) expect(all).toContain(long(mark));
  });

  it('when staff press «Вложения» on a card, then the photos are sent under it', async () => {
    const transcript = await h.client.transcript(adminChatId);
    const card = transcript.find((e) => e.text?.includes('Свет мигает каждый вечер'));
    if (!card) throw new Error('no card');
    await h.client.pressButton(adminChatId, olga, card, /Вложения/);
    const photo = await adminNext();
    expect(photo.photo?.length).toBeGreaterThan(0);
    expect(photo.reply_to_message_id).toBe(card.message_id);
  });

  it('when staff send /find and /stats in the admin chat, then they get the account with its residents and the figures; in a private chat the commands do not exist', async () => {
    await h.client.sendText(adminChatId, olga, `/find ${accountNumber}`);
    const found = await adminNext();
    expect(found.text).toContain(`🏠 Счёт ${accountNumber} (действует):`);
    expect(found.text).not.toContain('active');
    expect(found.text).toContain('resident-');
    await h.client.sendText(adminChatId, pavel, '/stats');
    const stats = await adminNext();
    expect(stats.text).toMatch(/📊 Сводка за [а-я]+ \d{4}\n/);
    expect(stats.text).toMatch(/Открытых обращений: \d+, просрочено: \d+/);
    expect(stats.text).toMatch(/Медиана до первого ответа: \d+ мин/);

    const before = (await h.client.transcript(adminChatId)).length;
    await h.client.sendText(adminChatId, stranger, `/find ${accountNumber}`);
    await expect
      .poll(
        async () =>
          (
            await h.database
              .db('audit_log')
              .where({ action: 'staff.denied', telegram_user_id: stranger })
          ).length,
      )
      .toBe(3);
    const after = await h.client.transcript(adminChatId);
    expect(after.slice(before).filter((e) => e.direction === 'out')).toEqual([]);

    expect((await anna.say(`/find ${accountNumber}`)).text).toBe(
      'Такой команды нет. Список команд — /help.',
    );
  });
});
