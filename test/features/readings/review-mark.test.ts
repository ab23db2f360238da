import { describe, expect, it } from 'vitest';
import { readingMarkIn } from '../../../src/features/readings/review';

describe('the reading a review prompt names', () => {
  it('when the prompt names #R5558, then it is reading 5558', () => {
    expect(readingMarkIn('Причина отклонения показаний #R5558: напишите её ответом (reply)')).toBe(
      5558,
    );
    expect(readingMarkIn('⚠️ Показания на проверку #R12\nЛицевой счёт: 1')).toBe(12);
  });

  it('when an old prompt grouped the id («#R5 558», a no-break space), then the whole id is read, not 5', () => {
    expect(readingMarkIn('Причина отклонения показаний #R5 558: напишите')).toBe(5558);
    expect(readingMarkIn('показаний #R1\u00A0234\u00A0567: напишите')).toBe(1_234_567);
    expect(readingMarkIn('#R12\u202F345')).toBe(12_345);
  });

  it('when there is no mark, then there is no reading', () => {
    expect(readingMarkIn('Ответ по обращению А-2026-000001')).toBeUndefined();
    expect(readingMarkIn('#R')).toBeUndefined();
  });
});
