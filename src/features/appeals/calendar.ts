/**
 * The Russian production calendar (производственный календарь), enough to count an appeal's
 * answer deadline in working days. Pure: no clock, no I/O.
 *
 * - Weekends: Saturday and Sunday.
 * - Public holidays, Labour Code of the Russian Federation art. 112 part 1: 1–6 and 8 January
 *   (Новогодние каникулы), 7 January (Рождество), 23 February, 8 March, 1 May, 9 May, 12 June,
 *   4 November.
 * - Art. 112 part 2: a holiday that falls on a weekend moves the day off to the next working day,
 *   except the January holidays, whose weekend days the Government moves by a yearly decree
 *   (e.g. to 2 January → 9 January). Those decrees — and any other transfer — come from
 *   configuration: `daysOff` (extra non-working dates) and `workdays` (working Saturdays, such
 *   as 27 December 2025), as `YYYY-MM-DD`.
 */

/** A calendar date in the supplier's zone. */
export interface LocalDate {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
}

/** Transfers decreed for particular years, from configuration. */
export interface CalendarTransfers {
  /** Extra days off, `YYYY-MM-DD` (e.g. a January weekend holiday moved by decree). */
  daysOff: readonly string[];
  /** Weekend days declared working days, `YYYY-MM-DD`. */
  workdays: readonly string[];
}

export const NO_TRANSFERS: CalendarTransfers = { daysOff: [], workdays: [] };

/** Art. 112 part 1, as month-day pairs. */
const PUBLIC_HOLIDAYS: readonly (readonly [number, number])[] = [
  [1, 1],
  [1, 2],
  [1, 3],
  [1, 4],
  [1, 5],
  [1, 6],
  [1, 7],
  [1, 8],
  [2, 23],
  [3, 8],
  [5, 1],
  [5, 9],
  [6, 12],
  [11, 4],
];

/** `YYYY-MM-DD` of a local date. */
export function isoDate(date: LocalDate): string {
  const mm = String(date.month).padStart(2, '0');
  const dd = String(date.day).padStart(2, '0');
  return `${date.year}-${mm}-${dd}`;
}

/** The date `days` after `date` (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function weekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function isWeekend(date: LocalDate): boolean {
  const w = weekday(date);
  return w === 0 || w === 6;
}

function isPublicHoliday(date: LocalDate): boolean {
  return PUBLIC_HOLIDAYS.some(([m, d]) => m === date.month && d === date.day);
}

/**
 * The days off that art. 112 part 2 moves into `year`: for each non-January holiday on a weekend,
 * the next day that is neither a weekend, a holiday nor an already moved day off.
 */
function movedDaysOff(year: number): Set<string> {
  const moved = new Set<string>();
  for (const [month, day] of PUBLIC_HOLIDAYS) {
    if (month === 1) continue;
    const holiday = { year, month, day };
    if (!isWeekend(holiday)) continue;
    let next = addDays(holiday, 1);
    while (isWeekend(next) || isPublicHoliday(next) || moved.has(isoDate(next))) {
      next = addDays(next, 1);
    }
    moved.add(isoDate(next));
  }
  return moved;
}

/** Whether `date` is a working day by the production calendar and the configured transfers. */
export function isWorkingDay(
  date: LocalDate,
  transfers: CalendarTransfers = NO_TRANSFERS,
): boolean {
  const iso = isoDate(date);
  if (transfers.workdays.includes(iso)) return true;
  if (transfers.daysOff.includes(iso)) return false;
  if (isWeekend(date) || isPublicHoliday(date)) return false;
  return !movedDaysOff(date.year).has(iso);
}

/**
 * The last day of a deadline of `workingDays` working days counted from the day after `received`
 * (ПП РФ №354 п. 31 «к»: an answer within 3 working days of the day the complaint was received).
 * The deadline ends at the close of the returned local date.
 */
export function deadlineDate(
  received: LocalDate,
  workingDays: number,
  transfers: CalendarTransfers = NO_TRANSFERS,
): LocalDate {
  if (!Number.isInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`workingDays must be a whole number above zero (got ${workingDays})`);
  }
  let date = received;
  let counted = 0;
  // Bounded: even the January holidays leave a working day within every 20 days.
  for (let step = 0; step < workingDays * 20 + 30 && counted < workingDays; step++) {
    date = addDays(date, 1);
    if (isWorkingDay(date, transfers)) counted++;
  }
  return date;
}
