/**
 * Pure rules of the accounts feature: reading what a resident typed (account numbers, meter
 * serials, amounts from a receipt), masking, dates and numbers as residents read them.
 * No database, no grammY: unit-tested directly.
 */
import { cleanTypedNumber } from '../../core/typed-number';

import { Memo } from '../../core/memo';
import { shorten } from '../../core/paging';

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

/**
 * The amount the link prompt shows as an example («например 1 234,56»). Fictional, and never
 * accepted as a proof: a resident who copies the example must not link whichever account happens
 * to have been charged exactly that (`proofIsExample`).
 */
export const PROOF_EXAMPLE_KOPECKS = 123456;

/** Whether a typed proof is only the prompt's example, which never proves anything. */
export function proofIsExample(proof: string): boolean {
  return parseAmountKopecks(proof) === PROOF_EXAMPLE_KOPECKS;
}

const SPACES = /[\s\u00a0\u202f]/g;

/**
 * An account number as stored: digits only. Residents copy it with spaces, dashes, "№" or
 * "л/с" in front; anything else (letters inside, too short, too long) is not a number at all.
 */
export function normalizeAccountNumber(input: string): string | undefined {
  const cleaned = cleanTypedNumber(input)
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
  const cleaned = cleanTypedNumber(input)
    .replace(/(₽|руб\.?|р\.|rub)$/i, '')
    .replace(SPACES, '');
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return undefined;
  const rubles = Number(match[1]);
  const kopecks = Number((match[2] ?? '').padEnd(2, '0'));
  return rubles * 100 + kopecks;
}

/**
 * Legal forms that begin an organisation's name (ГК РФ ч. 1 гл. 4, ЖК РФ ст. 135, 110): ООО, АО,
 * ПАО, ТСЖ, ТСН, ЖСК, СНТ, МУП and the like. An organisation's name is not a natural person's
 * personal data (152-ФЗ ст. 3), and the resident needs it whole to recognise the account.
 */
const LEGAL_FORMS =
  /^(ООО|ОАО|ЗАО|ПАО|НАО|АО|ТСЖ|ТСН|ЖСК|ЖК|СНТ|ДНТ|ГСК|МУП|ГУП|ФГУП|МКУ|МБУ|МАУ|ГКУ|ГБУ|ГАУ|НКО|АНО|УК)(?=[\s"«“„']|$)/u;

/** Sole proprietors carry a person's name after the form: «ИП Иванов Иван Иванович». */
const SOLE_PROPRIETOR = /^(ИП|И\.П\.)\s+/iu;

/**
 * The holder's name as shown in the chat and in `/mydata`: a person's surname in full, the first
 * name as an initial, the rest hidden — «Иванова Анна Петровна» → «Иванова А.*.», «Иванова
 * А. П.» → «Иванова А.*.», a single word stays; an organisation («ООО «Ромашка»», «ТСЖ "Вулкан"»)
 * is shown whole; a sole proprietor keeps «ИП» and is masked as a person. Enough for a family to
 * recognise the account, not enough to read a stranger's full name off a shared screen.
 */
export function maskHolderName(name: string): string {
  return maskedNames.get(name, () => maskHolderNameOf(name));
}

/** {@link maskHolderName}'s results: the bot masks the same holders on every card it shows. */
const maskedNames = new Memo();

function maskHolderNameOf(name: string): string {
  const tidy = name.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (!tidy) return '';
  if (LEGAL_FORMS.test(tidy) || /["«»“”„]/u.test(tidy)) return tidy;
  const proprietor = SOLE_PROPRIETOR.exec(tidy);
  if (proprietor) return `ИП ${maskPersonName(tidy.slice(proprietor[0].length))}`;
  return maskPersonName(tidy);
}

/** «Фамилия Имя Отчество» of any shape → «Фамилия И.*.»; words without letters are dropped. */
function maskPersonName(name: string): string {
  // Initials written together («И.И.») are split into words first.
  const words = name
    .replace(/(\p{L})\.(?=\p{L})/gu, '$1. ')
    .split(' ')
    .filter((word) => /\p{L}/u.test(word));
  const [surname, first, ...rest] = words;
  if (!surname) return '';
  if (!first) return surname;
  const initial = /\p{L}/u.exec(first)?.[0]?.toUpperCase() ?? '';
  return `${surname} ${initial}.${rest.length > 0 ? '*.' : ''}`;
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

/** A postcode, a region or a district at the head of an address: the resident knows these. */
const ADDRESS_HEAD =
  /^(\d{6}|Россия|Российская Федерация|.*(?<!\p{L})(край|обл|область|респ|республика|р-н|район|АО|округ)(?!\p{L}).*)$/iu;

/** Characters of an address shown beside a question (a phone line is about 35). */
export const SHORT_ADDRESS_MAX = 60;

/**
 * An address short enough to sit beside a question: the postcode, the region and the district are
 * dropped (whatever remains names the settlement, street, house and flat), then it is cut to
 * {@link SHORT_ADDRESS_MAX} characters with «…». «683031, Камчатский край, г. Петропавловск-
 * Камчатский, ул. Ленинская, д. 12, кв. 5» → «г. Петропавловск-Камчатский, ул. Ленинская, д. 12,
 * кв. 5». An address of nothing but those parts is kept as it is.
 */
export function shortAddress(address: string): string {
  const parts = address
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  let first = 0;
  while (first < parts.length - 1 && ADDRESS_HEAD.test(parts[first] ?? '')) first++;
  return shorten(parts.slice(first).join(', '), SHORT_ADDRESS_MAX);
}
