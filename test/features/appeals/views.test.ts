import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminCardText, dueDate, localDateTime } from '../../../src/features/appeals/views';

const texts = (locale: string) => ({
  locale,
  timeZone: 'Asia/Kamchatka',
  t: (key: string, vars?: Record<string, string | number>) =>
    vars ? `${key} ${Object.values(vars).join(' | ')}` : key,
});

describe('appeal views: dates and phones through the one formatting module', () => {
  it('when an appeal time is shown, then it reads «30 ноября 2026, 10:39» like every other screen (no «г. в»)', () => {
    expect(localDateTime(texts('ru'), '2026-11-29T22:39:00Z')).toBe('30 ноября 2026, 10:39');
    expect(localDateTime(texts('en'), '2026-11-29T22:39:00Z')).toBe('30 November 2026, 10:39');
  });

  it('when the deadline is local midnight (exclusive), then the day before is shown, month in words', () => {
    // 2026-12-04 00:00 in Kamchatka (UTC+12) is 2026-12-03T12:00Z.
    expect(dueDate(texts('ru'), '2026-12-03T12:00:00Z')).toBe('3 декабря 2026');
    expect(dueDate(texts('en'), '2026-12-03T12:00:00Z')).toBe('3 December 2026');
  });

  it('when staff see an appeal card, then the resident’s phone reads «+7 (914) 777-00-11»', () => {
    const card = {
      number: 'А-2026-1',
      topic: 'other',
      status: 'new',
      dueAt: '2026-12-03T12:00:00Z',
      overdue: false,
      takenBy: null,
      takenByName: null,
      accountNumber: null,
      resident: { fullName: 'Иванова Анна Петровна', email: null, phone: '+79147770011' },
      messages: [],
    } as unknown as Parameters<typeof adminCardText>[1];
    expect(adminCardText(texts('ru'), card)).toContain('+7 (914) 777-00-11');
  });

  it('when the sources render a date, then only src/core/format.ts builds a date formatter for people', () => {
    const src = join(import.meta.dirname, '../../../src');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return name === 'sandbox' ? [] : files(path);
        return path.endsWith('.ts') ? [path] : [];
      });
    const offenders = files(src).filter(
      (file) =>
        !file.endsWith(join('core', 'format.ts')) &&
        /DateTimeFormat\([^)]*(?:ru-RU|en-GB)|toLocale(?:Date|Time)?String/.test(
          readFileSync(file, 'utf8'),
        ),
    );
    expect(offenders).toEqual([]);
  });
});
