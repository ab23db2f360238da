import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { domainToASCII, domainToUnicode } from 'node:url';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { z } from 'zod';

/** NIST SP 800-63B / OWASP: at least 8, allow long passphrases, cap to bound hashing cost. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** One-time codes: 6 digits, 10 minutes, 5 tries, a new one after a minute. */
export const CODE_LENGTH = 6;
export const CODE_TTL_MS = 10 * 60 * 1000;
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_RESEND_AFTER_MS = 60 * 1000;

/** Login: 5 failures per 15 minutes, per cabinet and per Telegram user. */
export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

/** Registration: 5 per hour per Telegram user and per address (each one mails the address). */
export const REGISTER_MAX_PER_WINDOW = 5;
export const REGISTER_WINDOW_MS = 60 * 60 * 1000;

/**
 * zod's practical e-mail pattern, with one change: the top-level domain may be an IDN label in
 * its ASCII form (`xn--p1ai` is «.рф»), which the stock pattern's letters-only TLD refuses.
 */
const EMAIL_PATTERN =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]{2,})$/;
const emailSchema = z.email({ pattern: EMAIL_PATTERN });

/** Invisible characters that ride along when an address is copied from a web page or a PDF. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/gu;

/**
 * An e-mail as typed, in one canonical form, or `undefined` when it is not one: Unicode NFKC,
 * invisible characters dropped, spaces at the ends and around «@» dropped (phone keyboards add
 * them), lower-cased, and the domain in its Unicode form —
 * `ivan@почта.рф` and its punycode `ivan@xn--80a1acny.xn--p1ai` are the same address (IDNA,
 * RFC 5891) and are stored the same way, `ivan@почта.рф`. The check (RFC 5321 length, the shape
 * zod accepts) runs on the ASCII form of the domain, which is what mail servers see.
 */
export function normalizeEmail(input: string): string | undefined {
  const email = input
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .trim()
    .replace(/\s*@\s*/u, '@')
    .toLowerCase();
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  const local = email.slice(0, at);
  const ascii = domainToASCII(email.slice(at + 1));
  if (!ascii) return undefined;
  const wire = `${local}@${ascii}`;
  if (wire.length > 254 || !emailSchema.safeParse(wire).success) return undefined;
  return `${local}@${domainToUnicode(ascii)}`;
}

export type PasswordVerdict =
  | { ok: true }
  | { ok: false; reason: 'too-short' | 'too-long' | 'common' | 'weak' };

/**
 * Words Russian speakers pick that the English dictionaries do not know (the Russian keyboard's
 * «qwerty», «password», the region's names).
 */
const RUSSIAN_COMMON = [
  'пароль',
  'йцукен',
  'йцукенгшщз',
  'фывапролдж',
  'любовь',
  'привет',
  'солнышко',
  'камчатка',
  'петропавловск',
  'gfhjkm', // «пароль» typed on the Latin layout
];

/**
 * The password rule: length only, no composition rules (NIST), and no password an attacker
 * tries first: zxcvbn's common-password and word dictionaries decide what is "common" or "weak".
 */
export class PasswordPolicy {
  private zxcvbn: ZxcvbnFactory | undefined;

  /**
   * zxcvbn with its dictionaries, built on the first check rather than at start: they cost ~33 MB
   * of RSS that most processes (and most hours of the bot) never need (docs/performance.md).
   */
  private checker(): ZxcvbnFactory {
    if (this.zxcvbn) return this.zxcvbn;
    const require = createRequire(import.meta.url);
    const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
    const common =
      require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    const english = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
    this.zxcvbn = new core.ZxcvbnFactory({
      dictionary: {
        ...common.dictionary,
        ...english.dictionary,
        userInputs: RUSSIAN_COMMON,
      },
      graphs: common.adjacencyGraphs,
      maxLength: PASSWORD_MAX_LENGTH,
    });
    return this.zxcvbn;
  }

  /** `userInputs`: things about this person (the e-mail) that must not be the password. */
  check(password: string, userInputs: string[] = []): PasswordVerdict {
    const length = [...password].length;
    if (length < PASSWORD_MIN_LENGTH) return { ok: false, reason: 'too-short' };
    if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'too-long' };
    const result = this.checker().check(password, userInputs);
    if (result.score >= 2) return { ok: true };
    const fromList = result.sequence.some(
      (match) =>
        match.pattern === 'dictionary' &&
        (match.dictionaryName === 'passwords-common' || match.dictionaryName === 'userInputs') &&
        match.token.length >= Math.min(length, 6),
    );
    return { ok: false, reason: fromList ? 'common' : 'weak' };
  }
}

/** A fresh 6-digit code from the CSPRNG, leading zeros kept. */
export function generateCode(): string {
  return String(randomInt(0, 10 ** CODE_LENGTH)).padStart(CODE_LENGTH, '0');
}

/** A code as typed ("123 456", "123-456"): the 6 digits, or `undefined`. */
export function parseCode(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/** Codes are stored as salted SHA-256: a leaked table does not hand out live codes directly. */
export function hashCode(code: string, salt: string): string {
  return createHash('sha256').update(`${salt}:${code}`).digest('hex');
}

/** Compares a typed code with a stored hash in constant time. */
export function codeMatches(code: string, salt: string, storedHash: string): boolean {
  const a = Buffer.from(hashCode(code, salt), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A stable, non-reversible tag of an e-mail for rate-limit scopes and audit details. */
export function emailTag(email: string): string {
  return createHash('sha256').update(`email:${email}`).digest('hex').slice(0, 32);
}

/** Whole minutes to wait, rounded up and at least one: what the resident is told. */
export function minutesToWait(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}
