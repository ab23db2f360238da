import { describe, expect, it } from 'vitest';
import { deadlineDate, isWorkingDay } from '../../../src/features/appeals/calendar';
import {
  answerDueAt,
  appealNumber,
  isOverdue,
  median,
  nextStatus,
} from '../../../src/features/appeals/rules';

const d = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};
const iso = (x: { year: number; month: number; day: number }) =>
  `${x.year}-${String(x.month).padStart(2, '0')}-${String(x.day).padStart(2, '0')}`;

describe('the production calendar', () => {
  it('when a day is a public holiday of art. 112 (New Year, 23 February, 12 June), then it is not a working day', () => {
    for (const day of [
      '2026-01-01',
      '2026-01-07',
      '2026-01-08',
      '2026-02-23',
      '2026-06-12',
      '2026-11-04',
    ]) {
      expect(isWorkingDay(d(day)), day).toBe(false);
    }
    expect(isWorkingDay(d('2026-02-24'))).toBe(true);
  });

  it('when a holiday falls on a Sunday, then the next Monday is a day off (8 March 2026 → 9 March)', () => {
    expect(isWorkingDay(d('2026-03-09'))).toBe(false);
    expect(isWorkingDay(d('2026-03-10'))).toBe(true);
    // 9 May 2026 is a Saturday: Monday 11 May is off.
    expect(isWorkingDay(d('2026-05-11'))).toBe(false);
  });

  it('when a January weekend holiday is moved by decree, then the configured day off and working Saturday count', () => {
    expect(isWorkingDay(d('2026-01-09'))).toBe(true);
    const transfers = { daysOff: ['2026-01-09'], workdays: ['2025-11-01'] };
    expect(isWorkingDay(d('2026-01-09'), transfers)).toBe(false);
    expect(isWorkingDay(d('2025-11-01'), transfers)).toBe(true);
  });

  it('when an appeal comes on Friday before 8 March 2026, then 3 working days end on Thursday 12 March', () => {
    expect(iso(deadlineDate(d('2026-03-06'), 3))).toBe('2026-03-12');
  });

  it('when an appeal comes before the New Year holidays, then the deadline skips them and the decreed days off', () => {
    const transfers = { daysOff: ['2026-12-31'], workdays: [] };
    // 30 Dec (1), 31 Dec off by decree, 1–8 Jan holidays, 9–10 Jan weekend, 11 Jan (2), 12 Jan (3).
    expect(iso(deadlineDate(d('2026-12-29'), 3, transfers))).toBe('2027-01-12');
  });

  it('when a working Saturday is configured, then it counts towards the deadline', () => {
    const transfers = { daysOff: ['2025-11-03'], workdays: ['2025-11-01'] };
    expect(iso(deadlineDate(d('2025-10-31'), 3, transfers))).toBe('2025-11-06');
  });
});

describe('appeal rules', () => {
  it('when numbered, then the number reads А-year-six digits', () => {
    expect(appealNumber(2026, 123)).toBe('А-2026-000123');
  });

  it('when received late on a Friday evening in Kamchatka, then the deadline is local midnight after the third working day', () => {
    // 2026-03-06 22:00 in Kamchatka is 10:00Z the same day.
    const due = answerDueAt(new Date('2026-03-06T10:00:00Z'), 3, 'Asia/Kamchatka');
    // Close of 12 March local = 13 March 00:00 +12 = 12 March 12:00Z.
    expect(due.toISOString()).toBe('2026-03-12T12:00:00.000Z');
  });

  it('when the UTC date is still the day before, then the local day of receipt counts', () => {
    // 2026-03-05T13:00Z is Friday 6 March 01:00 in Kamchatka.
    const due = answerDueAt(new Date('2026-03-05T13:00:00Z'), 3, 'Asia/Kamchatka');
    expect(due.toISOString()).toBe('2026-03-12T12:00:00.000Z');
  });

  it('when staff take a new appeal, it is in work; taking it again or acting on a closed one is refused', () => {
    expect(nextStatus('new', 'staff-take')).toBe('in_progress');
    expect(nextStatus('in_progress', 'staff-take')).toBeNull();
    expect(nextStatus('in_progress', 'staff-answer')).toBe('answered');
    expect(nextStatus('answered', 'resident-answer')).toBe('in_progress');
    expect(nextStatus('answered', 'resident-close')).toBe('closed');
    expect(nextStatus('closed', 'staff-answer')).toBeNull();
    expect(nextStatus('closed', 'resident-answer')).toBeNull();
  });

  it('when the deadline passed without an answer, then the appeal is overdue; answered or closed ones are not', () => {
    const dueAt = '2026-03-12T12:00:00.000Z';
    const after = new Date('2026-03-12T12:00:00Z');
    const before = new Date('2026-03-12T11:59:59Z');
    expect(isOverdue({ status: 'in_progress', dueAt, firstAnsweredAt: null }, after)).toBe(true);
    expect(isOverdue({ status: 'new', dueAt, firstAnsweredAt: null }, before)).toBe(false);
    expect(isOverdue({ status: 'answered', dueAt, firstAnsweredAt: dueAt }, after)).toBe(false);
    expect(isOverdue({ status: 'closed', dueAt, firstAnsweredAt: null }, after)).toBe(false);
  });

  it('when durations are given, then the median is the middle one (or the mean of the two middle ones)', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
