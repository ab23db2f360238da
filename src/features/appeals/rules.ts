/**
 * The pure rules of appeals (обращения): topics, the status life cycle, numbers and the answer
 * deadline. No I/O, no clock, no grammY.
 */
import { instantOfLocal, localPartsOf } from '../readings/rules';
import { addDays, type CalendarTransfers, deadlineDate, NO_TRANSFERS } from './calendar';

/** What an appeal is about; the resident picks one, staff see it on the card. */
export const APPEAL_TOPICS = [
  'billing',
  'readings',
  'payment',
  'meter-replacement',
  'quality',
  'other',
] as const;
export type AppealTopic = (typeof APPEAL_TOPICS)[number];

export function isAppealTopic(value: unknown): value is AppealTopic {
  return typeof value === 'string' && (APPEAL_TOPICS as readonly string[]).includes(value);
}

/** новое → в работе → есть ответ → закрыто; a resident's answer sends it back to «в работе». */
export const APPEAL_STATUSES = ['new', 'in_progress', 'answered', 'closed'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];

/** What can happen to an appeal, and by whom. */
export type AppealEvent =
  | 'staff-take'
  | 'staff-answer'
  | 'staff-close'
  | 'resident-answer'
  | 'resident-close';

/**
 * The status after `event`, or null when the event is not allowed in `status` (a closed appeal
 * takes nothing; taking an appeal already in work or answered is refused so two operators do not
 * both think it is theirs).
 */
export function nextStatus(status: AppealStatus, event: AppealEvent): AppealStatus | null {
  if (status === 'closed') return null;
  switch (event) {
    case 'staff-take':
      return status === 'new' ? 'in_progress' : null;
    case 'staff-answer':
      return 'answered';
    case 'resident-answer':
      return 'in_progress';
    case 'staff-close':
    case 'resident-close':
      return 'closed';
  }
}

/** Up to this many photos or documents in one appeal. */
export const MAX_ATTACHMENTS = 5;

/** Telegram allows 4 096 characters in a message; the card adds a header, so the text is bounded. */
export const MAX_APPEAL_TEXT = 3000;

/**
 * New appeals one cabinet may file per {@link APPEAL_FILING_WINDOW_MS} (our rule, not a law's: a
 * tester filed 9 in a minute). Answers inside an appeal are not counted.
 */
export const APPEALS_PER_WINDOW = 5;
/** The window of {@link APPEALS_PER_WINDOW}: one hour, in milliseconds. */
export const APPEAL_FILING_WINDOW_MS = 60 * 60 * 1000;

/** Default answer deadline in working days: ПП РФ №354 п. 31 «к» (3 working days). */
export const DEFAULT_ANSWER_WORKING_DAYS = 3;

/** `А-2026-000123`: the Cyrillic letter А, the year of receipt, a six-digit sequence of that year. */
export function appealNumber(year: number, seq: number): string {
  return `А-${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * When the answer is due (UTC): the close of the `workingDays`-th working day after the local day
 * the appeal was received, in `timeZone`, by the Russian production calendar (see calendar.ts).
 * The returned instant is exclusive: the appeal is overdue from it on.
 */
export function answerDueAt(
  receivedAt: Date,
  workingDays: number,
  timeZone: string,
  transfers: CalendarTransfers = NO_TRANSFERS,
): Date {
  const local = localPartsOf(receivedAt, timeZone);
  const last = deadlineDate(local, workingDays, transfers);
  return instantOfLocal(addDays(last, 1), timeZone);
}

/** Whether an open appeal has passed its deadline at `now`. */
export function isOverdue(
  appeal: { status: AppealStatus; dueAt: string; firstAnsweredAt: string | null },
  now: Date,
): boolean {
  if (appeal.status === 'closed' || appeal.status === 'answered') return false;
  return now.getTime() >= Date.parse(appeal.dueAt);
}

/** The median of durations (ms), or null for none: «median time to first answer» in /stats. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? null)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
