/**
 * Pure rules of the accounts feature: reading what a resident typed (account numbers, meter
 * serials, amounts from a receipt), masking, dates and numbers as residents read them.
 * No database, no grammY: unit-tested directly.
 */

/** Which proofs of ownership are accepted when linking (configuration `ACCOUNT_LINK_PROOF`). */
export type LinkProofPolicy = 'meter-serial' | 'last-charge' | 'either';

/** Failed link attempts allowed per resident (cabinet and Telegram user) per window. */
export const LINK_MAX_FAILURES_PER_USER = 5;
/** Failed link attempts allowed per account number per window (a family shares one account). */
export const LINK_MAX_FAILURES_PER_ACCOUNT = 10;
/** The window of the limits above. */
export const LINK_WINDOW_MS = 60 * 60 * 1000;
/** A verification due within this many days is warned about on the card. */
export const VERIFICATION_WARNING_DAYS = 60;

const SPACES = /[\s\u00a0\u202f]/g;

/**
 * An account number as stored: digits only. Residents copy it with spaces, dashes, "№" or
 * "л/с" in front; anything else (letters inside, too short, too long) is not a number at all.
 */
export function normalizeAccountNumber(input: string): string | undefined {
  const cleaned = input
    .trim()
    .replace(/^(л\/?с|лс|лицевой счёт|лицевой счет)\s*[:.]?/i, '')
    .replace(/№/g, '')
    .replace(SPACES, '')
    .replace(/[-‐‑–—_.]/g, '');
  return /^\d{4,32}$/.test(cleaned) ? cleaned : undefined;
}

/**
 * A meter serial reduced to what identifies it: letters upper-cased, separators dropped, and
 * leading zeros dropped — plates print "001253630684" where people type "1253630684", and both
 * name the same meter. Compare serials only through this.
 */
export function serialKey(input: string): string {
  return input
    .replace(/№/g, '')
    .replace(SPACES, '')
    .replace(/[-‐‑–—_./\\]/g, '')
    .toUpperCase()
    .replace(/^0+/, '');
}

/** Whether a typed serial names the stored one (an empty key never matches). */
export function serialMatches(typed: string, stored: string): boolean {
  const key = serialKey(typed);
  return key.length > 0 && key === serialKey(stored);
}

/**
 * An amount in rubles as printed on a receipt, exactly, in kopecks: "1 234,56", "1234.56",
 * "1234,5", "1234", "2 208,44 ₽", "2208.44 руб.". More than two decimals, two separators, or a
 * negative is not an amount (no rounding: the proof is exact to the kopeck).
 */
export function parseAmountKopecks(input: string): number | undefined {
  const cleaned = input
    .trim()
    .replace(/(₽|руб\.?|р\.|rub)$/i, '')
    .replace(SPACES, '');
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const rubles = Number(match[1]);
  const kopecks = Number((match[2] ?? '').padEnd(2, '0'));
  return rubles * 100 + kopecks;
}

/**
 * The holder's name as shown in the chat: the surname in full, the first name as an initial,
 * the rest hidden — "Иванова Анна Петровна" → "Иванова А.*.". Enough for a family to recognise
 * the account, not enough to read a stranger's full name off a shared screen.
 */
export function maskHolderName(name: string): string {
  const [surname, first, ...rest] = name.trim().split(/\s+/);
  if (!surname) return '';
  const parts = [surname];
  if (first)
    parts.push(
      `${first.replace(/\.$/, '').slice(0, 1).toUpperCase()}.${rest.length > 0 ? '*.' : ''}`,
    );
  return parts.join(' ');
}

/** A meter's verification relative to today: fine, due soon (≤ 60 days), or expired. */
export type VerificationState =
  | { kind: 'unknown' }
  | { kind: 'ok'; days: number }
  | { kind: 'soon'; days: number }
  | { kind: 'expired'; days: number };

/**
 * `verifiedUntil` is the first day the meter is no longer verified (`YYYY-MM-DD`); `today` is
 * the local date. On that day it has expired; `days` counts days left (negative = overdue).
 */
export function verificationState(
  verifiedUntil: string | null,
  today: string,
  warningDays = VERIFICATION_WARNING_DAYS,
): VerificationState {
  if (!verifiedUntil || !/^\d{4}-\d{2}-\d{2}$/.test(verifiedUntil)) return { kind: 'unknown' };
  const days = daysBetween(today, verifiedUntil);
  if (days <= 0) return { kind: 'expired', days };
  return days <= warningDays ? { kind: 'soon', days } : { kind: 'ok', days };
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Minutes to tell a resident to wait, rounded up, at least 1. */
export function minutesFrom(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}
