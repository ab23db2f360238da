/**
 * The profile's validation rules: pure functions, unit-tested, shared by the bot, a Mini App or a
 * web cabinet. Each refusal carries a reason the resident is told in plain words.
 */

/** ФИО bounds: long double-barrelled names fit, a single letter does not. */
export const FULL_NAME_MIN = 2;
export const FULL_NAME_MAX = 200;
/** Address of residence: free text, as written on an envelope. */
export const ADDRESS_MIN = 5;
export const ADDRESS_MAX = 500;
/** Rows per page of `/security`: fits one phone screen. */
export const SECURITY_PAGE_SIZE = 8;

export type FullNameVerdict =
  | { ok: true; value: string }
  | { ok: false; reason: 'too-short' | 'too-long' | 'digits' | 'symbols' };

export type AddressVerdict =
  | { ok: true; value: string }
  | { ok: false; reason: 'too-short' | 'too-long' | 'symbols' };

/** Spaces of any kind collapse to one; the ends are trimmed. */
function tidy(input: string): string {
  return input.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

const NAME_ALLOWED = /^[\p{Script=Cyrillic}\p{Script=Latin}\p{M} '’ʼ‘-]+$/u;
const NAME_HAS_LETTER = /[\p{Script=Cyrillic}\p{Script=Latin}]/u;

/**
 * ФИО: Cyrillic or Latin letters (ё included), spaces, hyphens and apostrophes; 2–200 characters.
 * Digits and anything else (emoji, RTL marks, punctuation) are refused with the reason, so the
 * resident knows what to fix. Typographic apostrophes are kept as typed.
 */
export function checkFullName(input: string): FullNameVerdict {
  const value = tidy(input);
  const length = [...value].length;
  if (/\p{Nd}/u.test(value)) return { ok: false, reason: 'digits' };
  if (value && (!NAME_ALLOWED.test(value) || !NAME_HAS_LETTER.test(value))) {
    return { ok: false, reason: 'symbols' };
  }
  if (length < FULL_NAME_MIN) return { ok: false, reason: 'too-short' };
  if (length > FULL_NAME_MAX) return { ok: false, reason: 'too-long' };
  return { ok: true, value };
}

/**
 * Address of residence: free text of 5–500 characters. Control and bidi-override characters are
 * refused (they make the address print differently from how it reads).
 */
export function checkAddress(input: string): AddressVerdict {
  if (/[\p{Cc}\p{Cf}]/u.test(input.replace(/[\n\r\t]/g, ' '))) {
    return { ok: false, reason: 'symbols' };
  }
  const value = tidy(input);
  const length = [...value].length;
  if (length < ADDRESS_MIN) return { ok: false, reason: 'too-short' };
  if (length > ADDRESS_MAX) return { ok: false, reason: 'too-long' };
  return { ok: true, value };
}

/**
 * A Russian phone number as people type it — `8 914 123-45-67`, `+7(914)1234567`, `9141234567`,
 * `8-4152-12-34-56` — normalised to `+7XXXXXXXXXX`; `undefined` when it is not one. A national
 * number starts with 3–9 (mobile 9xx, landlines by area code), never 0–2. Separators only go
 * between digits: a number that starts or ends with one (`-79147770011`, a minus typed before it)
 * or has two in a row is junk, not a phone (issue 14).
 */
export function normalizePhone(input: string): string | undefined {
  // A full stop typed after the number, as at the end of a sentence, is not part of it.
  const trimmed = input.trim().replace(/(\d)[.,;]$/, '$1');
  if (trimmed.length === 0 || trimmed.length > 32) return undefined;
  if (!/^\+?\(?\d[\d\s().-]*\d$/.test(trimmed)) return undefined;
  if (/[.-]\s*[.-]/.test(trimmed) || trimmed.indexOf('+') > 0) return undefined;
  const digits = trimmed.replace(/\D/g, '');
  let national: string | undefined;
  if (digits.length === 10) national = digits;
  else if (
    digits.length === 11 &&
    (digits[0] === '7' || (digits[0] === '8' && !trimmed.startsWith('+')))
  ) {
    national = digits.slice(1);
  }
  if (trimmed.startsWith('+') && !(digits.length === 11 && digits[0] === '7')) return undefined;
  if (!national || !/^[3-9]/.test(national)) return undefined;
  return `+7${national}`;
}

/**
 * Telegram's contact button sends the number without a plus (`79141234567`) or with one; the
 * same normalisation applies.
 */
export function phoneFromContact(phoneNumber: string): string | undefined {
  const digits = phoneNumber.replace(/\D/g, '');
  return normalizePhone(
    digits.length === 11 && digits.startsWith('7') ? `+${digits}` : phoneNumber,
  );
}

/**
 * A Telegram user id shown to the other members of a family cabinet: the last four digits only
 * (`••4567`), enough to tell devices apart, not enough to look the person up.
 */
export function maskTelegramId(id: number): string {
  return `••${String(id).slice(-4)}`;
}
