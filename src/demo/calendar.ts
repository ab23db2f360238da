/**
 * Calendar arithmetic for the demo: billing periods (`YYYY-MM`), dates (`YYYY-MM-DD`) and local
 * wall-clock times turned into UTC instants. Billing happens on Kamchatka's calendar, while `*_at`
 * columns hold UTC, so a payment made on the 5th at 10:00 local is stored as the 4th, 22:00 UTC.
 */

/** A calendar date without a time zone. */
export interface LocalDate {
  year: number;
  month: number; // 1–12
  day: number;
}

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** `YYYY-MM` of a year and month (the month may run outside 1–12; it is carried into the year). */
export function periodOf(year: number, month: number): string {
  const total = year * 12 + (month - 1);
  return `${Math.floor(total / 12)}-${pad2((total % 12) + 1)}`;
}

/** The period `months` after (or before, if negative) the given one. */
export function addMonths(period: string, months: number): string {
  return periodOf(Number(period.slice(0, 4)), Number(period.slice(5, 7)) + months);
}

/** Year and month (1–12) of a period. */
export function splitPeriod(period: string): { year: number; month: number } {
  return { year: Number(period.slice(0, 4)), month: Number(period.slice(5, 7)) };
}

/** Number of days in a period's month. */
export function daysInPeriod(period: string): number {
  const { year, month } = splitPeriod(period);
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD` of a day of a period; the day is clamped to the month's length. */
export function dateIn(period: string, day: number): string {
  return `${period}-${pad2(Math.min(Math.max(day, 1), daysInPeriod(period)))}`;
}

/** The date `days` after (or before) a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The date `years` after (or before) a `YYYY-MM-DD` date (29 February becomes 1 March). */
export function addYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year + years, month - 1, day)).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (`YYYY-MM-DD`), negative when `b` is earlier. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Converts local wall-clock times in one IANA zone to UTC ISO strings. The zone's offset is looked
 * up once per date through `Intl` and cached: the demo stamps millions of rows on a few hundred
 * distinct days, and `Intl` is far too slow to ask for each row.
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  /** UTC epoch milliseconds of each date's local midnight (by the offset at its noon). */
  private readonly midnights = new Map<string, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The local calendar date of an instant. */
  localDate(instant: Date): LocalDate {
    const parts = this.parts(instant.getTime());
    return { year: parts.year, month: parts.month, day: parts.day };
  }

  /** The UTC ISO string of a local time (`YYYY-MM-DD`, hours, minutes, seconds) in this zone. */
  toIso(date: string, hours: number, minutes = 0, seconds = 0): string {
    let midnight = this.midnights.get(date);
    if (midnight === undefined) {
      const noon = Date.parse(`${date}T12:00:00Z`);
      const offset = this.offsetAt(noon - this.offsetAt(noon));
      midnight = Date.parse(`${date}T00:00:00Z`) - offset;
      this.midnights.set(date, midnight);
    }
    return new Date(midnight + ((hours * 60 + minutes) * 60 + seconds) * 1000).toISOString();
  }

  private offsetAt(instant: number): number {
    const p = this.parts(instant);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    return asUtc - Math.floor(instant / 1000) * 1000;
  }

  private parts(instant: number) {
    const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of this.format.formatToParts(instant)) {
      if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
    }
    return out;
  }
}
