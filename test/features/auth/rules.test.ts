import { describe, expect, it } from 'vitest';
import {
  codeMatches,
  generateCode,
  hashCode,
  minutesToWait,
  normalizeEmail,
  PasswordPolicy,
  parseCode,
} from '../../../src/features/auth/rules';

describe('auth rules', () => {
  const policy = new PasswordPolicy();

  it('when an e-mail is typed with spaces and capitals, it is trimmed and lower-cased', () => {
    expect(normalizeEmail('  Ivanova@Mail.RU ')).toBe('ivanova@mail.ru');
  });

  it('when an e-mail is on a Cyrillic domain, typed or in punycode, then both are one address in Unicode', () => {
    expect(normalizeEmail('ivan@почта.рф')).toBe('ivan@почта.рф');
    expect(normalizeEmail('ivan@xn--80a1acny.xn--p1ai')).toBe('ivan@почта.рф');
    expect(normalizeEmail('Ivan@ПОЧТА.РФ')).toBe('ivan@почта.рф');
    expect(normalizeEmail('ivan@пример.испытание')).toBe('ivan@пример.испытание');
  });

  it('when an e-mail carries spaces, invisible characters or another Unicode form, then they are normalised before the check', () => {
    expect(normalizeEmail('ivan @ mail.ru')).toBe('ivan@mail.ru');
    expect(normalizeEmail('\u200bivan@mail.ru\u00a0')).toBe('ivan@mail.ru');
    // «й» typed as «и» + combining breve is the same letter as the precomposed one.
    expect(normalizeEmail('ivan@и\u0306од.рф')).toBe(normalizeEmail('ivan@йод.рф'));
    expect(normalizeEmail('ivan@йод.рф')).toBe('ivan@йод.рф');
  });

  it('when an e-mail is malformed, it is refused', () => {
    for (const bad of [
      '',
      'ivanova',
      'ivanova@',
      '@mail.ru',
      'a b@mail.ru',
      `${'a'.repeat(250)}@x.ru`,
    ]) {
      expect(normalizeEmail(bad)).toBeUndefined();
    }
  });

  it('when a password is shorter than 8 characters, it is too short', () => {
    expect(policy.check('Kx7#qpz')).toEqual({ ok: false, reason: 'too-short' });
  });

  it('when a password is 10 000 characters long, it is refused as too long without hashing it', () => {
    expect(policy.check('я'.repeat(10_000))).toEqual({ ok: false, reason: 'too-long' });
  });

  it('when a password is a common one, it is refused as common', () => {
    for (const common of [
      'password1',
      'qwerty123',
      '12345678',
      'iloveyou',
      'йцукенгшщз',
      'пароль123',
    ]) {
      expect(policy.check(common)).toEqual({ ok: false, reason: 'common' });
    }
  });

  it('when a password is trivially guessable, it is refused as weak', () => {
    expect(policy.check('aaaaaaaa')).toEqual({ ok: false, reason: 'weak' });
  });

  it('when a password is a phrase or random, it is accepted with no composition rules', () => {
    expect(policy.check('зелёный самовар на крыше')).toEqual({ ok: true });
    expect(policy.check('Tk8#pq2zLm')).toEqual({ ok: true });
  });

  it('when the password is the e-mail itself, it is refused', () => {
    expect(policy.check('ivanova.anna', ['ivanova.anna@mail.ru', 'ivanova.anna']).ok).toBe(false);
  });

  it('when codes are generated, each is 6 digits and they vary', () => {
    const codes = new Set(Array.from({ length: 200 }, generateCode));
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(codes.size).toBeGreaterThan(150);
  });

  it('when a code is typed with spaces or a dash, it is read; anything else is not', () => {
    expect(parseCode(' 012 345 ')).toBe('012345');
    expect(parseCode('012-345')).toBe('012345');
    expect(parseCode('12345')).toBeUndefined();
    expect(parseCode('abcdef')).toBeUndefined();
  });

  it('when a code is hashed, only the same code and salt match', () => {
    const stored = hashCode('123456', 'salt');
    expect(codeMatches('123456', 'salt', stored)).toBe(true);
    expect(codeMatches('123457', 'salt', stored)).toBe(false);
    expect(codeMatches('123456', 'other', stored)).toBe(false);
  });

  it('when a wait is told, it is whole minutes rounded up, at least one', () => {
    expect(minutesToWait(1)).toBe(1);
    expect(minutesToWait(60_000)).toBe(1);
    expect(minutesToWait(14 * 60_000 + 1)).toBe(15);
  });
});
