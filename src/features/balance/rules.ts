/**
 * Pure rules of the balance feature: billing periods and the due date.
 */

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether a string is a billing period `YYYY-MM` (callback data is checked with this). */
export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

/** `period` moved by `months` (negative goes back). */
export function addMonths(period: string, months: number): string {
  const match = PERIOD.exec(period);
  if (!match) throw new RangeError(`not a period: ${period}`);
  const index = Number(match[1]) * 12 + Number(match[2]) - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * The day a period's bill is due: `dueDay` of the next month (ПП 354 п. 66: by the 10th of the
 * month after the billing period, unless the contract says otherwise).
 */
export function dueDateOf(period: string, dueDay: number): string {
  return `${addMonths(period, 1)}-${String(dueDay).padStart(2, '0')}`;
}

/** The `count` periods ending with `last`, oldest first. */
export function periodsEndingWith(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(last, i - count + 1));
}
