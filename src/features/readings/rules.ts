/**
 * The pure rules of meter readings (ПП РФ №354, Приказ ФСТ №1473-э): how a typed value is read,
 * when it may be below the last one, when it looks implausible, which tariff zone an hour belongs
 * to, when the submission window is open, and what the reading will roughly cost.
 *
 * No I/O, no clock, no grammY: the bot conversation, the staff tools and a future web cabinet all
 * call these with plain data, and the unit tests pin every edge without a database.
 *
 * Units follow the core schema: meter values and volumes are integer thousandths of a kWh
 * (`*Milli`), money is integer kopecks.
 */
import { cleanTypedNumber } from '../../core/typed-number';

/** Thousandths in one unit: meter values are stored as scaled integers, never floats. */
export const MILLI = 1000;

// ---------------------------------------------------------------------------------------------
// Parsing what the resident typed
// ---------------------------------------------------------------------------------------------

/** Why a typed reading could not be read as a number for this meter. */
export type ParseReadingFailure =
  | 'empty'
  | 'not-a-number'
  | 'negative'
  | 'too-many-digits'
  | 'too-many-decimals';

/** A typed reading: the exact value in thousandths, or why it was refused. */
export type ParseReadingResult =
  | { ok: true; milli: number }
  | { ok: false; reason: ParseReadingFailure };

/** What the meter's register can show: digits before and after the decimal point. */
export interface RegisterShape {
  /** Digits before the decimal point (the register rolls over after `10^digits − 1`). */
  digits: number;
  /** Digits after the decimal point the resident may type (at most 3: we store thousandths). */
  fractionDigits: number;
}

// Ordinary, no-break, narrow no-break, thin, figure and punctuation spaces: people (and phone
// keyboards, and copy-paste from receipts) group thousands with any of them.
const GROUPING_SPACES = /[\s\u00A0\u2007\u2008\u2009\u202F]/g;
const NEGATIVE_SIGN = /^[-\u2212\u2012\u2013]/;
const DECIMAL = /^(\d+)(?:[.,](\d+))?$/;

/**
 * Reads what a resident typed as a meter value, exactly: "12345", "12 345" (any space kind),
 * "12345,6" and "12345.6" are all accepted; letters, signs, and more integer digits than the
 * register has are refused with a reason the bot can explain. The string is parsed digit by
 * digit into thousandths, so no float rounding can ever creep into a stored value.
 */
export function parseReadingValue(text: string, shape: RegisterShape): ParseReadingResult {
  assertRegister(shape.digits);
  const compact = cleanTypedNumber(text).replace(GROUPING_SPACES, '');
  if (compact === '') return { ok: false, reason: 'empty' };
  if (NEGATIVE_SIGN.test(compact)) {
    return DECIMAL.test(compact.slice(1))
      ? { ok: false, reason: 'negative' }
      : { ok: false, reason: 'not-a-number' };
  }
  const match = DECIMAL.exec(compact.startsWith('+') ? compact.slice(1) : compact);
  if (!match) return { ok: false, reason: 'not-a-number' };
  const integerPart = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  // Trailing zeros add no precision: "12345,600" on a 1-decimal register is still 12345.6.
  const fractionPart = (match[2] ?? '').replace(/0+$/, '');
  if (integerPart.length > shape.digits) return { ok: false, reason: 'too-many-digits' };
  if (fractionPart.length > Math.min(Math.max(shape.fractionDigits, 0), 3)) {
    return { ok: false, reason: 'too-many-decimals' };
  }
  return { ok: true, milli: Number(integerPart) * MILLI + Number(fractionPart.padEnd(3, '0')) };
}

