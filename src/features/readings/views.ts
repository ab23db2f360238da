import { shorten } from '../../core/paging';

/** A text of the reader's language (`ctx.t`, or a renderer's translator). */
type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * A staff reason in a list is cut to this many characters (the column holds 500, and the resident
 * got it whole when the reading was rejected): 8 rows of the longest kind stay far under
 * Telegram's 4 096 characters.
 */
export const READING_REASON_MAX = 240;

/** What a reading's status is made of: the stored code, the staff's reason, the flag. */
export interface ReadingStatusOf {
  /** `accepted`, `billed`, `rejected`, `replaced` (the stored code; anything else is shown as it is). */
  status: string;
  rejectReason?: string | null;
  flagged?: boolean | null;
}

const KNOWN = new Set(['accepted', 'billed', 'rejected', 'replaced']);

/**
 * A reading's status in words, the one way /readings, the /mydata PDF and its JSON say it:
 * «принято», «учтено в расчёте», «отклонено: <reason>», «заменено новым», «принято (на проверке)»
 * for an accepted reading flagged for staff (texts `readings-status-*`, ru and en).
 */
export function readingStatusText(t: Translate, reading: ReadingStatusOf): string {
  if (!KNOWN.has(reading.status)) return reading.status;
  const status =
    reading.status === 'rejected'
      ? t('readings-status-rejected', {
          reason: reading.rejectReason
            ? shorten(reading.rejectReason, READING_REASON_MAX)
            : t('readings-reject-unknown'),
        })
      : t(`readings-status-${reading.status}`);
  return reading.flagged && reading.status === 'accepted'
    ? `${status} (${t('readings-status-flagged')})`
    : status;
}
