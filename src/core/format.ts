/**
 * The one formatting module: money, kWh, dates, months in words, local times, phones, the consent
 * version and tariff zones — the way residents read them, in their language.
 *
 * Every number is formatted from an exact decimal string built from integers (kopecks, thousandths
 * of a kWh), never from a float division, so a binary fraction never gets near money or readings.
 * `Intl` formatters are built once per locale (and per time zone) and reused: constructing one
 * costs far more than formatting with it.
 *
 * Pure functions; no grammY, no database. Services keep returning raw values (kopecks, `YYYY-MM`,
 * UTC instants); views and renderers (chat, PDF, chart) format them here.
 */

import { Memo } from './memo';

/** The languages texts are formatted in. Anything else is read as Russian (the default). */
export type FormatLocale = 'ru' | 'en';

/** The locale passed around by i18n (`string | undefined`) as one of ours. */
export function formatLocale(locale: string | undefined): FormatLocale {
  return locale === 'en' ? 'en' : 'ru';
}

/**
 * The language of whatever translates texts (a bot context, a conversation context, a renderer's
 * translator), read from the `format-locale` text, so views that only hold `t` format numbers and
 * dates in the reader's language without awaiting the i18n negotiation again.
 */
export function localeOf(translator: { t: (key: string) => string }): FormatLocale {
  return formatLocale(translator.t('format-locale'));
}

const INTL_LOCALE: Record<FormatLocale, string> = { ru: 'ru-RU', en: 'en-GB' };

/**
 * Immutable `Intl` formatters, memoised by their options. A memo of pure, immutable objects: it
 * changes no behaviour, only how often formatters are built (bounded: two locales, a handful of
 * option sets, the configured zones).
 */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: FormatLocale, key: string, options: Intl.NumberFormatOptions) {
  const id = `n|${locale}|${key}`;
  let formatter = cache.get(id) as Intl.NumberFormat | undefined;
  if (!formatter) {
    formatter = new Intl.NumberFormat(INTL_LOCALE[locale], options);
    cache.set(id, formatter);
  }
  return formatter;
}

function dateFormat(
  locale: FormatLocale | 'iso',
  key: string,
  options: Intl.DateTimeFormatOptions,
) {
  const id = `d|${locale}|${key}|${options.timeZone ?? ''}`;
  let formatter = cache.get(id) as Intl.DateTimeFormat | undefined;
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'iso' ? 'en-CA' : INTL_LOCALE[locale], options);
    cache.set(id, formatter);
  }
  return formatter;
}

const rubles = new Memo<number>();
const periods = new Memo();
const dates = new Memo();

/** An integer scaled by `10^scale` as an exact decimal string ("-1234.560"). */
function scaledDecimal(value: number, scale: number): `${number}` {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(value));
  const unit = 10 ** scale;
  const fraction = scale > 0 ? `.${String(abs % unit).padStart(scale, '0')}` : '';
  return `${sign}${Math.floor(abs / unit)}${fraction}` as `${number}`;
}

/**
 * Kopecks as rubles the way the receipt writes them, «1 234,56 ₽», in every language: the amount
 * is the one on the paper receipt and in the bank app, and a resident reading English compares it
 * with those (DESIGN: `ru-RU`, RUB). Exact: formatted from a decimal string, not `kopecks / 100`.
 * @param kopecks integer kopecks; negative amounts keep a minus
 */
export function formatMoney(kopecks: number): string {
  return `${formatRubles(kopecks)}\u00a0₽`;
}

/**
 * Rubles without the sign, for tables and chart axes: «1 234,56», as on the receipt.
 * @param kopecks integer kopecks
 */
