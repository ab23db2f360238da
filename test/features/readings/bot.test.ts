import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackground } from '../../../src/app';
import { Outbox } from '../../../src/core/outbox/outbox';
import { readingReminders, remindersJob } from '../../../src/features/readings/index';
import { createLogger } from '../../../src/core/logger';
import { OutboxWorker } from '../../../src/core/outbox/worker';
import { type DemoAccount, seedDemo } from '../../../src/demo/seed';
import {
  buttonTexts,
  type Harness,
  type Person,
  startHarness,
  TEST_BOT,
} from '../../support/harness';
import {
  createAccountWithMeters,
  freshAccountNumber,
  type PastReading,
} from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';
import { residentWithOneZoneMeter } from '../../support/meter-resident';

/** 20 November 2026, 12:00 in Kamchatka: inside the 15–25 window and the reminder day (15 + 5). */
const IN_WINDOW = new Date('2026-11-20T00:00:00Z');
/** 26 November 2026, 10:00 in Kamchatka: the day after the window. */
const AFTER_WINDOW = new Date('2026-11-25T22:00:00Z');

/** Telegram texts with every kind of space (Intl groups with no-break spaces) as one plain space. */
const flat = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ');

function steadyTwoZone(lastT1: number, lastT2: number): PastReading[] {
  return [5, 4, 3, 2, 1, 0].map((back) => ({
    period: `2026-${String(10 - back).padStart(2, '0')}`,
    at: `2026-${String(10 - back).padStart(2, '0')}-20T00:00:00.000Z`,
    kwh: { T1: lastT1 - back * 150, T2: lastT2 - back * 80 },
  }));
}

