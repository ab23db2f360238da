import type { AuditLog } from '../../core/audit';
import { formatIdentifier, formatKwh, formatPeriod, zoneName } from '../../core/format';
import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import type { Locale, Translate } from '../../core/i18n';
import type { Outbox, OutboxMessage } from '../../core/outbox/outbox';

/** A flagged reading as staff review it. */
export interface FlaggedReading {
  id: number;
  accountNumber: string;
  serial: string;
  zone: string;
  /** How many tariff zones the meter has (names the zone: «Т1 день»). */
  zones: number;
  period: string;
  valueMilli: number;
  /** The last accepted or billed value of that meter and zone before this one, if any. */
  previousMilli: number | null;
  flagReason: string | null;
  submittedByUserId: number | null;
  /** Whether staff have already decided (accepted or rejected) this reading. */
  reviewed: boolean;
}

export type ReviewResult =
  | { kind: 'done'; reading: FlaggedReading; decision: 'accepted' | 'rejected' }
  | { kind: 'already-reviewed' }
  | { kind: 'not-found' }
  | { kind: 'not-staff' };

export interface ReadingReviewsDeps {
  db: Db;
  outbox: Outbox;
  audit: AuditLog;
  translate: Translate;
  staffLocale: Locale;
  localeOf: (telegramUserId: number) => Promise<Locale>;
  /** Who is staff (the staff registry). */
  isStaff: (telegramUserId: number) => Promise<boolean>;
  /** Where the cabinet's Telegram users are (notices of the outcome). */
  telegramUsersOf: (userId: number) => Promise<number[]>;
  adminChatId: () => Promise<number | undefined>;
  clock: Clock;
}

/**
 * The reading a review card or reject prompt names by its mark «#R5558». Prompts sent before ids
 * were printed plainly grouped them («#R5 558», with a space or a no-break space): read whole, so
 * a reason typed under an old prompt never lands on reading 5. Undefined when there is no mark.
 */
export function readingMarkIn(text: string): number | undefined {
  const match = /#R(\d{1,3}(?:[ \u00A0\u202F]\d{3})+|\d{1,15})(?!\d)/.exec(text);
  if (!match?.[1]) return undefined;
  const id = Number(match[1].replace(/\D/g, ''));
  return Number.isSafeInteger(id) ? id : undefined;
}

/**
 * Readings flagged as implausible (the resident confirmed a value over 3× the average or over the
 * daily cap; see rules.ts) go to staff before billing: a card in the admin chat with «Принять» /
 * «Отклонить с причиной»; the resident is told the outcome; the billing export leaves unreviewed
 * flagged readings out. A rejected reading gets status `rejected` with the reason, shown in
 * /readings.
 */
export class ReadingReviews {
  constructor(private readonly deps: ReadingReviewsDeps) {}

  /**
   * Puts a card in the outbox for every flagged reading still waiting for review (each once: the
   * outbox key). Run by the scheduler; the reading itself was committed before «принято».
   * Returns how many cards were queued now.
   */
  async queueCards(): Promise<number> {
    const chatId = await this.deps.adminChatId();
    if (chatId === undefined) return 0;
    const pending = await this.flagged().whereNull('r.review').andWhere('r.status', 'accepted');
    if (pending.length === 0) return 0;
    const t = (key: string, vars?: Record<string, string | number>) =>
      this.deps.translate(this.deps.staffLocale, key, vars);
    const messages: OutboxMessage[] = [];
    for (const row of pending) {
      const reading = await this.withPrevious(row);
      messages.push({
        chatId,
        kind: 'reading-review',
        dedupeKey: `reading-review:${reading.id}`,
        payload: {
          text: this.cardText(reading),
          reply_markup: {
            inline_keyboard: [
              [
                { text: t('review-accept'), callback_data: `v1|review|accept|${reading.id}` },
                { text: t('review-reject'), callback_data: `v1|review|reject|${reading.id}` },
              ],
            ],
          },
        },
      });
    }
    const results = await this.deps.outbox.enqueue(messages);
    return results.filter((r) => r.enqueued).length;
  }

  /**
   * The card of a decided reading as it should now read in the admin chat: the card, then the
   * outcome, who decided (`staffName`, the Telegram name) and the reject reason. Undefined while
   * the card has not been sent (no admin chat, or the outbox has not delivered it yet).
   */
  async decidedCard(input: {
    reading: FlaggedReading;
    decision: 'accepted' | 'rejected';
    staffName: string;
    reason?: string;
  }): Promise<{ chatId: number; messageId: number; text: string } | undefined> {
    const chatId = await this.deps.adminChatId();
    const sent = await this.deps
      .db('outbox')
      .where({ dedupe_key: `reading-review:${input.reading.id}`, status: 'sent' })
      .first('telegram_message_id');
    if (chatId === undefined || sent?.telegram_message_id == null) return undefined;
    const outcome = this.deps.translate(
      this.deps.staffLocale,
      input.decision === 'accepted' ? 'review-card-accepted' : 'review-card-rejected',
      { staff: input.staffName, reason: (input.reason ?? '').slice(0, 500) },
    );
    return {
      chatId,
      messageId: Number(sent.telegram_message_id),
      text: `${this.cardText(input.reading)}\n\n${outcome}`,
    };
  }

