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

/**
 * What a fresh tester found in appeals and the staff chat (issue 11, second pass), each as the
 * tester did it, through the emulator: a resident, two operators, the admin group.
 */
describe('appeals and the staff chat, as a tester tried them', () => {
  let h: Harness;
  let services: Services;
  let adminChatId: number;
  let anna: Person;
  let annaUserId: number;
  let accountNumber: string;
  let olga: number;
  let pavel: number;

  beforeAll(async () => {
    h = await startHarness();
    const { client } = h;
    olga = (
      await client.createUser({ first_name: 'Ольга', last_name: 'Петрова', language_code: 'ru' })
    ).id;
    pavel = (await client.createUser({ first_name: 'Павел', language_code: 'ru' })).id;
    adminChatId = (await client.createGroup('Абонент — сотрудники', [olga, pavel])).id;
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
    annaUserId = (await loginResident(h.database.db, anna.id)).userId;
    accountNumber = freshAccountNumber();
    await createAccountWithMeters(h.database.db, { number: accountNumber, meters: [] });
    await linkDirectly(h.database.db, annaUserId, accountNumber);

    services = servicesOf(h);
  });
  afterAll(() => h.stop());

  const adminNext = () => h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
  const cardNow = async (messageId: number): Promise<TranscriptEntry> => {
    const card = (await h.client.transcript(adminChatId)).find((e) => e.message_id === messageId);
    if (!card) throw new Error('card gone');
    return card;
  };

  it('when a resident attaches a document with a right-to-left override in its name and a caption, then staff read the real name, its type and the caption on the card and under «Вложения»', async () => {
    const topics = await anna.say('/appeal');
    await anna.press(topics, 'Другое');
    await anna.press(await anna.next(), `№ ${accountNumber}`);
    await anna.next();
    await anna.say('Прилагаю акт');
    await h.client.sendDocument(
      anna.id,
      anna.id,
      {
        filename: 'akt\u202Efdp.exe',
        mimeType: 'application/x-msdownload',
        data: Buffer.from('MZ not a pdf'),
      },
      'Акт о замене счётчика',
    );
    const added = await anna.next();
    await anna.press(added, '✅ Готово');
    await anna.press(await anna.next(), '📨 Отправить');
    const number = (await anna.next()).text?.match(/А-\d{4}-\d{6}/)?.[0] ?? '';

    const card = await adminNext();
    expect(card.text).toContain(
      '1. 📄 aktfdp.exe (тип: application/x-msdownload): «Акт о замене счётчика»',
    );
    expect(card.text).not.toMatch(/[\u202A-\u202E]/);

    await h.client.pressButton(adminChatId, olga, card, /Вложения/);
    const file = await adminNext();
    expect(file.caption).toBe(
      `${number} · 1/1\n📄 aktfdp.exe (тип: application/x-msdownload): «Акт о замене счётчика»`,
    );
    expect(file.reply_to_message_id).toBe(card.message_id);

    // The resident's own thread keeps the caption too.
    const id = Number((await h.database.db('appeals').where({ number }).first('id')).id);
    const thread = await services.appeals.threadOwn(annaUserId, id, anna.id);
    expect(thread?.messages[0]?.attachments[0]?.caption).toBe('Акт о замене счётчика');
    expect((await cardNow(card.message_id)).text).toContain('Прилагаю акт');
  });

  it('when a resident sends a 4 096-character text as an appeal through the offer, then it is refused with the limit and nothing is saved cut', async () => {
    const long = `Жалоба ${'о'.repeat(4096)}`.slice(0, 4096);
    const before = await h.database.db('appeals').where({ user_id: annaUserId }).count({ n: '*' });
    const hint = await anna.say(long);
    await anna.press(hint, '✉️ Отправить это как обращение');
    expect((await anna.next()).text).toMatch(
      /^Это сообщение длиннее 3\s000 знаков — такое обращение не отправить\. Сократите его/,
    );
    const after = await h.database.db('appeals').where({ user_id: annaUserId }).count({ n: '*' });
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
  });

  it('when a staff member edits the reply that answered a card, then the resident gets the corrected answer marked «Исправлено» and the thread keeps it', async () => {
    const created = await services.appeals.create({
      userId: annaUserId,
      telegramUserId: anna.id,
      topic: 'billing',
      accountId: null,
      text: 'Почему начислили за два месяца?',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const { number, id } = created.appeal;
    const card = await adminNext();
    const sent = await h.client.reply(adminChatId, pavel, card.message_id, 'Перерасчёт в январе.');
    expect((await adminNext()).text).toBe(`Ответ по обращению ${number} отправлен жителю.`);
    expect((await anna.next()).text).toContain('Перерасчёт в январе.');

    await h.client.editText(adminChatId, pavel, sent.message_id, 'Перерасчёт в феврале.');
    expect((await adminNext()).text).toBe(
      `Исправленный ответ по обращению ${number} отправлен жителю.`,
    );
    const corrected = await anna.next();
    expect(corrected.text).toBe(
      `✏️ Исправлено. Ответ на ваше обращение ${number} теперь такой:\n\nПерерасчёт в феврале.`,
    );
    const thread = await services.appeals.threadOwn(annaUserId, id, anna.id);
    expect(thread?.messages.map((m) => m.text)).toEqual([
      'Почему начислили за два месяца?',
      'Перерасчёт в феврале.',
    ]);

    // Someone else's edit of an ordinary chat message changes nothing and says nothing.
    const chatter = await h.client.sendText(adminChatId, olga, 'Коллеги, обед в 13:00');
    await h.client.editText(adminChatId, olga, chatter.message_id, 'Коллеги, обед в 14:00');
    // Updates of one chat are handled in order: the answer to /find comes after the edit's (none).
    await h.client.sendText(adminChatId, olga, '/find');
    expect((await adminNext()).text).toMatch(/^Напишите так: \/find/);
    const answers = await h.client.transcript(adminChatId);
    const after = answers.slice(answers.findIndex((e) => e.message_id === chatter.message_id));
    expect(after.filter((e) => e.direction === 'out')).toHaveLength(1);
  });

  it('when a resident answers an appeal staff already closed, then the answer is offered as a new appeal instead of being lost', async () => {
    const created = await services.appeals.create({
      userId: annaUserId,
      telegramUserId: anna.id,
      topic: 'payment',
      accountId: null,
      text: 'Оплата не дошла',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const { number } = created.appeal;
    const card = await adminNext();
    await h.client.reply(adminChatId, olga, card.message_id, 'Дошла, проверьте баланс.');
    await adminNext();
    const answer = await anna.next();
    await h.client.pressButton(adminChatId, olga, card, '✅ Закрыть');
    await h.client.waitForTranscript(adminChatId, (e) =>
      Boolean(e.find((m) => m.message_id === card.message_id)?.text?.includes('Статус: закрыто.')),
    );
    const closedCard = (await cardNow(card.message_id)).text ?? '';
    expect(closedCard).toContain('Автор ответа: Ольга Петрова');
    expect(closedCard).toContain('Кто закрыл: Ольга Петрова');
    expect(closedCard).not.toContain('Ответить до');
    expect((await anna.next()).text).toBe(`Обращение ${number}: статус «закрыто».`);

    // A Telegram reply to the staff answer after the close.
    await h.client.reply(anna.id, anna.id, answer.message_id, 'А за декабрь тоже дошла?');
    const offer = await anna.next();
    expect(offer.text).toBe(
      `Обращение ${number} уже закрыто, и ответ в нём не отправлен. Отправить ваше сообщение как новое обращение?`,
    );
    await anna.press(offer, '✉️ Отправить это как обращение');
    await anna.press(await anna.next(), 'Оплата');
    await anna.press(await anna.next(), 'Не касается счёта');
    await anna.press(await anna.next(), '➡️ Без вложений');
    const confirm = await anna.next();
    expect(confirm.text).toContain('А за декабрь тоже дошла?');
    await anna.press(confirm, '📨 Отправить');
    expect((await anna.next()).text).toMatch(/^Обращение принято, номер А-\d{4}-\d{6}\./);
    expect((await adminNext()).text).toContain('А за декабрь тоже дошла?');
  });

  it('when an admin presses «Отправить» under a broadcast preview again and again, then only the first starts it and the repeats are answered in the popup, not in the group', async () => {
    await h.client.sendText(adminChatId, pavel, '/broadcast Завтра плановые работы.');
    const preview = await adminNext();
    await h.client.pressButton(adminChatId, pavel, preview, '✅ Отправить');
    const line = await adminNext();
    expect(line.text).toMatch(/Рассылка/);
    const before = (await h.client.transcript(adminChatId)).filter((e) => e.direction === 'out');
    for (let i = 0; i < 3; i++) {
      const press = await h.client.sendCallback(
        adminChatId,
        pavel,
        preview.message_id,
        JSON.stringify(preview.reply_markup).match(/v1\|bcast\|send\|\d+/)?.[0] ?? '',
      );
      expect((await h.client.callbackAnswer(press)).text).toBe(
        'Эта рассылка уже отправлена или отменена.',
      );
    }
    const after = (await h.client.transcript(adminChatId)).filter((e) => e.direction === 'out');
    expect(after.map((e) => e.message_id)).toEqual(before.map((e) => e.message_id));
  });

  it("when a crafted or outdated callback is pressed in the staff chat, then it is called outdated, without the residents' «/start»", async () => {
    await h.client.sendText(adminChatId, pavel, '/broadcast Проверка кнопок.');
    const preview = await adminNext();
    expect(buttonTexts(preview)).toEqual(['✅ Отправить', '✖️ Отмена']);
    const press = await h.client.sendCallback(
      adminChatId,
      pavel,
      preview.message_id,
      'v1|nonsense|42',
    );
    const answer = await h.client.callbackAnswer(press);
    expect(answer.text).toBe('Эта кнопка устарела: действие с ней уже недоступно.');
    expect(answer.text).not.toContain('/start');
    const cancel = await h.client.pressButton(adminChatId, pavel, preview, '✖️ Отмена');
    expect((await h.client.callbackAnswer(cancel)).text).toBe('Рассылка отменена.');
  });

  it('when a resident with no ФИО in the profile files an appeal, then the card names them by their Telegram name, not «—»', async () => {
    const zoya = await h.person({ first_name: 'Зоя' });
    const { userId } = await loginResident(h.database.db, zoya.id);
    await h.database.db('users').where({ id: userId }).update({ full_name: null });
    const offer = await zoya.say('Не пришла квитанция');
    await zoya.press(offer, '✉️ Отправить это как обращение');
    await zoya.press(await zoya.next(), 'Оплата');
    let step = await zoya.next();
    for (let i = 0; i < 3 && !step.text?.includes('Тема:'); i++) {
      await zoya.press(step, /Не касается счёта|Без вложений/);
      step = await zoya.next();
    }
    await zoya.press(step, '📨 Отправить');
    expect((await zoya.next()).text).toMatch(/^Обращение принято/);
    const card = await adminNext();
    expect(card.text).toContain('Житель: Зоя (имя в Telegram),');
  });

  it('when a resident files appeal after appeal, then over 5 an hour the next is refused politely with the wait and not filed', async () => {
    const dora = await h.person({ first_name: 'Дора' });
    const { userId } = await loginResident(h.database.db, dora.id);
    const file = (text: string) =>
      services.appeals.create({
        userId,
        telegramUserId: dora.id,
        topic: 'other',
        accountId: null,
        text,
        attachments: [],
      });
    for (let i = 1; i <= 5; i++) {
      expect((await file(`Вопрос ${i}`)).kind).toBe('created');
    }
    expect(await file('Вопрос 6')).toMatchObject({ kind: 'rate-limited' });
    const refused = await dora.say('/appeal');
    expect(refused.text).toMatch(
      /^За последний час вы уже отправили несколько обращений\. Новое можно будет отправить через \d+ мин\./,
    );
    const [count] = await h.database.db('appeals').where({ user_id: userId }).count({ n: '*' });
    expect(Number(count?.n)).toBe(5);
  });
});
