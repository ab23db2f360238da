import { describe, expect, it } from 'vitest';
import { stripInvisibleControls } from '../../src/core/untrusted-text';

describe('text people typed, shown to someone else', () => {
  it('when a text hides a right-to-left override, then the override is gone and the letters stay in order', () => {
    // «счёт 4100000001» that would display as «счёт 1000000014» after the override.
    expect(stripInvisibleControls('счёт \u202E1000000014\u202C, верните деньги')).toBe(
      'счёт 1000000014, верните деньги',
    );
  });

  it('when a text carries isolates, marks, a BOM and control characters, then they are dropped and line breaks kept', () => {
    const input =
      'Анна\u2066 Петрова\u2069\u200F\r\nтел.\u0007 +7\u0000914\uFEFF\u009B\u2028конец\tвсё';
    expect(stripInvisibleControls(input)).toBe('Анна Петрова\nтел. +7914\nконец\tвсё');
  });

  it('when a text is in another script or has joined emoji, then it is left as written', () => {
    const text = 'مرحبا 👩‍👩‍👧 שלום — Ёлка';
    expect(stripInvisibleControls(text)).toBe(text);
  });
});