  private cardText(reading: FlaggedReading): string {
    const t = (key: string, vars?: Record<string, string | number>) =>
      this.deps.translate(this.deps.staffLocale, key, vars);
    return t('review-card', {
      id: formatIdentifier(reading.id),
      account: reading.accountNumber,
      serial: reading.serial,
      zone: zoneName(t, reading.zones, reading.zone),
      period: formatPeriod(reading.period, this.deps.staffLocale),
      value: formatKwh(reading.valueMilli),
      previous: reading.previousMilli === null ? '—' : formatKwh(reading.previousMilli),
      reason: t(`review-reason-${reading.flagReason ?? 'unknown'}`),
    });
  }

  /** Flagged readings of `period` not yet reviewed: the export leaves them out. */
  async unreviewedCount(period: string): Promise<number> {
    const [row] = await this.deps
      .db('meter_readings')
      .where({ period, status: 'accepted', flagged: true })
      .whereNull('review')
      .count({ n: '*' });
    return Number(row?.n ?? 0);
  }

  /** A flagged reading by id (staff cards). */
  async get(readingId: number): Promise<FlaggedReading | undefined> {
    const row = await this.flagged().where('r.id', readingId).first();
    return row ? this.withPrevious(row) : undefined;
  }

  /**
   * Staff decide. Accept: the reading stays accepted and goes to billing. Reject: status
   * `rejected` with `reason` (shown in /readings). Once: a second decision is refused. The
   * resident's Telegram users are told, through the outbox, in the same transaction.
   */
  async review(input: {
    staffTelegramId: number;
    readingId: number;
    decision: 'accepted' | 'rejected';
    reason?: string;
  }): Promise<ReviewResult> {
    if (!(await this.deps.isStaff(input.staffTelegramId))) {
      await this.deps.audit.record({
        action: 'staff.denied',
        telegramUserId: input.staffTelegramId,
        subject: `reading:${input.readingId}`,
      });
      return { kind: 'not-staff' };
    }
    const reading = await this.get(input.readingId);
    if (!reading) return { kind: 'not-found' };
    const now = this.deps.clock().toISOString();
    const recipients =
      reading.submittedByUserId === null
        ? []
        : await this.deps.telegramUsersOf(reading.submittedByUserId);
    const notices: OutboxMessage[] = [];
    for (const chatId of recipients) {
      const locale = await this.deps.localeOf(chatId);
      notices.push({
        chatId,
        kind: 'reading-review',
        payload: {
          text: this.deps.translate(
            locale,
            input.decision === 'accepted' ? 'review-notice-accepted' : 'review-notice-rejected',
            {
              serial: reading.serial,
              period: formatPeriod(reading.period, locale),
              value: formatKwh(reading.valueMilli),
              reason: input.reason ?? '',
            },
          ),
        },
      });
    }
    const changed = await this.deps.db.transaction(async (trx) => {
      const updates: Record<string, unknown> = {
        review: input.decision,
        reviewed_by: input.staffTelegramId,
        reviewed_at: now,
      };
      if (input.decision === 'rejected') {
        updates.status = 'rejected';
        updates.reject_reason = (input.reason ?? '').slice(0, 500);
      }
      const n = await trx('meter_readings')
        .where({ id: input.readingId, status: 'accepted' })
        .whereNull('review')
        .update(updates);
      if (n === 0) return false;
      if (notices.length > 0) await this.deps.outbox.enqueue(notices, { trx });
      await this.deps.audit.record(
        {
          action: `reading.review.${input.decision}`,
          telegramUserId: input.staffTelegramId,
          subject: String(input.readingId),
        },
        trx,
      );
      return true;
    });
    return changed
      ? { kind: 'done', reading, decision: input.decision }
      : { kind: 'already-reviewed' };
  }

  private flagged() {
    return this.deps
      .db('meter_readings as r')
      .join('meters as m', 'm.id', 'r.meter_id')
      .join('accounts as a', 'a.id', 'm.account_id')
      .where('r.flagged', true)
      .orderBy('r.id')
      .select(
        'r.id',
        'a.number as account_number',
        'm.serial',
        'r.meter_id',
        'r.zone',
        'm.zones',
        'r.period',
        'r.value_milli',
        'r.flag_reason',
        'r.submitted_by_user_id',
        'r.review',
      );
  }

  private async withPrevious(row: Record<string, unknown>): Promise<FlaggedReading> {
    const previous = await this.deps
      .db('meter_readings')
      .where({ meter_id: row.meter_id, zone: row.zone })
      .whereIn('status', ['accepted', 'billed'])
      .andWhere('period', '<', String(row.period))
      .orderBy('period', 'desc')
      .first('value_milli');
    return {
      id: Number(row.id),
      accountNumber: String(row.account_number),
      serial: String(row.serial),
      zone: String(row.zone),
      zones: Number(row.zones),
      period: String(row.period),
      valueMilli: Number(row.value_milli),
      previousMilli: previous ? Number(previous.value_milli) : null,
      flagReason: row.flag_reason == null ? null : String(row.flag_reason),
      submittedByUserId: row.submitted_by_user_id == null ? null : Number(row.submitted_by_user_id),
      reviewed: row.review != null,
    };
  }
}
