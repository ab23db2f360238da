import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/core/paging';

describe('a text too long for one message', () => {
  it('when it is split, then every piece fits, the pieces join back to the text, and words are not cut', () => {
    const text = Array.from({ length: 900 }, (_, i) => `слово${i}`).join(' ');
    const pieces = splitText(text, 1000);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(1000);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces.slice(0, -1)) expect(piece.endsWith(' ')).toBe(true);
  });

  it('when there is no space to break at, then it is cut hard but never inside an emoji', () => {
    const text = `a${'😀'.repeat(10)}`;
    const pieces = splitText(text, 4);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) expect(piece).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
  });
});
