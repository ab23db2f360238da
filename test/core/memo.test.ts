import { describe, expect, it } from 'vitest';
import { localDate } from '../../src/core/format';
import { Memo } from '../../src/core/memo';

describe('Memo (results of pure formatting, kept for reuse)', () => {
  it('when a key is asked again, then the result is reused; when the memo is full, then it starts afresh and never holds more than its limit', () => {
    const memo = new Memo<number>(3);
    let computed = 0;
    const square = (n: number) =>
      memo.get(n, () => {
        computed++;
        return String(n * n);
      });
    expect([square(2), square(2), square(3)]).toEqual(['4', '4', '9']);
    expect(computed).toBe(2);
    square(4);
    square(5); // the fourth key: the memo starts afresh
    expect(computed).toBe(4);
    expect(square(2)).toBe('4');
    expect(computed).toBe(5);
  });
});

describe('localDate reused within a UTC minute', () => {
  it('when local midnight passes between two calls a minute apart, then the second call gives the new date (Kamchatka: midnight is 12:00 UTC)', () => {
    expect(localDate('2026-11-29T11:59:59.000Z', 'Asia/Kamchatka')).toBe('2026-11-29');
    expect(localDate('2026-11-29T12:00:00.000Z', 'Asia/Kamchatka')).toBe('2026-11-30');
    expect(localDate('2026-11-29T11:59:00.000Z', 'Asia/Kamchatka')).toBe('2026-11-29');
    // Another zone in between does not disturb Kamchatka's remembered minute.
    expect(localDate('2026-11-29T11:59:30.000Z', 'Europe/Moscow')).toBe('2026-11-29');
    expect(localDate('2026-11-29T11:59:30.000Z', 'Asia/Kamchatka')).toBe('2026-11-29');
  });
});
