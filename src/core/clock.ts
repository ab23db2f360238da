/**
 * The one source of "now" for the whole app.
 *
 * Every rule that depends on the date (the readings window, periods, due dates, history months,
 * reminders, code and limit expiry, audit times, export file names) reads a `Clock` that is
 * created once in `main.ts` (or a test) and passed down. Nothing in `src/` calls `new Date()` or
 * `Date.now()` to decide behaviour, so a test can fix "now" at any instant and a rule cannot pass
 * or fail by the day it runs.
 */
export type Clock = () => Date;

/** The machine's clock (UTC instant; local time is derived with the configured zone). */
export const systemClock: Clock = () => new Date();

/** A clock stopped at `instant` (an ISO-8601 string or a Date), for tests and tools. */
export function fixedClock(instant: string | Date): Clock {
  const at = new Date(instant).getTime();
  if (Number.isNaN(at)) throw new Error(`fixedClock: not an instant: ${String(instant)}`);
  return () => new Date(at);
}

/** Milliseconds since the epoch, from `clock` (for expiry and rate-limit windows). */
export function epochMs(clock: Clock): number {
  return clock().getTime();
}

/**
 * A clock that follows `base` and keeps running at the real pace from the moment it was made:
 * `base` stopped at 20 November 00:00 reads 00:00:05 five seconds later. Tests give the bot a
 * chosen day this way while its background worker still sees seconds pass (pacing, backoff).
 */
export function runningFrom(base: Clock): Clock {
  const started = performance.now();
  return () => new Date(base().getTime() + (performance.now() - started));
}
