import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  checkFullName,
  maskTelegramId,
  normalizePhone,
  phoneFromContact,
} from '../../../src/features/profile/rules';

describe('profile rules', () => {
  it.each([
    ['8 914 123-45-67', '+79141234567'],
    ['+7(914)1234567', '+79141234567'],
    ['+7 (914) 123-45-67', '+79141234567'],
    ['9141234567', '+79141234567'],
    ['89141234567', '+79141234567'],
    ['7 914 123 45 67', '+79141234567'],
    ['8-4152-12-34-56', '+74152123456'],
    ['  8 (914) 123.45.67 ', '+79141234567'],
    ['8 914 777-00-11.', '+79147770011'],
  ])('when a phone is typed as %s, it is normalised to %s', (typed, normal) => {
    expect(normalizePhone(typed)).toBe(normal);
  });

  it.each([
    '',
    'позвоните мне',
    '12345',
    '+8 914 123-45-67',
    '+1 212 555 0100',
    '8 914 123-45-67-89',
    '0141234567',
    '9+141234567',
    '8 914 123 45 6x',
    '٩١٤١٢٣٤٥٦٧',
    '1'.repeat(40),
    '-79147770011',
    '−79147770011',
    '79147770011-',
    '8 914 123--45-67',
    '(8914)1234567)',
  ])('when the phone is garbage (%s), it is refused', (typed) => {
    expect(normalizePhone(typed)).toBeUndefined();
  });

  it('when Telegram shares a contact without a plus, the number is still read', () => {
    expect(phoneFromContact('79141234567')).toBe('+79141234567');
    expect(phoneFromContact('+79141234567')).toBe('+79141234567');
    expect(phoneFromContact('12125550100')).toBeUndefined();
  });

  it('when a name has letters, ё, hyphens and apostrophes, it is accepted and tidied', () => {
    expect(checkFullName('  Семёнова-Д’Арк   Алёна  ')).toEqual({
      ok: true,
      value: 'Семёнова-Д’Арк Алёна',
    });
    expect(checkFullName("O'Brien John")).toEqual({ ok: true, value: "O'Brien John" });
    expect(checkFullName('Ли')).toEqual({ ok: true, value: 'Ли' });
  });

  it('when a name has digits, emoji, RTL or other symbols, it is refused with the reason', () => {
    expect(checkFullName('Анна 2')).toEqual({ ok: false, reason: 'digits' });
    expect(checkFullName('Анна 😀')).toEqual({ ok: false, reason: 'symbols' });
    expect(checkFullName('Анна \u202Eвонави')).toEqual({ ok: false, reason: 'symbols' });
    expect(checkFullName('محمد')).toEqual({ ok: false, reason: 'symbols' });
    expect(checkFullName('Анна!')).toEqual({ ok: false, reason: 'symbols' });
    expect(checkFullName('---')).toEqual({ ok: false, reason: 'symbols' });
  });

  it('when a name is too short or too long, it is refused', () => {
    expect(checkFullName('А')).toEqual({ ok: false, reason: 'too-short' });
    expect(checkFullName(' ')).toEqual({ ok: false, reason: 'too-short' });
    expect(checkFullName('а'.repeat(200)).ok).toBe(true);
    expect(checkFullName('а'.repeat(201))).toEqual({ ok: false, reason: 'too-long' });
  });

  it('when an address is within 5–500 characters, it is accepted; outside, refused', () => {
    expect(checkAddress('с. Мильково, ул. Ленина, д. 1, кв. 2')).toEqual({
      ok: true,
      value: 'с. Мильково, ул. Ленина, д. 1, кв. 2',
    });
    expect(checkAddress('дом')).toEqual({ ok: false, reason: 'too-short' });
    expect(checkAddress('    д 1    ')).toEqual({ ok: false, reason: 'too-short' });
    expect(checkAddress('а'.repeat(500)).ok).toBe(true);
    expect(checkAddress('а'.repeat(501))).toEqual({ ok: false, reason: 'too-long' });
    expect(checkAddress('ул. Ленина\u202E 1')).toEqual({ ok: false, reason: 'symbols' });
  });

  it('when an id is shown to another family member, only its last four digits are', () => {
    expect(maskTelegramId(1234567890)).toBe('••7890');
  });
});
