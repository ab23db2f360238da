import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/core/outbox/outbox';
import { type DemoAccount, seedDemo } from '../../../src/demo/seed';
import { ReadingReminders } from '../../../src/features/readings/service';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import {
  createAccountWithMeters,
  freshAccountNumber,
  type PastReading,
  readingsService,
} from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';

/** 20 November 2026, 12:00 in Kamchatka: inside the 15–25 window, period 2026-11. */
const IN_WINDOW = new Date('2026-11-20T00:00:00Z');
/** 26 November 2026, 10:00 in Kamchatka: the window closed yesterday. */
const AFTER_WINDOW = new Date('2026-11-25T22:00:00Z');
let nextTelegramId = 9_300_000;

/** Six months of a steady two-zone household: ~150 kWh by day, ~80 by night, ending near 99 950. */
function steadyTwoZone(lastT1: number, lastT2: number): PastReading[] {
  return [5, 4, 3, 2, 1, 0].map((back) => ({
    period: `2026-${String(10 - back).padStart(2, '0')}`,
    at: `2026-${String(10 - back).padStart(2, '0')}-20T00:00:00.000Z`,
    kwh: { T1: lastT1 - back * 150, T2: lastT2 - back * 80 },
  }));
}

describe('ReadingsService', () => {
  let database: TestDatabase;
  let showcase: DemoAccount[];
  const byNote = (note: string): DemoAccount => {
    const account = showcase.find((a) => a.note === note);
    if (!account) throw new Error(`no showcase account "${note}"`);
    return account;
  };

  beforeAll(async () => {
    database = await withTestDatabase();
    ({ showcase } = await seedDemo(database.db, { accounts: 12, seed: 1, now: IN_WINDOW }));
  });
  afterAll(() => database.cleanup());

  /** A resident with their own account: one two-zone 5-digit meter close to rolling over. */
  async function residentWithRolloverMeter() {
    const resident = await loginResident(database.db, nextTelegramId++);
    const number = freshAccountNumber();
    const { accountId, meterIds } = await createAccountWithMeters(database.db, {
      number,
      meters: [
        { serial: `RL${number}`, zones: 2, digits: 5, readings: steadyTwoZone(99_950, 40_000) },
      ],
    });
    await linkDirectly(database.db, resident.userId, number);
    return { ...resident, accountId, meterId: meterIds[0] ?? 0 };
  }

  it('when a two-zone meter rolls over on one zone, then the consumption wraps past zero and the estimate uses the tariff in force', async () => {
    const anna = await residentWithRolloverMeter();
    const readings = readingsService(database.db, () => IN_WINDOW);
    const prepared = await readings.prepareReading(anna.userId, anna.meterId, {
      T1: '00 120',
      T2: '40080,5',
    });
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    expect(prepared.form.window).toMatchObject({ open: true, period: '2026-11' });
    expect(
      prepared.form.zones.map((z) => [z.zone, z.previous?.valueMilli, z.previous?.date]),
    ).toEqual([
      ['T1', 99_950_000, '2026-10-20'],
      ['T2', 40_000_000, '2026-10-20'],
    ]);
    expect(prepared.zones).toEqual([
      expect.objectContaining({
        zone: 'T1',
        status: 'ok',
        kind: 'rollover',
        consumptionMilli: 170_000,
        implausible: null,
      }),
      expect.objectContaining({
        zone: 'T2',
        status: 'ok',
        kind: 'normal',
        consumptionMilli: 80_500,
        implausible: null,
      }),
    ]);
    // Urban two-zone prices from July 2026: 9,27 ₽ by day, 4,43 ₽ by night.
    expect(prepared.zones.map((z) => (z.status === 'ok' ? z.chargeKopecks : null))).toEqual([
      170 * 927,
      Math.round(80.5 * 443),
    ]);
    expect(prepared.totalChargeKopecks).toBe(170 * 927 + Math.round(80.5 * 443));
    expect(prepared.complete).toBe(true);
    expect(prepared.implausible).toBe(false);

    const submitted = await readings.submitReading(
      anna.userId,
      anna.meterId,
      { T1: '00 120', T2: '40080,5' },
      { confirmedImplausible: false },
    );
    expect(submitted).toMatchObject({
      ok: true,
      period: '2026-11',
      replaced: false,
      flagged: false,
    });
    if (!submitted.ok) return;
    const rows = await database.db('meter_readings').whereIn('id', submitted.ids).orderBy('zone');
    expect(rows.map((r) => [r.zone, Number(r.value_milli), r.status, r.source, r.period])).toEqual([
      ['T1', 120_000, 'accepted', 'bot', '2026-11'],
      ['T2', 40_080_500, 'accepted', 'bot', '2026-11'],
    ]);
  });

  it('when a value is below the last accepted one and not a rollover, then it is refused with the last value quoted', async () => {
    const anna = await residentWithRolloverMeter();
    const readings = readingsService(database.db, () => IN_WINDOW);
    const prepared = await readings.prepareReading(anna.userId, anna.meterId, {
      T1: '99 949',
      T2: '4',
    });
    if (!prepared.ok) throw new Error('refused');
    expect(prepared.zones[0]).toEqual({
      zone: 'T1',
      status: 'below-previous',
      valueMilli: 99_949_000,
      previousMilli: 99_950_000,
      previousDate: '2026-10-20',
    });
    // 4 after 40 000 on a 5-digit register is not near the top: no rollover.
    expect(prepared.zones[1]).toMatchObject({
      status: 'below-previous',
      previousMilli: 40_000_000,
    });
    const submitted = await readings.submitReading(
      anna.userId,
      anna.meterId,
      { T1: '99 949', T2: '4' },
      {
        confirmedImplausible: true,
      },
    );
    expect(submitted).toMatchObject({ ok: false, refusal: 'invalid' });
  });

  it('when a value is not a number or too long for the register, then the zone says why', async () => {
    const anna = await residentWithRolloverMeter();
    const readings = readingsService(database.db, () => IN_WINDOW);
    const prepared = await readings.prepareReading(anna.userId, anna.meterId, {
      T1: '12a45',
      T2: '123456',
    });
    if (!prepared.ok) throw new Error('refused');
    expect(prepared.zones).toEqual([
      { zone: 'T1', status: 'invalid', reason: 'not-a-number' },
      { zone: 'T2', status: 'invalid', reason: 'too-many-digits' },
    ]);
  });

  it('when the consumption is implausible, then saving needs a confirmation and the confirmed reading is flagged', async () => {
    const anna = await residentWithRolloverMeter();
    const readings = readingsService(database.db, () => IN_WINDOW);
    // 99 950 → 1 000 is a rollover of 1 050 kWh: seven times the usual 150.
    const values = { T1: '1000', T2: '40080' };
    const prepared = await readings.prepareReading(anna.userId, anna.meterId, values);
    if (!prepared.ok) throw new Error('refused');
    expect(prepared.zones[0]).toMatchObject({
      status: 'ok',
      consumptionMilli: 1_050_000,
      implausible: 'over-3x-average',
    });
    expect(prepared.implausible).toBe(true);
    expect(
      await readings.submitReading(anna.userId, anna.meterId, values, {
        confirmedImplausible: false,
      }),
    ).toMatchObject({ ok: false, refusal: 'needs-confirmation' });
    expect(
      await database.db('meter_readings').where({ meter_id: anna.meterId, period: '2026-11' }),
    ).toEqual([]);

    const confirmed = await readings.submitReading(anna.userId, anna.meterId, values, {
      confirmedImplausible: true,
    });
    expect(confirmed).toMatchObject({ ok: true, flagged: true });
    const rows = await database
      .db('meter_readings')
      .where({ meter_id: anna.meterId, period: '2026-11' })
      .orderBy('zone');
    expect(rows.map((r) => [r.zone, Boolean(r.flagged), r.flag_reason])).toEqual([
      ['T1', true, 'over-3x-average'],
      ['T2', false, null],
    ]);
  });

  it('when a reading is sent twice in one period, then the first is replaced and the history shows both', async () => {
    const anna = await residentWithRolloverMeter();
    const readings = readingsService(database.db, () => IN_WINDOW);
    const first = await readings.submitReading(
      anna.userId,
      anna.meterId,
      { T1: '99990', T2: '40050' },
      {
        confirmedImplausible: false,
      },
    );
    const second = await readings.submitReading(
      anna.userId,
      anna.meterId,
      { T1: '0100', T2: '40070' },
      {
        confirmedImplausible: false,
      },
    );
    expect(first).toMatchObject({ ok: true, replaced: false });
    expect(second).toMatchObject({ ok: true, replaced: true });
    // The resubmission is checked against October, not against the reading it replaces.
    const form = await readings.readingForm(anna.userId, anna.meterId);
    if (!form.ok) throw new Error('refused');
    expect(form.form.zones.map((z) => [z.previous?.valueMilli, z.sentThisPeriodMilli])).toEqual([
      [99_950_000, 100_000],
      [40_000_000, 40_070_000],
    ]);
    const history = await readings.history(anna.userId, anna.accountId, 0);
    expect(history?.items.slice(0, 4).map((i) => [i.zone, i.valueMilli, i.status])).toEqual([
      // Newest submission first, each one's zones in order Т1, Т2 (issue 14).
      ['T1', 100_000, 'accepted'],
      ['T2', 40_070_000, 'accepted'],
      ['T1', 99_990_000, 'replaced'],
      ['T2', 40_050_000, 'replaced'],
    ]);
    expect(history?.items[4]).toMatchObject({
      period: '2026-10',
      status: 'billed',
      date: '2026-10-20',
    });
    expect(history?.pages).toBe(2); // 4 new + 12 past rows, 8 a page
  });

  it('when the meter is on automated metering or its verification expired, then no reading is taken, with the reason', async () => {
    const anna = await loginResident(database.db, nextTelegramId++);
    const accountId = await linkDirectly(
      database.db,
      anna.userId,
      byNote('automated metering').number,
    );
    const expiredAccountId = await linkDirectly(
      database.db,
      anna.userId,
      byNote('verification expired').number,
    );
    const readings = readingsService(database.db, () => IN_WINDOW);
    const [automated] = (await readings.meterChoices(anna.userId, accountId)) ?? [];
    const [expired] = (await readings.meterChoices(anna.userId, expiredAccountId)) ?? [];
    expect(automated?.refusal).toBe('automated');
    expect(expired?.refusal).toBe('verification-expired');
    expect(
      await readings.prepareReading(anna.userId, automated?.meterId ?? 0, { T1: '1' }),
    ).toMatchObject({
      ok: false,
      refusal: 'automated',
    });
    expect(
      await readings.submitReading(
        anna.userId,
        expired?.meterId ?? 0,
        { T1: '99999' },
        { confirmedImplausible: true },
      ),
    ).toMatchObject({ ok: false, refusal: 'verification-expired' });
  });

  it('when a resident names a meter or an account of someone else, then it is refused and nothing is revealed or written', async () => {
    const owner = await residentWithRolloverMeter();
    const stranger = await loginResident(database.db, nextTelegramId++);
    const readings = readingsService(database.db, () => IN_WINDOW);
    expect(await readings.meterChoices(stranger.userId, owner.accountId)).toBeUndefined();
    expect(await readings.readingForm(stranger.userId, owner.meterId)).toEqual({
      ok: false,
      refusal: 'not-linked',
    });
    expect(await readings.readingForm(stranger.userId, 987_654_321)).toEqual({
      ok: false,
      refusal: 'not-linked',
    });
    expect(
      await readings.submitReading(
        stranger.userId,
        owner.meterId,
        { T1: '99990', T2: '40010' },
        {
          confirmedImplausible: true,
        },
      ),
    ).toMatchObject({ ok: false, refusal: 'not-linked' });
    expect(await readings.history(stranger.userId, owner.accountId, 0)).toBeUndefined();
    expect(
      await database.db('meter_readings').where({ meter_id: owner.meterId, period: '2026-11' }),
    ).toEqual([]);
    const denied = await database
      .db('audit_log')
      .where({ user_id: stranger.userId, action: 'account.access.denied' });
    expect(denied.length).toBeGreaterThanOrEqual(4);
  });

  it('when the account is unlinked while the reading flow is open, then the submission is refused, nothing is written and the denial is audited', async () => {
    const owner = await residentWithRolloverMeter();
    const readings = readingsService(database.db, () => IN_WINDOW);
    const opened = await readings.readingForm(owner.userId, owner.meterId);
    if (!opened.ok) throw new Error(`the owner's form did not open: ${opened.refusal}`);
    await database.db('account_links').where({ user_id: owner.userId }).delete();
    expect(
      await readings.submitOnForm(
        owner.userId,
        opened.form,
        { T1: '99990', T2: '40010' },
        { confirmedImplausible: true },
      ),
    ).toEqual({ ok: false, refusal: 'not-linked' });
    expect(
      await database.db('meter_readings').where({ meter_id: owner.meterId, period: '2026-11' }),
    ).toEqual([]);
    const denied = await database
      .db('audit_log')
      .where({ user_id: owner.userId, action: 'account.access.denied' });
    expect(denied).toHaveLength(1);
  });

  it('when a reading comes after the window, then it counts for the next period, or is refused under the refuse policy', async () => {
    const anna = await residentWithRolloverMeter();
    const late = readingsService(database.db, () => AFTER_WINDOW);
    expect(late.window()).toEqual({
      open: false,
      accepts: true,
      period: '2026-12',
      late: true,
      opensOn: '2026-12-15',
      closesOn: '2026-12-25',
    });
    const submitted = await late.submitReading(
      anna.userId,
      anna.meterId,
      { T1: '99990', T2: '40050' },
      {
        confirmedImplausible: false,
      },
    );
    expect(submitted).toMatchObject({ ok: true, period: '2026-12' });

    const strict = readingsService(database.db, () => AFTER_WINDOW, { latePolicy: 'refuse' });
    expect(await strict.readingForm(anna.userId, anna.meterId)).toMatchObject({
      ok: false,
      refusal: 'window-closed',
      window: { open: false, accepts: false, opensOn: '2026-12-15' },
    });
  });

  it('when the window boundary passes in Kamchatka, then 23:59 on the 25th is inside and 00:00 on the 26th is outside', () => {
    const at = (iso: string) => readingsService(database.db, () => new Date(iso)).window();
    expect(at('2026-11-25T11:59:00Z')).toMatchObject({ open: true, period: '2026-11' }); // 23:59 local
    expect(at('2026-11-25T12:00:00Z')).toMatchObject({ open: false, period: '2026-12' }); // 00:00 local
    expect(at('2026-11-14T12:00:00Z')).toMatchObject({ open: true, period: '2026-11' }); // 00:00 on the 15th
  });

  it('when the reminder job runs on the reminder day, then each resident without a reading gets one reminder, once, unless opted out', async () => {
    const reminderDay = new Date('2026-11-20T00:00:00Z'); // the 20th, 12:00 local
    const db = database.db;
    const outbox = new Outbox(db, () => reminderDay);
    const job = new ReadingReminders({
      db,
      outbox,
      translate: (locale, key, vars) => `${locale}|${key}|${JSON.stringify(vars ?? {})}`,
      localeOf: async (id) => (id === english.telegramUserId ? 'en' : 'ru'),
      timeZone: 'Asia/Kamchatka',
      window: { startDay: 15, endDay: 25 },
      latePolicy: 'next-period',
      reminderDay: 20,
    });
    const readings = readingsService(db, () => reminderDay);
    const silent = await residentWithRolloverMeter();
    const english = await residentWithRolloverMeter();
    const optedOut = await residentWithRolloverMeter();
    const alreadySent = await residentWithRolloverMeter();
    await readings.setRemindersEnabled(optedOut.userId, false);
    expect(await readings.remindersEnabled(optedOut.userId)).toBe(false);
    await readings.submitReading(
      alreadySent.userId,
      alreadySent.meterId,
      { T1: '99990', T2: '40050' },
      {
        confirmedImplausible: false,
      },
    );

    // The day before the reminder day: nothing yet.
    await job.run(new Date('2026-11-19T00:00:00Z'));
    const keyOf = (r: { telegramUserId: number; accountId: number }) =>
      `reading-reminder:${r.telegramUserId}:${r.accountId}:2026-11`;
    const reminders = () => db('outbox').where({ kind: 'reading-reminder' }).orderBy('id');
    expect(await reminders()).toEqual([]);

    await job.run(reminderDay);
    await job.run(reminderDay);
    const rows = await reminders();
    const keys = rows.map((r) => r.dedupe_key);
    expect(keys).toContain(keyOf(silent));
    expect(keys).toContain(keyOf(english));
    expect(keys).not.toContain(keyOf(optedOut));
    expect(keys).not.toContain(keyOf(alreadySent));
    expect(new Set(keys).size).toBe(keys.length);
    const englishRow = rows.find((r) => r.dedupe_key === keyOf(english));
    expect(JSON.parse(englishRow.payload).text).toMatch(/^en\|readings-reminder\|/);
    expect(JSON.parse(englishRow.payload).text).toContain('"until":"25 November 2026"');
    expect(englishRow.expires_at).toBe('2026-11-25T12:00:00.000Z');
  });

  it('when a meter’s verification is due within 60 days, then its holder gets one notice per due date', async () => {
    const now = new Date('2026-11-20T00:00:00Z');
    const db = database.db;
    const anna = await loginResident(db, nextTelegramId++);
    await linkDirectly(db, anna.userId, byNote('verification due soon').number);
    const job = new ReadingReminders({
      db,
      outbox: new Outbox(db, () => now),
      translate: (_locale, key, vars) => `${key} ${JSON.stringify(vars ?? {})}`,
      localeOf: async () => 'ru',
      timeZone: 'Asia/Kamchatka',
      window: { startDay: 15, endDay: 25 },
      latePolicy: 'next-period',
      reminderDay: 20,
    });
    await job.run(now);
    await job.run(now);
    const notices = await db('outbox').where({
      kind: 'verification-due',
      chat_id: anna.telegramUserId,
    });
    expect(notices).toHaveLength(1);
    expect(JSON.parse(notices[0].payload).text).toContain(
      byNote('verification due soon').meterSerial,
    );
    // The date in words through format.ts («22 января 2027»), not «22.01.2027».
    const vars = JSON.parse(JSON.parse(notices[0].payload).text.replace(/^\S+ /, ''));
    expect(vars.date).toMatch(/^\d{1,2} [а-яё]+ \d{4}$/);
  });
});
