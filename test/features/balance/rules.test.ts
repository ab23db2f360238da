import { describe, expect, it } from 'vitest';
import {
  addMonths,
  dueDateOf,
  isPeriod,
  periodsEndingWith,
} from '../../../src/features/balance/rules';

describe('balance rules', () => {
  it('when a period is moved across a year boundary, then the year changes with it', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-05', -17)).toBe('2024-12');
  });

  it('when a bill is for a period, then it is due on the 10th of the next month (ПП 354), or the configured day', () => {
    expect(dueDateOf('2026-10', 10)).toBe('2026-11-10');
    expect(dueDateOf('2026-12', 10)).toBe('2027-01-10');
    expect(dueDateOf('2026-12', 25)).toBe('2027-01-25');
  });

  it('when the chart asks for twelve months, then they end with the given one, oldest first', () => {
    const periods = periodsEndingWith('2026-10', 12);
    expect(periods).toHaveLength(12);
    expect(periods[0]).toBe('2025-11');
    expect(periods.at(-1)).toBe('2026-10');
  });

  it('when callback data carries a period, then only a real YYYY-MM passes', () => {
    expect(isPeriod('2026-10')).toBe(true);
    expect(isPeriod('2026-13')).toBe(false);
    expect(isPeriod('2026-1')).toBe(false);
    expect(isPeriod("2026-10' or 1=1")).toBe(false);
  });
});