function assertRegister(digits: number): void {
  // 12 digits × 1000 stays far below 2^53; real registers have 4–8.
  if (!Number.isInteger(digits) || digits < 1 || digits > 12) {
    throw new RangeError(`a meter register has 1–12 digits (got ${digits})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Against the previous accepted value: monotonic, or a genuine rollover
// ---------------------------------------------------------------------------------------------

/**
 * "Near the top" of the register, as a share: the previous value must be in the top 10 % of the
 * register and the new one in the bottom 10 % for a drop to count as a rollover. A genuine
 * rollover of a household meter passes through zero once in years; anything else below the last
 * value is a typo or a swapped meter and must be refused, not billed as a near-full register.
 */
export const ROLLOVER_SHARE = 0.1;

/** The outcome of comparing a new value with the last accepted one for the same meter and zone. */
export type PreviousCheck =
  | { ok: true; kind: 'first'; consumptionMilli: null }
  | { ok: true; kind: 'normal'; consumptionMilli: number }
  | { ok: true; kind: 'rollover'; consumptionMilli: number }
  | { ok: false; reason: 'below-previous'; previousMilli: number };

/**
 * Compares a new value with the last accepted one (ПП 354: readings only grow). A value below the
 * previous one is accepted only as a rollover — previous in the top {@link ROLLOVER_SHARE} of the
 * register (`10^digits − 1` is its maximum), new value in the bottom share — with consumption
 * `10^digits − previous + new`; otherwise it is refused and the previous value is quoted back so
 * the resident can see the mistake. No previous value: the first reading, no consumption yet.
 */
export function checkAgainstPrevious(input: {
  previousMilli: number | null | undefined;
  newMilli: number;
  digits: number;
}): PreviousCheck {
  assertRegister(input.digits);
  const { previousMilli, newMilli } = input;
  if (previousMilli === null || previousMilli === undefined) {
    return { ok: true, kind: 'first', consumptionMilli: null };
  }
  if (newMilli >= previousMilli) {
    return { ok: true, kind: 'normal', consumptionMilli: newMilli - previousMilli };
  }
  const capacityMilli = 10 ** input.digits * MILLI;
  const band = capacityMilli * ROLLOVER_SHARE;
  if (previousMilli >= capacityMilli - band && newMilli < band) {
    return {
      ok: true,
      kind: 'rollover',
      consumptionMilli: capacityMilli - previousMilli + newMilli,
    };
  }
  return { ok: false, reason: 'below-previous', previousMilli };
}

// ---------------------------------------------------------------------------------------------
// Plausibility: ask "are you sure?" and flag for staff
// ---------------------------------------------------------------------------------------------

/** Why a consumption looks implausible. */
export type ImplausibleReason = 'over-3x-average' | 'over-daily-cap';

/** Plausible, or implausible with every reason that fired (the first is the strongest). */
export type PlausibilityCheck =
  | { ok: true }
  | { ok: false; reason: ImplausibleReason; reasons: ImplausibleReason[] };

/** "Three times the average of recent months" (DESIGN, Domain rules). */
export const AVERAGE_FACTOR = 3;

/**
 * Whether a consumption looks like a typo rather than a real month: above a per-day cap times the
 * days since the last reading (a physical limit of the connection), or above three times the
 * average of the recent months. Implausible is not refused: the resident is asked to confirm and
 * the reading is flagged for staff. Integer arithmetic (`consumption × n > 3 × sum`), no floats.
 * With no history (or an all-zero one) only the daily cap applies.
 */
export function checkPlausibility(input: {
  consumptionMilli: number;
  recentMonthlyMilli: readonly number[];
  days: number;
  perDayCapMilli: number;
}): PlausibilityCheck {
  const reasons: ImplausibleReason[] = [];
  const days = Math.max(1, Math.ceil(input.days));
  if (input.consumptionMilli > input.perDayCapMilli * days) reasons.push('over-daily-cap');
  const months = input.recentMonthlyMilli.filter((value) => value >= 0);
  const sum = months.reduce((total, value) => total + value, 0);
  if (sum > 0 && input.consumptionMilli * months.length > AVERAGE_FACTOR * sum) {
    reasons.push('over-3x-average');
  }
  const [first] = reasons;
  return first ? { ok: false, reason: first, reasons } : { ok: true };
}

// ---------------------------------------------------------------------------------------------
// Tariff zones
// ---------------------------------------------------------------------------------------------

/** A tariff zone code as printed on meters and receipts. */
export type ZoneCode = 'T1' | 'T2' | 'T3';

/** All zone codes, in register order. */
export const ZONE_CODES: readonly ZoneCode[] = ['T1', 'T2', 'T3'];

/**
 * What a zone means on this kind of meter: a one-zone meter's T1 is round the clock, a two-zone
 * meter's T1 is the day, a three-zone meter's T1 is the peak. `role` is the stable key the bot
 * maps to a locale string; `name` is the Russian label for files and logs.
 */
export interface ZoneInfo {
  code: ZoneCode;
  role: 'all-day' | 'day' | 'peak' | 'night' | 'half-peak';
  name: string;
}

const ZONES_BY_COUNT: Record<1 | 2 | 3, readonly ZoneInfo[]> = {
  1: [{ code: 'T1', role: 'all-day', name: 'круглосуточно' }],
  2: [
    { code: 'T1', role: 'day', name: 'день' },
    { code: 'T2', role: 'night', name: 'ночь' },
  ],
  3: [
    { code: 'T1', role: 'peak', name: 'пик' },
    { code: 'T2', role: 'night', name: 'ночь' },
    { code: 'T3', role: 'half-peak', name: 'полупик' },
  ],
};

/**
 * The zones a meter with 1, 2 or 3 tariff zones has, in the order the resident enters them
 * (T1 день/пик, T2 ночь, T3 полупик — Приказ ФСТ №1473-э).
 */
export function zonesOf(meterZones: 1 | 2 | 3): readonly ZoneInfo[] {
  return ZONES_BY_COUNT[meterZones];
}

/** A local time-of-day range `from`–`to` ('HH:MM'); `to` before `from` wraps past midnight. */
export interface TimeRange {
  from: string;
  to: string;
}

/** When the night and the peaks are; everything else on a 3-zone meter is half-peak. */
export interface ZoneSchedule {
  night: readonly TimeRange[];
  peak: readonly TimeRange[];
}

/** The default schedule: night 23–7, peaks 7–10 and 17–21 (configurable per region). */
export const DEFAULT_ZONE_SCHEDULE: ZoneSchedule = {
  night: [{ from: '23:00', to: '07:00' }],
  peak: [
    { from: '07:00', to: '10:00' },
    { from: '17:00', to: '21:00' },
  ],
};

/** A local wall-clock time of day. */
export interface LocalTime {
  hour: number;
  minute: number;
}

function minutesOf(hhmm: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 24 || minutes > 59) throw new RangeError(`not a time of day: "${hhmm}"`);
  return hours * 60 + minutes;
}

function inRange(minute: number, range: TimeRange): boolean {
  const from = minutesOf(range.from);
  const to = minutesOf(range.to);
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}

/**
 * The zone that a local time of day falls into for a meter with `zones` zones: ranges include
 * their start and exclude their end (07:00 is already day/peak, 23:00 is already night). Used to
 * explain the zones to a resident and to split interval (АСКУЭ) data.
 */
export function zoneAt(
  localTime: LocalTime,
  zones: 1 | 2 | 3,
  schedule: ZoneSchedule = DEFAULT_ZONE_SCHEDULE,
): ZoneCode {
  const minute = localTime.hour * 60 + localTime.minute;
  if (zones === 1) return 'T1';
  if (schedule.night.some((range) => inRange(minute, range))) return 'T2';
  if (zones === 2) return 'T1';
  return schedule.peak.some((range) => inRange(minute, range)) ? 'T1' : 'T3';
}

// ---------------------------------------------------------------------------------------------
// The submission window, in the supplier's local time
// ---------------------------------------------------------------------------------------------

/** What happens to a reading submitted after the window closed. */
export type LatePolicy = 'next-period' | 'refuse';

/** The window as seen at one instant. */
export interface ReadingsWindow {
  /** Whether today (local) is a window day. */
  open: boolean;
  /** Whether a reading submitted now is taken at all (always when open; by policy otherwise). */
  accepts: boolean;
  /** The billing period a reading submitted now counts for (or would, under `next-period`). */
  period: string;
  /** When open: the instant the current window closes (local midnight after its last day). */
  closesAt?: Date;
  /** When closed: the instant the next window opens (local midnight of its first day). */
  opensAt?: Date;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time of an instant in a time zone (Intl, no tz library). */
export function localPartsOf(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local date and time. Finds the
 * zone's offset at a first guess and corrects once more, which is exact for fixed offsets (like
 * Kamchatka, UTC+12 since 2011) and right on either side of a DST change.
 */
export function instantOfLocal(
  local: { year: number; month: number; day: number; hour?: number; minute?: number },
  timeZone: string,
): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour ?? 0, local.minute ?? 0);
  const offsetAt = (instant: number): number => {
    const p = localPartsOf(new Date(instant), timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - instant;
  };
  let instant = wall - offsetAt(wall);
  instant = wall - offsetAt(instant);
  return new Date(instant);
}

/** Days in a calendar month (`month` 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function periodOf(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

function nextMonth(year: number, month: number): { year: number; month: number } {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

/**
 * Whether the readings window is open at `now`, judged by the local calendar day in `timeZone`
 * (the window is days `startDay`–`endDay` inclusive, from local 00:00 of the first to local 24:00
 * of the last; days past the month's end clamp to its last day, so 30 means 28/29 in February).
 *
 * Outside the window the reading belongs to the period of the next window: after the 25th it is
 * late for this month and, under `next-period`, counts for the next one; before the 15th it counts
 * for this month's coming window. Under `refuse` nothing is taken outside the window and `period`
 * says which window comes next. `opensAt` is that window's first local midnight, as an instant.
 */
export function readingsWindow(input: {
  now: Date;
  timeZone: string;
  startDay: number;
  endDay: number;
  latePolicy: LatePolicy;
}): ReadingsWindow {
  const { startDay, endDay } = input;
  if (!Number.isInteger(startDay) || !Number.isInteger(endDay) || startDay < 1 || endDay > 31) {
    throw new RangeError(`window days must be whole days 1–31 (got ${startDay}–${endDay})`);
  }
  if (startDay > endDay) {
    throw new RangeError(`the window must start before it ends (got ${startDay}–${endDay})`);
  }
  const local = localPartsOf(input.now, input.timeZone);
  const bounds = (year: number, month: number) => {
    const last = daysInMonth(year, month);
    const first = Math.min(startDay, last);
    const end = Math.min(endDay, last);
    const opensAt = instantOfLocal({ year, month, day: first }, input.timeZone);
    const after =
      end === last ? { ...nextMonth(year, month), day: 1 } : { year, month, day: end + 1 };
    return { first, end, opensAt, closesAt: instantOfLocal(after, input.timeZone) };
  };
  const here = bounds(local.year, local.month);
  if (local.day >= here.first && local.day <= here.end) {
    return {
      open: true,
      accepts: true,
      period: periodOf(local.year, local.month),
      closesAt: here.closesAt,
    };
  }
  const accepts = input.latePolicy === 'next-period';
  if (local.day < here.first) {
    return {
      open: false,
      accepts,
      period: periodOf(local.year, local.month),
      opensAt: here.opensAt,
      closesAt: here.closesAt,
    };
  }
  const next = nextMonth(local.year, local.month);
  const coming = bounds(next.year, next.month);
  return {
    open: false,
    accepts,
    period: periodOf(next.year, next.month),
    opensAt: coming.opensAt,
    closesAt: coming.closesAt,
  };
}

// ---------------------------------------------------------------------------------------------
// The estimated charge shown before the resident confirms
// ---------------------------------------------------------------------------------------------

/**
 * The estimated charge in kopecks for a consumption per zone at prices per kWh per zone. Each zone
 * line is rounded half-up to the kopeck on its own (as a receipt prints one line per zone, and the
 * total is the sum of the printed lines), computed in BigInt so no float rounding is involved.
 * A zone with consumption and no price is a configuration error and throws.
 */
export function estimateCharge(
  consumptionByZoneMilli: Partial<Record<ZoneCode, number>>,
  priceKopecksByZone: Partial<Record<ZoneCode, number>>,
): number {
  let total = 0n;
  for (const zone of ZONE_CODES) {
    const milli = consumptionByZoneMilli[zone];
    if (milli === undefined || milli === 0) continue;
    const price = priceKopecksByZone[zone];
    if (price === undefined) throw new RangeError(`no tariff for zone ${zone}`);
    if (!Number.isInteger(milli) || milli < 0 || !Number.isInteger(price) || price < 0) {
      throw new RangeError(`consumption and price must be non-negative integers (zone ${zone})`);
    }
    total += (BigInt(milli) * BigInt(price) + 500n) / 1000n;
  }
  return Number(total);
}

/**
 * What «Счётчик заменили?» carries from a refused or rolled-over reading into the appeal about a
 * replaced meter (kept in the flow's server-side state, never in callback data): the account and
 * the old meter, the zone, the last counted value and the value typed now (thousandths of kWh).
 */
export interface ReplacedMeter {
  accountId: number;
  accountNumber: string;
  /** The old meter's serial number. */
  serial: string;
  /** The zone's name as the resident saw it («Т1 день»). */
  zone: string;
  previousMilli: number;
  /** The value typed now: the new meter's first reading. */
  valueMilli: number;
}
