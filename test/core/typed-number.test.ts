import { describe, expect, it } from 'vitest';
import { cleanTypedNumber } from '../../src/core/typed-number';
import { normalizeAccountNumber, parseAmountKopecks } from '../../src/features/accounts/rules';
import { parseAmount } from '../../src/features/payments/rules';
import { parseReadingValue } from '../../src/features/readings/rules';

const ZWSP = '\u200b';
const BOM = '\ufeff';
const WORD_JOINER = '\u2060';
const NBSP = '\u00a0';
const LRM = '\u200e';

describe('cleanTypedNumber', () => {
  it('drops invisible format characters and turns every space kind into a plain space', () => {
    expect(cleanTypedNumber(`${ZWSP}40${WORD_JOINER}700${LRM}`)).toBe('40700');
    expect(cleanTypedNumber(`${BOM} 1${NBSP}234\u202f567\u2007 `)).toBe('1 234 567');
  });
});

describe('every typed number goes through it', () => {
  const shape = { digits: 6, fractionDigits: 1 };
  it('reads a meter value behind a zero-width space, a BOM or a no-break space', () => {
    expect(parseReadingValue(`${ZWSP}40700`, shape)).toEqual({ ok: true, milli: 40_700_000 });
    expect(parseReadingValue(`40${NBSP}700${BOM}`, shape)).toEqual({ ok: true, milli: 40_700_000 });
    expect(parseReadingValue(`${ZWSP}`, shape)).toEqual({ ok: false, reason: 'empty' });
  });
  it('reads an amount with invisible characters and a no-break thousands space', () => {
    expect(parseAmount(`${ZWSP}1${NBSP}234,56${LRM}`)).toEqual({ ok: true, kopecks: 123_456 });
    expect(parseAmountKopecks(`${WORD_JOINER}2${NBSP}208,44 ₽`)).toBe(220_844);
  });
  it('reads an account number with a zero-width space inside', () => {
    expect(normalizeAccountNumber(`${ZWSP}1234${ZWSP}5678`)).toBe('12345678');
    expect(normalizeAccountNumber(`${ZWSP}`)).toBeUndefined();
  });
});