describe('/reading and /readings through the emulator', () => {
  let h: Harness;
  let now = IN_WINDOW;
  let showcase: DemoAccount[];
  const byNote = (note: string): DemoAccount => {
    const account = showcase.find((a) => a.note === note);
    if (!account) throw new Error(`no showcase account "${note}"`);
    return account;
  };

  beforeAll(async () => {
    h = await startHarness({}, { clock: () => now });
    ({ showcase } = await seedDemo(h.database.db, { accounts: 12, seed: 1, now: IN_WINDOW }));
  });
  afterAll(() => h.stop());

  /** A logged-in resident whose current account has a two-zone 5-digit meter near 99 999. */
  async function residentWithRollover(extraMeters = 0) {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    const number = freshAccountNumber();
    const meters = [
      {
        serial: `R${number}`,
        zones: 2 as const,
        digits: 5,
        readings: steadyTwoZone(99_950, 40_000),
      },
      ...Array.from({ length: extraMeters }, (_, i) => ({
        serial: `X${i}${number}`,
        zones: 1 as const,
        digits: 6,
        readings: [{ period: '2026-10', at: '2026-10-20T00:00:00.000Z', kwh: { T1: 5000 } }],
      })),
    ];
    const { accountId, meterIds } = await createAccountWithMeters(h.database.db, {
      number,
      meters,
    });
    await linkDirectly(h.database.db, userId, number);
    return { person, userId, accountId, meterIds, number };
  }

  async function send(person: Person, values: string[]) {
    let last = await person.say('/reading');
    for (const value of values) last = await person.say(value);
    return last;
  }

  it('when a guest sends /reading, then they are asked to log in first', async () => {
    const guest = await h.person();
    expect((await guest.say('/reading')).text).toContain('сначала войдите');
  });

  it('when a two-zone reading rolls over on one zone, then the summary shows it and «Отправить» commits and quotes one submission number', async () => {
    const { person, meterIds } = await residentWithRollover();
    const t1 = await person.say('/reading');
    expect(flat(t1.text)).toContain('Т1 день — счётчик №');
    expect(flat(t1.text)).toContain(
      'Предыдущее показание (новое не может быть меньше): 99 950 кВт·ч от 20 октября 2026',
    );
    expect(buttonTexts(t1)).toEqual(['✖️ Отмена']);
    const t2 = await person.say('00 120');
    expect(flat(t2.text)).toContain('Т2 ночь');
    expect(flat(t2.text)).toContain('40 000 кВт·ч от 20 октября 2026');
    const summary = await person.say('40080,5');
    expect(flat(summary.text)).toContain('за ноябрь 2026');
    expect(flat(summary.text)).toContain(
      'Т1 день: 99 950 → 120 кВт·ч (табло прошло через ноль), расход 170 кВт·ч, примерно 1 575,90 ₽',
    );
    expect(flat(summary.text)).toContain(
      'Т2 ночь: 40 000 → 40 080,5 кВт·ч, расход 80,5 кВт·ч, примерно 356,62 ₽',
    );
    expect(flat(summary.text)).toContain('Итого примерно: 1 932,52 ₽');
    expect(buttonTexts(summary)).toEqual([
      '✅ Отправить',
      '✏️ Исправить',
      '🔁 Счётчик заменили',
      '✖️ Отмена',
    ]);
    // Nothing is written before the resident confirms.
    expect(
      await h.database.db('meter_readings').where({ meter_id: meterIds[0], period: '2026-11' }),
    ).toEqual([]);

    await person.press(summary, '✅ Отправить');
    const accepted = await person.next();
    const rows = await h.database
      .db('meter_readings')
      .where({ meter_id: meterIds[0], period: '2026-11' })
      .orderBy('zone');
    expect(rows.map((r) => [r.zone, Number(r.value_milli), r.status, r.source])).toEqual([
      ['T1', 120_000, 'accepted', 'bot'],
      ['T2', 40_080_500, 'accepted', 'bot'],
    ]);
    // One submission, one number: both zones point at it, and it is said once.
    expect(rows[0].submission_id).not.toBeNull();
    expect(Number(rows[1].submission_id)).toBe(Number(rows[0].submission_id));
    expect(accepted.text).toBe(`Показания приняты, № ${rows[0].submission_id}. Спасибо!`);
  });

  it('when a value is implausible, then the resident is asked to confirm and the saved reading is flagged', async () => {
    const { person, meterIds } = await residentWithRollover();
    const sure = await send(person, ['1000', '40080']);
    expect(flat(sure.text)).toContain('1 050 кВт·ч — намного больше обычного');
    expect(buttonTexts(sure)).toEqual(['✅ Да, всё верно', '✏️ Исправить', '✖️ Отмена']);
    await person.press(sure, '✅ Да, всё верно');
    const summary = await person.next();
    expect(summary.text).toContain('проверит специалист');
    await person.press(summary, '✅ Отправить');
    expect((await person.next()).text).toMatch(/^Показания приняты, № \d+\. Спасибо!$/);
    const t1 = await h.database
      .db('meter_readings')
      .where({ meter_id: meterIds[0], period: '2026-11', zone: 'T1' })
      .first();
    expect(Boolean(t1.flagged)).toBe(true);
    expect(t1.flag_reason).toBe('over-3x-average');
  });

  it('when the meter was replaced and the value is below the last one, then «Счётчик заменили» under the refusal files a meter-replacement appeal with both meters, both values and the act', async () => {
    const { person, number, accountId } = await residentWithRollover();
    await person.say('/reading');
    await person.say('99 990');
    // The night zone (about 40 000) of a new meter that starts from zero.
    const refused = await person.say('15');
    expect(flat(refused.text)).toContain('Счётчик заменили? Нажмите кнопку «Счётчик заменили»');
    expect(buttonTexts(refused)).toEqual(['🔁 Счётчик заменили', '✖️ Отмена']);
    await person.press(refused, '🔁 Счётчик заменили');
    // No account, no topic to pick: the flow knows them, and the value typed.
    expect(flat((await person.next()).text)).toContain(
      `Вместо счётчика № R${number} поставили новый? Напишите заводской номер нового счётчика`,
    );
    const files = await person.say('0123456');
    expect(files.text).toContain('Пришлите фото акта замены');
    await h.client.sendDocument(person.id, person.id, {
      filename: 'act.pdf',
      mimeType: 'application/pdf',
      data: Buffer.from('%PDF-1.4 акт замены'),
    });
    const added = await person.next();
    await person.press(added, '✅ Готово');
    const confirm = await person.next();
    expect(confirm.text).toContain('Тема: Замена счётчика');
    expect(confirm.text).toContain(`Лицевой счёт: ${number}`);
    expect(flat(confirm.text)).toContain(
      `Старый счётчик № R${number}: последнее принятое показание Т2 ночь — 40 000 кВт·ч.`,
    );
    expect(flat(confirm.text)).toContain(
      'Новый счётчик № 0123456: первое показание Т2 ночь — 15 кВт·ч.',
    );
    await person.press(confirm, '📨 Отправить');
    expect((await person.next()).text).toMatch(/^Обращение принято, номер А-\d{4}-\d{6}\./);
    const appeal = await h.database
      .db('appeals')
      .where({ telegram_user_id: person.id, topic: 'meter-replacement' })
      .first();
    expect(Number(appeal.account_id)).toBe(accountId);
    const [message] = await h.database.db('appeal_messages').where({ appeal_id: appeal.id });
    expect(flat(message.text)).toContain(
      'Новый счётчик № 0123456: первое показание Т2 ночь — 15 кВт·ч.',
    );
    const attachments = await h.database
      .db('appeal_attachments as t')
      .join('appeal_messages as m', 'm.id', 't.message_id')
      .where('m.appeal_id', appeal.id);
    expect(attachments.map((a) => [a.kind, a.file_name])).toEqual([['document', 'act.pdf']]);
    const readings = await h.database.db('meter_readings').where({ value_milli: 15_000 });
    expect(readings).toEqual([]);
  });

  it('when a value is taken as a rollover, then the summary offers «Счётчик заменили» and it files the appeal instead of the reading', async () => {
    const { person, number, meterIds } = await residentWithRollover();
    await person.say('/reading');
    await person.say('120');
    const summary = await person.say('40 080');
    expect(flat(summary.text)).toContain(
      'Если счётчик заменили — нажмите кнопку «Счётчик заменили» ниже.',
    );
    expect(buttonTexts(summary)).toContain('🔁 Счётчик заменили');
    await person.press(summary, '🔁 Счётчик заменили');
    await person.next();
    const files = await person.say('7654321');
    await person.press(files, '➡️ Без вложений');
    const confirm = await person.next();
    expect(flat(confirm.text)).toContain(
      `Старый счётчик № R${number}: последнее принятое показание Т1 день — 99 950 кВт·ч.`,
    );
    expect(flat(confirm.text)).toContain(
      'Новый счётчик № 7654321: первое показание Т1 день — 120 кВт·ч.',
    );
    await person.press(confirm, '📨 Отправить');
    expect((await person.next()).text).toMatch(/^Обращение принято/);
    expect(
      await h.database.db('meter_readings').where({ meter_id: meterIds[0], period: '2026-11' }),
    ).toEqual([]);
  });

  it('when a value is below the last accepted one, then it is refused with the last value quoted and asked again', async () => {
    const { person } = await residentWithRollover();
    await person.say('/reading');
    const refused = await person.say('99 949');
    expect(flat(refused.text)).toBe(
      'Показание меньше последнего принятого (99 950 кВт·ч от 20 октября 2026). Проверьте цифры и введите ещё раз. Счётчик заменили? Нажмите кнопку «Счётчик заменили» — оформим обращение о замене.',
    );
    const letters = await person.say('12a45');
    expect(letters.text).toContain('нужны только цифры');
    const next = await person.say('99 990');
    expect(next.text).toContain('Т2 ночь');
    await person.press(next, '✖️ Отмена');
    expect((await person.next()).text).toContain('Действие отменено');
  });

  it('when a reading is resent in the same period, then it replaces the first and /readings shows both with statuses', async () => {
    const { person } = await residentWithRollover();
    const first = await send(person, ['99 990', '40 050']);
    await person.press(first, '✅ Отправить');
    await person.next();
    const t1 = await person.say('/reading');
    expect(flat(t1.text)).toContain(
      'За ноябрь вы уже передали показание 99 990 кВт·ч — новое заменит его.',
    );
    await person.say('0100');
    const second = await person.say('40 070');
    await person.press(second, '✅ Отправить');
    const accepted = await person.next();
    expect(accepted.text).toContain('Предыдущие показания за этот месяц заменены.');

    const history = await person.say('/readings');
    const lines = flat(history.text);
    expect(lines).toContain('Т2 ночь: 40 070 — принято');
    expect(lines).toContain('Т1 день: 100 — принято');
    expect(lines).toContain('Т2 ночь: 40 050 — заменено новым');
    expect(lines).toContain('Т1 день: 99 990 — заменено новым');
    // Within one submission the zones read Т1, Т2 (the rows are written in either order).
    const at = (text: string) => lines.indexOf(text);
    expect(at('Т1 день: 100 — принято')).toBeLessThan(at('Т2 ночь: 40 070 — принято'));
    expect(at('Т1 день: 99 990 — заменено новым')).toBeLessThan(
      at('Т2 ночь: 40 050 — заменено новым'),
    );
    expect(buttonTexts(history)).toContain('◀ Раньше');
    await person.press(history, '◀ Раньше');
    const older = await person.next();
    expect(flat(older.text)).toContain('учтено в расчёте');
    expect(flat(older.text)).toContain('(стр. 2 из 2)');
  });

  it('when «✏️ Исправить» is pressed on the summary, then the resident picks the zone and only that zone is asked again', async () => {
    const { person, meterIds } = await residentWithRollover();
    const summary = await send(person, ['99 990', '40 050']);
    await person.press(summary, '✏️ Исправить');
    const which = await person.next();
    expect(which.text).toBe('Какое показание исправить?');
    expect(buttonTexts(which).map(flat)).toEqual([
      'Т1 день: 99 990',
      'Т2 ночь: 40 050',
      '✖️ Отмена',
    ]);
    await person.press(which, /^Т2 ночь/);
    const question = await person.next();
    expect(flat(question.text)).toContain('Т2 ночь — счётчик №');
    const fixed = await person.say('40 060');
    // Straight back to the summary: the day zone was not asked again and keeps its value.
    expect(flat(fixed.text)).toContain('Т1 день: 99 950 → 99 990 кВт·ч');
    expect(flat(fixed.text)).toContain('Т2 ночь: 40 000 → 40 060 кВт·ч');
    await person.press(fixed, '✅ Отправить');
    expect((await person.next()).text).toMatch(/^Показания приняты, № \d+\. Спасибо!$/);
    const rows = await h.database
      .db('meter_readings')
      .where({ meter_id: meterIds[0], period: '2026-11', status: 'accepted' })
      .orderBy('zone');
    expect(rows.map((r) => Number(r.value_milli))).toEqual([99_990_000, 40_060_000]);
  });

  it('when an implausible value is to be fixed, then only that zone is asked again and the summary follows', async () => {
    const { person, meterIds } = await residentWithRollover();
    const sure = await send(person, ['1000', '40080']);
    await person.press(sure, '✏️ Исправить');
    // Only the day zone looked wrong: it is asked straight away, the night zone is kept.
    const again = await person.next();
    expect(flat(again.text)).toContain('Т1 день — счётчик №');
    const summary = await person.say('99 990');
    expect(flat(summary.text)).toContain('Т1 день: 99 950 → 99 990 кВт·ч');
    expect(flat(summary.text)).toContain('Т2 ночь: 40 000 → 40 080 кВт·ч');
    expect(summary.text).not.toContain('проверит специалист');
    await person.press(summary, '✅ Отправить');
    await person.next();
    const t1 = await h.database
      .db('meter_readings')
      .where({ meter_id: meterIds[0], period: '2026-11', zone: 'T1', status: 'accepted' })
      .first();
    expect(Number(t1.value_milli)).toBe(99_990_000);
    expect(Boolean(t1.flagged)).toBe(false);
  });

  it('when a one-zone meter’s summary is corrected, then its one value is asked again with no choice', async () => {
    const { person } = await residentWithOneZoneMeter(h, 'O');
    await person.say('/reading');
    const summary = await person.say('5100');
    await person.press(summary, '✏️ Исправить');
    const again = await person.next();
    expect(flat(again.text)).toContain('Т1 круглосуточно — счётчик №');
    const fixed = await person.say('5120');
    expect(flat(fixed.text)).toContain('5 000 → 5 120 кВт·ч');
  });

  it('when the cabinet holds several accounts, then every reading question names the account and its short address', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    const first = freshAccountNumber();
    await createAccountWithMeters(h.database.db, {
      number: first,
      address: '684000, Камчатский край, Елизовский р-н, г. Елизово, ул. Первая, д. 3, кв. 7',
      meters: [{ serial: `A${first}`, zones: 1, digits: 6 }],
    });
    const second = freshAccountNumber();
    await createAccountWithMeters(h.database.db, {
      number: second,
      address: 'г. Вилючинск, ул. Вторая, д. 9',
      meters: [{ serial: `B${second}`, zones: 1, digits: 6 }],
    });
    await linkDirectly(h.database.db, userId, first);
    await linkDirectly(h.database.db, userId, second);
    const accounts = await person.say('/accounts');
    await person.press(accounts, '✅ Выбрать');
    expect((await person.next()).text).toBe(`Готово: текущий счёт — № ${second}.`);
    const question = await person.say('/reading');
    expect(question.text?.split('\n')[0]).toBe(`🏠 Счёт ${second}, г. Вилючинск, ул. Вторая, д. 9`);
    const summary = await person.say('100');
    expect(summary.text?.split('\n')[0]).toBe(`🏠 Счёт ${second}, г. Вилючинск, ул. Вторая, д. 9`);
    await person.press(summary, '✖️ Отмена');
    await person.next();
  });

  it('when the cabinet holds one account, then the question does not repeat its address', async () => {
    const { person } = await residentWithRollover();
    const question = await person.say('/reading');
    expect(question.text).not.toContain('🏠');
    await person.press(question, '✖️ Отмена');
    await person.next();
  });

  it('when the resident reads English, then kWh are written as on the receipt («30 600», never «30,600»)', async () => {
    const { person } = await residentWithOneZoneMeter(h, 'E', 30_600);
    const language = await person.say('/language');
    await person.press(language, '🇬🇧 English');
    await person.next();
    const question = await person.say('/reading');
    expect(flat(question.text)).toContain('30 600 kWh on 20 October 2026');
    expect(question.text).not.toContain('30,600');
    const summary = await person.say('30700.5');
    expect(flat(summary.text)).toContain('30 600 → 30 700,5 kWh');
    await person.press(summary, '✖️ Cancel');
    await person.next();
  });

  it('when the history holds the longest realistic rows, then every page fits in 4 096 characters and every reading is on some page', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    const number = freshAccountNumber();
    const serial = `${number}`.padEnd(32, '7'); // the longest serial the billing file allows
    const { meterIds } = await createAccountWithMeters(h.database.db, {
      number,
      meters: [{ serial, zones: 3, digits: 8 }],
    });
    await linkDirectly(h.database.db, userId, number);
    // 30 rejected, flagged readings with the longest reason staff can write (500 characters).
    const reason = 'Показания не совпадают с данными контрольного обхода: '.padEnd(500, 'я');
    const values = Array.from({ length: 30 }, (_, i) => 12_345_678_123 + i * 1000);
    await h.database.db('meter_readings').insert(
      values.map((value, i) => ({
        meter_id: meterIds[0],
        zone: ['T1', 'T2', 'T3'][i % 3],
        period: `2025-${String(1 + (i % 12)).padStart(2, '0')}`,
        value_milli: value,
        source: 'bot',
        status: 'rejected',
        reject_reason: reason,
        flagged: true,
        flag_reason: 'over-3x-average',
        submitted_at: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
      })),
    );
    const seen: string[] = [];
    let page = await person.say('/readings');
    for (let i = 0; i < 10; i++) {
      expect(page.text?.length ?? 0).toBeLessThanOrEqual(4096);
      for (const m of flat(page.text).matchAll(/: ([\d ]+,\d+) — отклонено/g))
        seen.push(m[1] ?? '');
      if (!buttonTexts(page).includes('◀ Раньше')) break;
      await person.press(page, '◀ Раньше');
      page = await person.next();
    }
    expect(flat(page.text)).toContain('(стр. 4 из 4)');
    expect(seen.sort()).toEqual(
      values
        .map((v) =>
          `${Math.floor(v / 1000).toLocaleString('ru-RU')},${v % 1000}`.replace(/\s/g, ' '),
        )
        .sort(),
    );
    expect(h.logs.join('')).not.toContain('message is too long');
  });

  it('when the meter is on automated metering, then the reading is refused with why', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    await linkDirectly(h.database.db, userId, byNote('automated metering').number);
    const reply = await person.say('/reading');
    expect(reply.text).toContain('АСКУЭ');
    expect(reply.text).toContain('показания передаются сами');
  });

  it('when the meter’s verification expired, then the reading is refused with what to do', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    await linkDirectly(h.database.db, userId, byNote('verification expired').number);
    const reply = await person.say('/reading');
    expect(reply.text).toContain('истёк срок поверки');
    expect(reply.text).toContain(h.config.operator.phone);
  });

  it('when a crafted callback names another resident’s meter or account, then it is refused and nothing is shown', async () => {
    const owner = await residentWithRollover();
    const { person } = await residentWithRollover(1);
    const choose = await person.say('/reading');
    expect(buttonTexts(choose)).toHaveLength(3);
    await h.client.sendCallback(
      person.id,
      person.id,
      choose.message_id,
      `v1|rd|meter|${owner.meterIds[0]}`,
    );
    expect((await person.next()).text).toBe('Этот счётчик не относится к вашим лицевым счетам.');

    const callback = await h.client.sendCallback(
      person.id,
      person.id,
      choose.message_id,
      `v1|rd|hist|${owner.accountId}|0`,
    );
    const answer = await h.client.callbackAnswer(callback);
    expect(answer.text).toBe('Это действие недоступно.');
    const transcript = await h.client.transcript(person.id);
    expect(transcript.map((e) => e.text ?? '').join('\n')).not.toContain(owner.number);
  });

  it('when /reading comes the day after the window, then the bot says when it opens and that the reading counts for the next period', async () => {
    const { person } = await residentWithRollover();
    now = AFTER_WINDOW;
    try {
      const notice = await person.say('/reading');
      expect(flat(notice.text)).toContain('будут учтены за декабрь 2026');
      expect(flat(notice.text)).toContain('Следующий приём откроется 15 декабря 2026');
      const question = await person.next();
      expect(question.text).toContain('Т1 день');
      await person.press(question, '✖️ Отмена');
      await person.next();
    } finally {
      now = IN_WINDOW;
    }
  });

  it('when the meter’s verification expired and the window is over, then only the verification is said, never the window', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    await linkDirectly(h.database.db, userId, byNote('verification expired').number);
    now = AFTER_WINDOW;
    try {
      const reply = await person.say('/reading');
      expect(reply.text).toContain('истёк срок поверки');
      expect(reply.text).not.toContain('Приём показаний');
      expect(reply.text).not.toContain('будут учтены');
      // Nothing else follows: the next message answers the next command, no window notice.
      expect((await person.say('/readings')).text).toContain('📋 Показания, счёт');
    } finally {
      now = IN_WINDOW;
    }
  });

  it('when the reminder job runs on the reminder day, then each resident gets one reminder through the outbox and the opted-out none', async () => {
    const db = h.database.db;
    const reminded = await residentWithRollover();
    const optedOut = await residentWithRollover();
    const toggle = await optedOut.person.say('/reminders');
    expect(buttonTexts(toggle)).toEqual(['🔕 Выключить напоминания']);
    await optedOut.person.press(toggle, '🔕 Выключить напоминания');
    expect((await optedOut.person.next()).text).toBe('Напоминания о показаниях выключены.');

    const logger = createLogger('silent');
    const deps = { config: h.config, db, logger, clock: () => IN_WINDOW };
    const outbox = new Outbox(db, deps.clock);
    const reminders = readingReminders(deps, outbox);
    const background = createBackground(
      deps,
      { token: TEST_BOT.token, apiRoot: h.emulator.apiRoot },
      { outbox, jobs: [remindersJob(reminders)] },
    );
    await background.scheduler.tick(); // the readings feature's job, with the app's clock
    await reminders.run(IN_WINDOW); // and once more by hand
    const keyOf = (r: { person: Person; accountId: number }) =>
      `reading-reminder:${r.person.id}:${r.accountId}:2026-11`;
    const rows = await db('outbox').where({ kind: 'reading-reminder' });
    expect(rows.filter((r) => r.dedupe_key === keyOf(reminded))).toHaveLength(1);
    expect(
      rows.filter(
        (r) => r.chat_id === optedOut.person.id || Number(r.chat_id) === optedOut.person.id,
      ),
    ).toEqual([]);

    // The worker delivers it: its clock runs from the job's "now", as the real one would.
    const offset = IN_WINDOW.getTime() - Date.now();
    const worker = new OutboxWorker(db, new Api(TEST_BOT.token, { apiRoot: h.emulator.apiRoot }), {
      clock: () => Date.now() + offset,
      pollIntervalMs: 50,
    });
    worker.start();
    try {
      // A loaded CI machine may take a while: the worker also delivers earlier tests' reminders.
      const reminder = await h.client.nextBotMessage(reminded.person.id, { timeoutMs: 30_000 });
      expect(flat(reminder.text)).toContain(
        `пора передать показания счётчика по счёту ${reminded.number}`,
      );
      expect(flat(reminder.text)).toContain('Приём до 25 ноября 2026 включительно');
    } finally {
      await worker.stop();
    }
    // Marked sent once the send returned (stop waits for a send in flight).
    const sent = await db('outbox')
      .where({ dedupe_key: keyOf(reminded) })
      .first();
    expect(sent.status).toBe('sent');
    const optedOutTexts = (await h.client.transcript(optedOut.person.id)).map((e) => e.text ?? '');
    expect(optedOutTexts.join('\n')).not.toContain('пора передать показания');
    const remindedTexts = (await h.client.transcript(reminded.person.id)).map((e) => e.text ?? '');
    expect(remindedTexts.filter((t) => t.includes('пора передать показания'))).toHaveLength(1);
  });
});

