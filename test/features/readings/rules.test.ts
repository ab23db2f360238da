import { describe, expect, it } from 'vitest';
import {
  checkAgainstPrevious,
  checkPlausibility,
  DEFAULT_ZONE_SCHEDULE,
  estimateCharge,
  instantOfLocal,
  localPartsOf,
  parseReadingValue,
  readingsWindow,
  zoneAt,
  zonesOf,
} from '../../../src/features/readings/rules';

const meter = { digits: 5, fractionDigits: 1 };

describe('parseReadingValue', () => {
  it.each([
    ['12345', 12_345_000],
    ['12 345', 12_345_000],
    ['12\u00A0345', 12_345_000],
    ['12\u202F345', 12_345_000],
    ['12\u2009345,6', 12_345_600],
    ['12345,6', 12_345_600],
    ['12345.6', 12_345_600],
    ['  00042 ', 42_000],
    ['0', 0],
    ['99999,9', 99_999_900],
    ['12345,600', 12_345_600],
    ['+15', 15_000],
  ])('when the resident types "%s", then it reads exactly %i thousandths', (text, milli) => {
    expect(parseReadingValue(text, meter)).toEqual({ ok: true, milli });
  });

  it('when the register has 3 decimals, then thousandths are kept exactly (no float drift)', () => {
    expect(parseReadingValue('1234,567', { digits: 6, fractionDigits: 3 })).toEqual({
      ok: true,
      milli: 1_234_567,
    });
    expect(parseReadingValue('0.1', { digits: 6, fractionDigits: 3 })).toEqual({
      ok: true,
      milli: 100,
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not-a-number'],
    ['12a45', 'not-a-number'],
    ['1,2,3', 'not-a-number'],
    ['12345,', 'not-a-number'],
    [',5', 'not-a-number'],
    ['1e4', 'not-a-number'],
    ['-5', 'negative'],
    ['\u22125', 'negative'],
    ['-x', 'not-a-number'],
    ['123456', 'too-many-digits'],
    ['12345,67', 'too-many-decimals'],
  ])('when the resident types "%s", then it is refused as %s', (text, reason) => {
    expect(parseReadingValue(text, meter)).toEqual({ ok: false, reason });
  });

  it('when leading zeros pad the register, then they do not count as extra digits', () => {
    expect(parseReadingValue('000012345', meter)).toEqual({ ok: true, milli: 12_345_000 });
  });

  it('when the register allows no decimals, then any decimal digit is refused', () => {
    expect(parseReadingValue('12,5', { digits: 5, fractionDigits: 0 })).toEqual({
      ok: false,
      reason: 'too-many-decimals',
    });
  });
});

describe('checkAgainstPrevious', () => {
  it('when there is no previous reading, then it is the first one with no consumption yet', () => {
    expect(checkAgainstPrevious({ previousMilli: null, newMilli: 5_000, digits: 5 })).toEqual({
      ok: true,
      kind: 'first',
      consumptionMilli: null,
    });
  });

  it('when the value grows or stays, then consumption is the difference', () => {
    expect(
      checkAgainstPrevious({ previousMilli: 12_000_000, newMilli: 12_150_500, digits: 5 }),
    ).toEqual({ ok: true, kind: 'normal', consumptionMilli: 150_500 });
    expect(
      checkAgainstPrevious({ previousMilli: 12_000_000, newMilli: 12_000_000, digits: 5 }),
    ).toEqual({ ok: true, kind: 'normal', consumptionMilli: 0 });
  });

  it('when a reading is below the last one, then it is refused with the last value quoted', () => {
    expect(
      checkAgainstPrevious({ previousMilli: 12_000_000, newMilli: 11_999_000, digits: 5 }),
    ).toEqual({ ok: false, reason: 'below-previous', previousMilli: 12_000_000 });
  });

  it('when the register was near 99999 and shows a small value, then it is a rollover', () => {
    // 99 950 → 00 120 on a 5-digit meter: 100000 − 99950 + 120 = 170 kWh.
    expect(
      checkAgainstPrevious({ previousMilli: 99_950_000, newMilli: 120_000, digits: 5 }),
    ).toEqual({ ok: true, kind: 'rollover', consumptionMilli: 170_000 });
  });

  it('when previous is at the very top of the register, then rolling to zero consumes the rest', () => {
    expect(checkAgainstPrevious({ previousMilli: 999_999_900, newMilli: 0, digits: 6 })).toEqual({
      ok: true,
      kind: 'rollover',
      consumptionMilli: 100,
    });
  });

  it('when previous is exactly on the 90 % line, then a rollover is accepted; just below, refused', () => {
    expect(checkAgainstPrevious({ previousMilli: 90_000_000, newMilli: 10, digits: 5 }).ok).toBe(
      true,
    );
    expect(
      checkAgainstPrevious({ previousMilli: 89_999_999, newMilli: 10, digits: 5 }),
    ).toMatchObject({ ok: false, reason: 'below-previous' });
  });

  it('when previous is near the top but the new value is not small, then it is refused', () => {
    expect(
      checkAgainstPrevious({ previousMilli: 99_000_000, newMilli: 10_000_000, digits: 5 }),
    ).toEqual({ ok: false, reason: 'below-previous', previousMilli: 99_000_000 });
  });
});

describe('checkPlausibility', () => {
  const cap = { days: 30, perDayCapMilli: 100_000 }; // 100 kWh a day

  it('when consumption is ordinary, then it is plausible', () => {
    expect(
      checkPlausibility({
        consumptionMilli: 250_000,
        recentMonthlyMilli: [200_000, 300_000],
        ...cap,
      }),
    ).toEqual({ ok: true });
  });

  it('when consumption is exactly 3× the average, then it is still plausible; above, it is not', () => {
    const recent = [100_000, 200_000, 300_000]; // average 200 kWh
    expect(
      checkPlausibility({ consumptionMilli: 600_000, recentMonthlyMilli: recent, ...cap }),
    ).toEqual({ ok: true });
    expect(
      checkPlausibility({ consumptionMilli: 600_001, recentMonthlyMilli: recent, ...cap }),
    ).toEqual({ ok: false, reason: 'over-3x-average', reasons: ['over-3x-average'] });
  });

  it('when consumption exceeds the per-day cap over the days, then it is implausible', () => {
    expect(
      checkPlausibility({
        consumptionMilli: 3_000_001,
        recentMonthlyMilli: [],
        days: 30,
        perDayCapMilli: 100_000,
      }),
    ).toEqual({ ok: false, reason: 'over-daily-cap', reasons: ['over-daily-cap'] });
  });

  it('when both limits are exceeded, then both reasons are given, the cap first', () => {
    expect(
      checkPlausibility({ consumptionMilli: 5_000_000, recentMonthlyMilli: [200_000], ...cap }),
    ).toEqual({
      ok: false,
      reason: 'over-daily-cap',
      reasons: ['over-daily-cap', 'over-3x-average'],
    });
  });

  it('when there is no history or only zeros, then only the daily cap applies', () => {
    expect(
      checkPlausibility({ consumptionMilli: 2_000_000, recentMonthlyMilli: [0, 0], ...cap }),
    ).toEqual({ ok: true });
  });

  it('when zero days passed (same-day resubmission), then the cap counts one day', () => {
    expect(
      checkPlausibility({
        consumptionMilli: 100_001,
        recentMonthlyMilli: [],
        days: 0,
        perDayCapMilli: 100_000,
      }),
    ).toMatchObject({ ok: false, reason: 'over-daily-cap' });
  });
});

describe('zones', () => {
  it('when a meter has 1, 2 or 3 zones, then its zones are T1 / T1,T2 / T1,T2,T3 with names', () => {
    expect(zonesOf(1)).toEqual([{ code: 'T1', role: 'all-day', name: 'круглосуточно' }]);
    expect(zonesOf(2).map((zone) => [zone.code, zone.name])).toEqual([
      ['T1', 'день'],
      ['T2', 'ночь'],
    ]);
    expect(zonesOf(3).map((zone) => [zone.code, zone.name])).toEqual([
      ['T1', 'пик'],
      ['T2', 'ночь'],
      ['T3', 'полупик'],
    ]);
  });

  it.each([
    [0, 0, 'T2', 'T2'],
    [6, 59, 'T2', 'T2'],
    [7, 0, 'T1', 'T1'],
    [9, 59, 'T1', 'T1'],
    [10, 0, 'T1', 'T3'],
    [16, 59, 'T1', 'T3'],
    [17, 0, 'T1', 'T1'],
    [20, 59, 'T1', 'T1'],
    [21, 0, 'T1', 'T3'],
    [22, 59, 'T1', 'T3'],
    [23, 0, 'T2', 'T2'],
  ])(
    'when it is %i:%i local, then a 2-zone meter counts %s and a 3-zone meter %s',
    (hour, minute, two, three) => {
      expect(zoneAt({ hour, minute }, 1)).toBe('T1');
      expect(zoneAt({ hour, minute }, 2)).toBe(two);
      expect(zoneAt({ hour, minute }, 3, DEFAULT_ZONE_SCHEDULE)).toBe(three);
    },
  );

  it('when a region configures its own schedule, then zoneAt follows it', () => {
    const schedule = {
      night: [{ from: '22:00', to: '06:00' }],
      peak: [{ from: '08:00', to: '11:00' }],
    };
    expect(zoneAt({ hour: 22, minute: 30 }, 2, schedule)).toBe('T2');
    expect(zoneAt({ hour: 6, minute: 0 }, 3, schedule)).toBe('T3');
    expect(zoneAt({ hour: 8, minute: 0 }, 3, schedule)).toBe('T1');
  });
});

describe('readingsWindow in Asia/Kamchatka (UTC+12)', () => {
  const timeZone = 'Asia/Kamchatka';
  const at = (year: number, month: number, day: number, hour: number, minute: number) =>
    instantOfLocal({ year, month, day, hour, minute }, timeZone);
  const window = (now: Date, latePolicy: 'next-period' | 'refuse' = 'next-period') =>
    readingsWindow({ now, timeZone, startDay: 15, endDay: 25, latePolicy });

  it('when converting local Kamchatka time, then it is 12 hours ahead of UTC', () => {
    expect(at(2026, 11, 26, 0, 0).toISOString()).toBe('2026-11-25T12:00:00.000Z');
    expect(localPartsOf(new Date('2026-11-25T11:59:00Z'), timeZone)).toMatchObject({
      year: 2026,
      month: 11,
      day: 25,
      hour: 23,
      minute: 59,
    });
  });

  it('when it is 23:59 local on the last day, then the window is open for this period', () => {
    expect(window(at(2026, 11, 25, 23, 59))).toEqual({
      open: true,
      accepts: true,
      period: '2026-11',
      closesAt: new Date('2026-11-25T12:00:00Z'),
    });
  });

  it('when it is 00:00 local the day after, then it is closed and counts for the next period', () => {
    // 2026-11-25T12:00Z is still the 25th in UTC: the local day decides.
    expect(window(at(2026, 11, 26, 0, 0))).toEqual({
      open: false,
      accepts: true,
      period: '2026-12',
      opensAt: new Date('2026-12-14T12:00:00Z'),
      closesAt: new Date('2026-12-25T12:00:00Z'),
    });
  });

  it('when the policy is refuse, then a late reading is not taken but the next window is told', () => {
    expect(window(at(2026, 11, 26, 0, 0), 'refuse')).toMatchObject({
      open: false,
      accepts: false,
      period: '2026-12',
      opensAt: new Date('2026-12-14T12:00:00Z'),
    });
  });

  it('when it is 23:59 local the day before the first day, then it is closed until local midnight', () => {
    expect(window(at(2026, 11, 14, 23, 59))).toMatchObject({
      open: false,
      period: '2026-11',
      opensAt: new Date('2026-11-14T12:00:00Z'),
    });
  });

  it('when it is 00:00 local on the first day, then the window is open', () => {
    expect(window(at(2026, 11, 15, 0, 0))).toMatchObject({ open: true, period: '2026-11' });
    expect(window(new Date('2026-11-14T12:00:00Z')).open).toBe(true);
    expect(window(new Date('2026-11-14T11:59:59Z')).open).toBe(false);
  });

  it('when it is after the window in December, then the next window is in January of next year', () => {
    expect(window(at(2026, 12, 31, 12, 0))).toMatchObject({
      open: false,
      period: '2027-01',
      opensAt: new Date('2027-01-14T12:00:00Z'),
    });
  });

  it('when endDay is 30 in February, then the window clamps to the 28th (29th in a leap year)', () => {
    const feb = (year: number, day: number, hour = 23, minute = 59) =>
      readingsWindow({
        now: instantOfLocal({ year, month: 2, day, hour, minute }, timeZone),
        timeZone,
        startDay: 23,
        endDay: 30,
        latePolicy: 'next-period',
      });
    expect(feb(2027, 28)).toMatchObject({
      open: true,
      period: '2027-02',
      closesAt: at(2027, 3, 1, 0, 0),
    });
    expect(
      readingsWindow({
        now: at(2027, 3, 1, 0, 0),
        timeZone,
        startDay: 23,
        endDay: 30,
        latePolicy: 'next-period',
      }),
    ).toMatchObject({ open: false, period: '2027-03', opensAt: at(2027, 3, 23, 0, 0) });
    expect(feb(2028, 29)).toMatchObject({ open: true, period: '2028-02' });
  });

  it('when both days are past a short month, then both clamp to its last day', () => {
    expect(
      readingsWindow({
        now: at(2027, 2, 28, 10, 0),
        timeZone,
        startDay: 30,
        endDay: 31,
        latePolicy: 'refuse',
      }),
    ).toMatchObject({ open: true, period: '2027-02' });
  });

  it('when the window days are inverted, then it is a configuration error', () => {
    expect(() =>
      readingsWindow({ now: new Date(), timeZone, startDay: 25, endDay: 15, latePolicy: 'refuse' }),
    ).toThrow(RangeError);
  });

  it('when the zone observes DST (Europe/Moscow 2010), then local midnight is still exact', () => {
    // Moscow switched to summer time on 2010-03-28 at 02:00 (UTC+3 → UTC+4).
    expect(instantOfLocal({ year: 2010, month: 3, day: 29 }, 'Europe/Moscow').toISOString()).toBe(
      '2010-03-28T20:00:00.000Z',
    );
    expect(instantOfLocal({ year: 2010, month: 3, day: 27 }, 'Europe/Moscow').toISOString()).toBe(
      '2010-03-26T21:00:00.000Z',
    );
  });
});

describe('estimateCharge', () => {
  it('when one zone is charged, then it is volume × price rounded half-up to the kopeck', () => {
    // 150.5 kWh × 6.37 ₽ = 958.685 ₽ → 958.69 ₽
    expect(estimateCharge({ T1: 150_500 }, { T1: 637 })).toBe(95_869);
    // 0.1 kWh × 6.37 ₽ = 0.637 ₽ → 0.64; 0.1 kWh × 6.35 = 0.635 → 0.64 (half-up)
    expect(estimateCharge({ T1: 100 }, { T1: 635 })).toBe(64);
    expect(estimateCharge({ T1: 100 }, { T1: 634 })).toBe(63);
  });

  it('when several zones are charged, then each line is rounded on its own and summed', () => {
    // T1: 0.1 × 6.35 = 0.635 → 0.64; T2: 0.1 × 3.05 = 0.305 → 0.31; total 0.95 (not round(0.94))
    expect(estimateCharge({ T1: 100, T2: 100 }, { T1: 635, T2: 305 })).toBe(95);
  });

  it('when a zone has consumption but no price, then it is a configuration error', () => {
    expect(() => estimateCharge({ T1: 100, T3: 5 }, { T1: 635 })).toThrow(/T3/);
  });

  it('when consumption is zero, then the charge is zero even without a price', () => {
    expect(estimateCharge({ T1: 0 }, {})).toBe(0);
  });
});