export function formatRubles(kopecks: number): string {
  return rubles.get(kopecks, () =>
    numberFormat('ru', 'money', {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(scaledDecimal(kopecks, 2)),
  );
}

/**
 * A scaled integer in thousandths (kWh, register values) as an exact decimal with only the
 * decimals it has, written the receipt's way in every language: 5012600 → «5 012,6», 30600000 →
 * «30 600». English does not get «30,600»: next to the receipt, the meter's own display and our
 * money («1 234,56 ₽», {@link formatMoney}) a comma reads as a decimal point, so one style
 * everywhere (issue 14). Groups are separated by a no-break space.
 * @param milli thousandths of a kWh (or of a register unit)
 */
export function formatKwh(milli: number): string {
  return numberFormat('ru', 'kwh', { maximumFractionDigits: 3 }).format(scaledDecimal(milli, 3));
}

/**
 * An identifier (a reading, a payment, a broadcast) as printed where people quote it and the bot
 * may read it back: plain digits, never grouped — 5558 stays «5558», not «5 558» (a Fluent
 * number variable would group it, and «#R5 558» then reads back as #R5).
 */
export function formatIdentifier(id: number): string {
  return String(Math.trunc(id));
}

/** A whole number with grouped thousands, the same way in every language: 15233 → «15 233». */
export function formatInteger(value: number): string {
  return numberFormat('ru', 'int', { maximumFractionDigits: 0 }).format(Math.trunc(value));
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A billing period `YYYY-MM` in words: «ноябрь 2026» (ru, the stand-alone month in the
 * nominative), «November 2026» (en). Anything not a period is returned as it is.
 */
export function formatPeriod(period: string, language: FormatLocale | string = 'ru'): string {
  const locale = formatLocale(language);
  return periods.get(`${locale}|${period}`, () => {
    const match = PERIOD.exec(period);
    if (!match) return period;
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 15));
    const month = dateFormat(locale, 'standalone-month', {
      month: 'long',
      timeZone: 'UTC',
    }).format(date);
    return `${month} ${match[1]}`;
  });
}

/**
 * The month of a billing period `YYYY-MM` in words, without the year: «декабрь» (ru, nominative,
 * which after «за» is also the accusative every month takes), «December» (en). For sentences about
 * the period at hand («За декабрь вы уже передали…»). Anything not a period is returned as it is.
 */
export function formatMonth(period: string, language: FormatLocale | string = 'ru'): string {
  const match = PERIOD.exec(period);
  if (!match) return period;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 15));
  return dateFormat(formatLocale(language), 'standalone-month', {
    month: 'long',
    timeZone: 'UTC',
  }).format(date);
}

/** A short month label for chart axes: «ноя 26» (ru), «Nov 26» (en). */
export function formatPeriodShort(period: string, locale: FormatLocale = 'ru'): string {
  const match = PERIOD.exec(period);
  if (!match) return period;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 15));
  const month = dateFormat(locale, 'short-month', { month: 'short', timeZone: 'UTC' })
    .format(date)
    .replace(/\.$/, '');
  return `${month} ${match[1]?.slice(2)}`;
}

/**
 * A calendar date `YYYY-MM-DD` with the month in words: «24 ноября 2026» (ru), «24 November
 * 2026» (en). Anything not a date is returned as it is.
 */
export function formatDate(date: string, locale: FormatLocale = 'ru'): string {
  return dates.get(`${locale}|${date}`, () => {
    const match = DATE.exec(date);
    if (!match) return date;
    const instant = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    return dateFormat(locale, 'date-long', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    })
      .format(instant)
      .replace(/\s*г\.$/, '');
  });
}

/** A calendar date `YYYY-MM-DD` in digits, the way receipts print it: «24.11.2026». */
export function formatDateNumeric(date: string): string {
  const match = DATE.exec(date);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : date;
}

/**
 * A UTC instant as the local date and time in the configured zone, month in words:
 * «24 ноября 2026, 14:05» (ru), «24 November 2026, 14:05» (en).
 * @param instant a `Date` or an ISO string (UTC)
 * @param timeZone IANA zone, e.g. `Asia/Kamchatka`
 */
export function formatDateTime(
  instant: Date | string,
  timeZone: string,
  locale: FormatLocale = 'ru',
): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const day = formatDate(localDate(date, timeZone), locale);
  const time = dateFormat(locale, 'time', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(date);
  return `${day}, ${time}`;
}

/** The last local date computed per time zone, and the UTC minute it was computed for. */
const lastLocalDate = new Map<string, { minute: number; date: string }>();

/**
 * The local calendar date (`YYYY-MM-DD`) of a UTC instant in a time zone (IANA name).
 * The answer for the minute of the last call in the same zone is reused (the bot asks for "today"
 * on most updates): since 1972 every zone's offset is a whole number of minutes, so a local date
 * never changes inside a UTC minute. Throws `RangeError` for an unknown zone or an invalid date.
 */
export function localDate(instant: Date | string, timeZone: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const ms = date.getTime();
  const minute = Math.floor(ms / 60_000);
  const last = lastLocalDate.get(timeZone);
  if (last !== undefined && last.minute === minute) return last.date;
  const computed = localDateOf(date, timeZone);
  // From 1972 on (see above); bounded by the zones in use (a handful).
  if (ms >= Date.UTC(1972, 0, 1)) lastLocalDate.set(timeZone, { minute, date: computed });
  return computed;
}