describe('/reading under the refuse policy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ READINGS_LATE_POLICY: 'refuse' }, { clock: () => AFTER_WINDOW });
    await seedDemo(h.database.db, { accounts: 3, seed: 1, now: IN_WINDOW });
  });
  afterAll(() => h.stop());

  it('when /reading comes after the window, then it is refused with the opening date and nothing is asked', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    const number = freshAccountNumber();
    await createAccountWithMeters(h.database.db, {
      number,
      meters: [{ serial: `P${number}`, zones: 1, digits: 6 }],
    });
    await linkDirectly(h.database.db, userId, number);
    const reply = await person.say('/reading');
    expect(flat(reply.text)).toBe(
      'Приём показаний сейчас закрыт: показания принимаются с 15 по 25 число каждого месяца. Следующий приём откроется 15 декабря 2026.',
    );
    expect(buttonTexts(reply)).toEqual([]);
    // The next text is not taken as a reading: no conversation is waiting for it.
    const after = await person.say('12345');
    expect(after.text).not.toContain('Показания приняты');
  });

  it('when every meter is on АСКУЭ or unverified and the window is closed, then the meters’ reasons are said and not the window', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    const number = freshAccountNumber();
    await createAccountWithMeters(h.database.db, {
      number,
      meters: [
        { serial: `V${number}`, zones: 1, digits: 6, verifiedUntil: '2025-01-10' },
        { serial: `W${number}`, zones: 1, digits: 6, automated: true },
      ],
    });
    await linkDirectly(h.database.db, userId, number);
    const reply = await person.say('/reading');
    expect(flat(reply.text)).toContain(
      `У счётчика № V${number} истёк срок поверки (10 января 2025)`,
    );
    expect(flat(reply.text)).toContain(
      `Счётчик № W${number} подключён к автоматизированной системе`,
    );
    expect(reply.text).not.toContain('Приём показаний');
  });
});
