import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit';
import { Outbox } from '../../../src/core/outbox/outbox';
import { AppealsService, type AppealsServiceDeps } from '../../../src/features/appeals/service';
import { AdminChat, StaffService } from '../../../src/features/staff/service';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import {
  accountsService,
  createAccountWithMeters,
  freshAccountNumber,
} from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';

/** Friday 6 March 2026, 10:00 in Kamchatka: three working days end on Thursday 12 March. */
const FRIDAY = new Date('2026-03-05T22:00:00Z');
const ADMIN_CHAT = -100777;
let nextTelegramId = 9_500_000;

describe('AppealsService', () => {
  let database: TestDatabase;
  let now = FRIDAY;
  let staff: StaffService;
  let appeals: AppealsService;
  let deps: AppealsServiceDeps;
  const operatorId = 8_100_001;
  const secondOperatorId = 8_100_002;

  beforeAll(async () => {
    database = await withTestDatabase();
    const { db } = database;
    const audit = new AuditLog(db, () => now);
    staff = new StaffService(db, audit, () => now);
    await staff.add(operatorId, 'operator');
    await staff.add(secondOperatorId, 'admin');
    deps = {
      db,
      accounts: accountsService(db, () => now),
      staff,
      adminChat: new AdminChat(db, ADMIN_CHAT, () => now),
      audit,
      outbox: new Outbox(db, () => now),
      translate: (_locale, key, vars) => `${key}${vars ? ` ${JSON.stringify(vars)}` : ''}`,
      localeOf: async () => 'ru',
      staffLocale: 'ru',
      contactOf: async () => ({ fullName: 'Анна', email: 'anna@example.org', phone: null }),
      timeZone: 'Asia/Kamchatka',
      deadlines: { workingDays: 3, byTopic: { billing: 10 } },
      calendar: { daysOff: [], workdays: [] },
      clock: () => now,
    };
    appeals = new AppealsService(deps);
  });
  afterAll(() => database.cleanup());

  async function residentWithAccount() {
    const resident = await loginResident(database.db, nextTelegramId++);
    const number = freshAccountNumber();
    const { accountId } = await createAccountWithMeters(database.db, { number, meters: [] });
    await linkDirectly(database.db, resident.userId, number);
    return { ...resident, accountId };
  }

  const outboxTo = (chatId: number) =>
    database.db('outbox').where({ chat_id: chatId }).orderBy('id').select('kind', 'payload');

  it('when a resident files an appeal with a photo, then it is numbered for the year, due in 3 working days, and its card is in the outbox for the admin chat', async () => {
    now = FRIDAY;
    const anna = await residentWithAccount();
    const result = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'quality',
      accountId: anna.accountId,
      text: 'Мигает свет по вечерам',
      attachments: [{ kind: 'photo', fileId: 'photo-1' }],
    });
    if (result.kind !== 'created') throw new Error(result.kind);
    expect(result.appeal.number).toMatch(/^А-2026-\d{6}$/);
    expect(result.appeal.status).toBe('new');
    expect(result.appeal.dueAt).toBe('2026-03-12T12:00:00.000Z');
    const cards = await database.db('outbox').where({
      chat_id: ADMIN_CHAT,
      kind: 'appeal-card',
      dedupe_key: `appeal-card:${result.appeal.id}`,
    });
    expect(cards).toHaveLength(1);
    const payload = JSON.parse(cards[0].payload);
    expect(payload.text).toContain(result.appeal.number);
    expect(payload.text).toContain('Мигает свет по вечерам');
    expect(JSON.stringify(payload.reply_markup)).toContain(`appeal-staff|take|${result.appeal.id}`);
    const thread = await appeals.threadOwn(anna.userId, result.appeal.id, anna.telegramUserId);
    expect(thread?.messages[0]?.attachments).toEqual([
      { kind: 'photo', fileId: 'photo-1', fileName: null, mimeType: null, caption: null },
    ]);
  });

  it('when an appeal was filed while no admin chat was configured, then its card is posted once the admin chat is known, once', async () => {
    now = FRIDAY;
    const { db } = database;
    const withoutChat = new AppealsService({
      ...deps,
      adminChat: new AdminChat(db, undefined, () => now),
    });
    const anna = await residentWithAccount();
    const result = await withoutChat.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'other',
      accountId: null,
      text: 'Подано без чата сотрудников',
      attachments: [],
    });
    if (result.kind !== 'created') throw new Error(result.kind);
    const cardsOf = () =>
      db('outbox').where({ kind: 'appeal-card', dedupe_key: `appeal-card:${result.appeal.id}` });
    expect(await cardsOf()).toHaveLength(0);
    expect(await withoutChat.postMissingCards()).toBe(0);

    expect(await appeals.postMissingCards()).toBe(1);
    const cards = await cardsOf();
    expect(cards).toHaveLength(1);
    expect(cards[0].chat_id).toBe(ADMIN_CHAT);
    expect(JSON.parse(cards[0].payload).text).toContain('Подано без чата сотрудников');
    expect(await appeals.postMissingCards()).toBe(0);
  });

  it('when many appeals are filed at once, then each gets its own consecutive number', async () => {
    now = FRIDAY;
    const anna = await residentWithAccount();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        appeals.create({
          userId: anna.userId,
          telegramUserId: anna.telegramUserId,
          topic: 'other',
          accountId: null,
          text: `Вопрос ${i}`,
          attachments: [],
        }),
      ),
    );
    const numbers = results.map((r) => (r.kind === 'created' ? r.appeal.number : r.kind));
    expect(new Set(numbers).size).toBe(8);
    const seqs = numbers.map((n) => Number(n.slice(-6))).sort((a, b) => a - b);
    expect(seqs.at(-1)! - seqs[0]!).toBe(7);
  });

  it('when a topic has its own deadline, then it is counted in that many working days', async () => {
    now = FRIDAY;
    const anna = await residentWithAccount();
    const result = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'billing',
      accountId: null,
      text: 'Почему такой большой счёт?',
      attachments: [],
    });
    // 10 working days after Friday 6 March 2026 (9 March is the moved day off): Monday 23 March.
    expect(result.kind === 'created' && result.appeal.dueAt).toBe('2026-03-23T12:00:00.000Z');
  });

  it('when a resident names an account that is not theirs, or sends six attachments, then nothing is filed', async () => {
    const anna = await residentWithAccount();
    const boris = await residentWithAccount();
    const before = await database.db('appeals').count({ n: '*' });
    const denied = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'billing',
      accountId: boris.accountId,
      text: 'Чужой счёт',
      attachments: [],
    });
    expect(denied.kind).toBe('account-denied');
    const tooMany = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'other',
      accountId: null,
      text: 'Фото',
      attachments: Array.from({ length: 6 }, (_, i) => ({
        kind: 'photo' as const,
        fileId: `p${i}`,
      })),
    });
    expect(tooMany).toEqual({ kind: 'too-many-attachments', max: 5 });
    expect(await database.db('appeals').count({ n: '*' })).toEqual(before);
  });

  it("when a resident asks for another resident's appeal, then it is not found and the attempt is audited", async () => {
    const anna = await residentWithAccount();
    const boris = await residentWithAccount();
    const created = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'other',
      accountId: null,
      text: 'Личное',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const id = created.appeal.id;
    expect(await appeals.threadOwn(boris.userId, id, boris.telegramUserId)).toBeUndefined();
    expect(
      (
        await appeals.residentClose({
          userId: boris.userId,
          telegramUserId: boris.telegramUserId,
          appealId: id,
        })
      ).kind,
    ).toBe('not-found');
    const audit = await database
      .db('audit_log')
      .where({ action: 'appeal.access.denied', telegram_user_id: boris.telegramUserId });
    expect(audit).toHaveLength(2);
    expect((await appeals.listOwn(boris.userId, 0)).items).toEqual([]);
  });

  it('when staff take, answer, the resident answers back and closes, then statuses move and each side is told through the outbox', async () => {
    now = FRIDAY;
    const anna = await residentWithAccount();
    const created = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'payment',
      accountId: anna.accountId,
      text: 'Оплата не дошла',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const id = created.appeal.id;

    const taken = await appeals.take(operatorId, id);
    expect(taken.kind === 'done' && taken.appeal.status).toBe('in_progress');
    const takenAgain = await appeals.take(secondOperatorId, id);
    expect(takenAgain.kind).toBe('not-allowed');

    now = new Date('2026-03-06T02:00:00Z');
    const answered = await appeals.answer(operatorId, id, 'Платёж нашли, зачтён 5 марта.');
    expect(answered.kind === 'done' && answered.appeal.status).toBe('answered');

    const back = await appeals.residentAnswer({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      appealId: id,
      text: 'Спасибо, а пени?',
    });
    expect(back.kind === 'done' && back.appeal.status).toBe('in_progress');
    const closed = await appeals.residentClose({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      appealId: id,
    });
    expect(closed.kind === 'done' && closed.appeal.status).toBe('closed');
    expect((await appeals.answer(operatorId, id, 'Ещё')).kind).toBe('not-allowed');

    const toResident = await outboxTo(anna.telegramUserId);
    expect(toResident.map((r) => r.kind)).toEqual(['appeal-status', 'appeal-answer']);
    expect(JSON.parse(toResident[1].payload).text).toContain('Платёж нашли');
    const toStaff = (await outboxTo(ADMIN_CHAT)).filter((r) =>
      JSON.parse(r.payload).text.includes(created.appeal.number),
    );
    expect(toStaff.map((r) => r.kind)).toEqual([
      'appeal-card',
      'appeal-resident-answer',
      'appeal-resident-answer',
    ]);
    const thread = await appeals.threadOwn(anna.userId, id, anna.telegramUserId);
    expect(thread?.messages.map((m) => m.author)).toEqual(['resident', 'staff', 'resident']);
    expect(await appeals.medianFirstAnswerMs()).toBeGreaterThan(0);
  });

  it('when someone outside the staff registry tries a staff move, then it is refused and audited', async () => {
    const anna = await residentWithAccount();
    const created = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'other',
      accountId: null,
      text: 'Вопрос',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    expect((await appeals.answer(anna.telegramUserId, created.appeal.id, 'сам себе')).kind).toBe(
      'not-staff',
    );
    expect(
      await database
        .db('audit_log')
        .where({ action: 'staff.denied', telegram_user_id: anna.telegramUserId }),
    ).toHaveLength(1);
  });

  it('when an open appeal passes its deadline, then it is flagged once in the admin chat', async () => {
    now = FRIDAY;
    const anna = await residentWithAccount();
    const created = await appeals.create({
      userId: anna.userId,
      telegramUserId: anna.telegramUserId,
      topic: 'other',
      accountId: null,
      text: 'Долго',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    now = new Date('2026-03-12T11:59:00Z');
    expect(await appeals.flagOverdue()).toBe(0);
    const earlyRows = await database
      .db('outbox')
      .where({ dedupe_key: `appeal-overdue:${created.appeal.id}` });
    expect(earlyRows).toHaveLength(0);
    now = new Date('2026-03-12T12:00:00Z');
    expect(await appeals.flagOverdue()).toBeGreaterThanOrEqual(1);
    await appeals.flagOverdue();
    const rows = await database
      .db('outbox')
      .where({ dedupe_key: `appeal-overdue:${created.appeal.id}` });
    expect(rows).toHaveLength(1);
    const { overdue } = await appeals.openSummary();
    expect(overdue.map((a) => a.id)).toContain(created.appeal.id);
  });
});