function localDateOf(date: Date, timeZone: string): string {
  const parts = dateFormat('iso', 'ymd', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone,
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * A phone stored as `+7XXXXXXXXXX` the way Russians write it: «+7 (914) 777-00-11». Any other
 * shape is returned as stored.
 */
export function formatPhone(phone: string): string {
  const match = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  return match ? `+7 (${match[1]}) ${match[2]}-${match[3]}-${match[4]}` : phone;
}

/**
 * How the bot addresses a resident by their ФИО, the polite Russian way: «Иванова Анна Петровна»
 * (фамилия, имя, отчество) → «Анна Петровна»; two words «Иванова Анна» → «Анна» (the given name);
 * one word or four and more (a name of another shape, «Мамедов Рашид Али оглы») → as typed, spaces
 * tidied. Empty or blank → `undefined`, so the caller can fall back (Telegram's first name).
 * @param fullName the ФИО as the resident typed it in /profile
 */
export function formatGreetingName(fullName: string | null | undefined): string | undefined {
  const words = (fullName ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  if (words.length === 3) return `${words[1]} ${words[2]}`;
  if (words.length === 2) return words[1];
  return words.join(' ');
}

/**
 * The consent document's version. Versions are the date the text took effect (`YYYY-MM-DD`),
 * shown as a date: «редакция от 24 ноября 2026».
 */
export function formatConsentVersion(version: string, locale: FormatLocale = 'ru'): string {
  return formatDate(version, locale);
}

/** A tariff zone's stable code (stored, exchanged with billing: Latin `T1`…`T3`). */
export type TariffZone = 'T1' | 'T2' | 'T3';

/** Zone codes in order. */
export const TARIFF_ZONES: readonly TariffZone[] = ['T1', 'T2', 'T3'];

/** Whether a value is a zone code. */
export function isTariffZone(value: unknown): value is TariffZone {
  return value === 'T1' || value === 'T2' || value === 'T3';
}

/** What a zone means on a meter of that many zones (Приказ ФСТ №1473-э). */
export type ZoneRole = 'all-day' | 'day' | 'night' | 'peak' | 'half-peak';

/** Zones a meter of `zones` zones has, in order (1 → T1; 2 → T1, T2; 3 → T1, T2, T3). */
export function zonesOf(zones: number): TariffZone[] {
  if (zones >= 3) return ['T1', 'T2', 'T3'];
  return zones === 2 ? ['T1', 'T2'] : ['T1'];
}

/**
 * A zone's role on its meter: a one-zone meter's T1 counts round the clock, a two-zone meter's
 * T1 is the day and T2 the night, a three-zone meter's T1 is the peak, T2 the night and T3 the
 * half-peak (Приказ ФСТ №1473-э). A code that is not a zone counts as T1.
 */
export function zoneRole(zones: number, zone: TariffZone | string): ZoneRole {
  if (zones <= 1) return 'all-day';
  if (zone === 'T2') return 'night';
  if (zone === 'T3') return 'half-peak';
  return zones === 2 ? 'day' : 'peak';
}

/**
 * A zone as printed on meters and receipts, the same in every language: Cyrillic «Т1», «Т2»,
 * «Т3» (the stored code is Latin). Pair it with the role's text (`zone-role-<role>`) for words.
 */
export function formatZone(zone: TariffZone): string {
  return zone.replace('T', 'Т');
}

/**
 * The locale key of a zone's name on its meter, «Т1 день», «Т2 ночь», «Т1 круглосуточно»
 * (`locales/<locale>/format.ftl`). The one tariff-zone model: every screen names zones this way.
 */
export function zoneNameKey(zones: number, zone: TariffZone | string): `zone-${ZoneRole}` {
  return `zone-${zoneRole(zones, zone)}`;
}

/**
 * A zone's full name in the reader's language: «Т2 ночь» (ru, Cyrillic as on meters and
 * receipts), «T2 night» (en, Latin) — the label from `zone-code-<zone>` in `format.ftl`.
 */
export function zoneName(
  t: (key: string, variables?: Record<string, string | number>) => string,
  zones: number,
  zone: TariffZone | string,
): string {
  return t(zoneNameKey(zones, zone), {
    zone: t(`zone-code-${isTariffZone(zone) ? zone.toLowerCase() : 't1'}`),
  });
}
