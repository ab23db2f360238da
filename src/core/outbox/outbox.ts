import type {
  ForceReply,
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  ParseMode,
  ReplyParameters,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from 'grammy/types';
import type { Knex } from 'knex';
import type { Db } from '../db/index';
import { nowIso } from '../db/index';
import { runWithoutSync } from '../db/prepared';
import type { Clock } from '../clock';

/** Where a row is in its life: claimed rows are `sending` under a lease until the send ends. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

const OUTBOX_STATUSES: readonly OutboxStatus[] = [
  'pending',
  'sending',
  'sent',
  'failed',
  'cancelled',
];

type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/**
 * A text message, rendered at enqueue time (the recipient's locale resolved then), so the worker
 * needs neither i18n nor the feature that produced it.
 */
export interface TextPayload {
  text: string;
  parse_mode?: ParseMode;
  reply_markup?: ReplyMarkup;
  link_preview_options?: LinkPreviewOptions;
  /** Threads it under an earlier message (e.g. a resident's answer under the appeal's card). */
  reply_parameters?: ReplyParameters;
  disable_notification?: boolean;
  protect_content?: boolean;
}

/**
 * A document: a Telegram `file_id` / URL, or a local file read at send time (keep it until the
 * row is sent; the file is not copied into the database).
 */
export interface DocumentPayload {
  document: { fileId: string } | { path: string; filename?: string };
  caption?: string;
  parse_mode?: ParseMode;
  reply_markup?: ReplyMarkup;
  reply_parameters?: ReplyParameters;
  disable_notification?: boolean;
  protect_content?: boolean;
}

/** A photo already on Telegram, by its `file_id` (e.g. one a resident attached to an appeal). */
export interface PhotoPayload {
  photo: { fileId: string };
  caption?: string;
  reply_markup?: ReplyMarkup;
  reply_parameters?: ReplyParameters;
  disable_notification?: boolean;
  protect_content?: boolean;
}

/**
 * A text message stored as its message key and variables, rendered by the worker at send time in
 * the recipient's language (its `renderText` hook). Services that must not render texts (they
 * return data and message keys) queue these in the same transaction as the change they announce.
 */
export interface KeyedTextPayload extends Omit<TextPayload, 'text'> {
  /** A key of `locales/*.ftl`. */
  textKey: string;
  vars?: Record<string, string | number>;
}

/** What the worker sends; stored as JSON in `outbox.payload`. */
export type OutboxPayload = TextPayload | KeyedTextPayload | DocumentPayload | PhotoPayload;

/** Priorities in use; lower goes first (like `nice`), so the claim walks its index forwards. */
export const OUTBOX_PRIORITY = {
  /** Broadcasts: a 5-million-recipient notice must not delay anybody's personal message. */
  bulk: 10,
  normal: 0,
  /** Security notices (a new login, a changed password): ahead of everything. */
  urgent: -10,
} as const;

/**
 * A confirmation a service writes to the outbox in the same transaction as its data (see
 * {@link Outbox.hold}). The caller renders it — services hold no texts — from the outcome the
 * transaction is about to commit (e.g. the new readings' ids).
 */
export interface ConfirmationRequest<T> {
  chatId: number;
  render: (outcome: T) => TextPayload;
}

/** One message to put in the outbox. */
export interface OutboxMessage {
  chatId: number;
  /** What it is, for stats and cancelling: 'reading-reminder', 'appeal-answer', 'broadcast', … */
  kind: string;
  payload: OutboxPayload;
  /** "Send this once": a second enqueue with the same key is ignored (even after it was sent). */
  dedupeKey?: string;
  /**
   * Not before this instant (e.g. 10:00 local time); default now. A chat's messages go out in
   * (notBefore, enqueue) order: one scheduled for later does not hold back one due now.
   */
  notBefore?: Date;
  /** Not after this instant: e.g. a reading reminder expires when the window closes. */
  expiresAt?: Date;
  /** Lower goes first; default `bulk` for kind 'broadcast', `normal` otherwise. */
  priority?: number;
}

/** The fate of one enqueued message. */
export interface EnqueueResult {
  /** False when a row with the same dedupe key already existed. */
  enqueued: boolean;
  /** The new row's id; null when not enqueued. */
  id: number | null;
  dedupeKey: string | null;
}

export interface EnqueueOptions {
  /** Enqueue inside the caller's transaction: the message exists iff the business write commits. */
  trx?: Knex.Transaction;
}

/** Row counts per status, and how late the oldest due message is (a stuck worker shows here). */
export interface OutboxStats {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  cancelled: number;
  /** `next_attempt_at` of the oldest due pending row, or null. */
  oldestDueAt: string | null;
}

/** An `outbox` row as both dialects return it (int8 as numbers, timestamps as ISO strings). */
export interface OutboxRow {
  id: number;
  chat_id: number;
  kind: string;
  payload: string;
  dedupe_key: string | null;
  priority: number;
  status: OutboxStatus;
  attempts: number;
  throttled: number;
  not_before: string;
  next_attempt_at: string;
  expires_at: string | null;
  locked_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  telegram_message_id: number | null;
}

/**
 * How long a confirmation written with {@link Outbox.hold} waits for the handler's own send
 * before the worker may deliver it: longer than a commit-to-reply gap, short enough that a crash
 * costs the person seconds, not the message.
 */
export const CONFIRMATION_HOLD_MS = 10_000;
/** The handler's claim on a held row: if the process dies mid-send, the worker resends after it. */
export const HELD_LEASE_MS = 60_000;

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
/** Rows per INSERT: far below SQLite's bound-variable limit, big enough for fast broadcasts. */
const INSERT_CHUNK = 500;

/**
 * The write side of the durable notification outbox. Features enqueue rendered messages (in the
 * same transaction as the business write when they pass `trx`); the `OutboxWorker` delivers them
 * with pacing, retries and 429 handling. Nothing here talks to Telegram.
 */
export class Outbox {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Adds messages. A message whose dedupe key is already in the table (in any status) is not
   * added and comes back with `enqueued: false`. On SQLite, pass `trx` when calling from inside a
   * transaction: the database has one connection, and a second one would wait for the first.
   */
  enqueue(message: OutboxMessage, options?: EnqueueOptions): Promise<EnqueueResult>;
  enqueue(messages: readonly OutboxMessage[], options?: EnqueueOptions): Promise<EnqueueResult[]>;
  async enqueue(
    input: OutboxMessage | readonly OutboxMessage[],
    options: EnqueueOptions = {},
  ): Promise<EnqueueResult | EnqueueResult[]> {
    const messages: readonly OutboxMessage[] = isMessageList(input) ? input : [input];
    for (const message of messages) validate(message);
    const results: EnqueueResult[] = [];
    for (let start = 0; start < messages.length; start += INSERT_CHUNK) {
      results.push(
        ...(await this.insertChunk(messages.slice(start, start + INSERT_CHUNK), options.trx)),
      );
    }
    if (results.some((r) => r.enqueued)) this.notifyAfter(options.trx);
    if (isMessageList(input)) return results;
    const [only] = results;
    if (!only) throw new Error('enqueue returned no result');
    return only;
  }

  private async insertChunk(
    messages: readonly OutboxMessage[],
    trx: Knex.Transaction | undefined,
  ): Promise<EnqueueResult[]> {
    if (messages.length === 0) return [];
    const now = nowIso(this.clock);
    const rows = messages.map((m) => ({
      chat_id: m.chatId,
      kind: m.kind,
      payload: JSON.stringify(m.payload),
      dedupe_key: m.dedupeKey ?? null,
      priority: m.priority ?? defaultPriority(m.kind),
      status: 'pending' satisfies OutboxStatus,
      attempts: 0,
      throttled: 0,
      not_before: m.notBefore ? m.notBefore.toISOString() : now,
      next_attempt_at: m.notBefore ? m.notBefore.toISOString() : now,
      expires_at: m.expiresAt ? m.expiresAt.toISOString() : null,
      created_at: now,
    }));
    const inserted: Array<{ id: number; dedupe_key: string | null }> = await (trx ?? this.db)(
      'outbox',
    )
      .insert(rows)
      .onConflict('dedupe_key')
      .ignore()
      .returning(['id', 'dedupe_key']);

    // Keyed rows are matched by key; unkeyed rows never conflict, and ids grow in insert order.
    const byKey = new Map<string, number>();
    const unkeyed: number[] = [];
    for (const row of inserted) {
      if (row.dedupe_key === null) unkeyed.push(Number(row.id));
      else byKey.set(row.dedupe_key, Number(row.id));
    }
    unkeyed.sort((a, b) => a - b);
    let nextUnkeyed = 0;
    return messages.map((m) => {
      if (m.dedupeKey === undefined) {
        const id = unkeyed[nextUnkeyed++];
        if (id === undefined)
          throw new Error('an outbox row without a dedupe key was not inserted');
        return { enqueued: true, id, dedupeKey: null };
      }
      const id = byKey.get(m.dedupeKey);
      // The same key twice in one call: the first copy is the one enqueued.
      byKey.delete(m.dedupeKey);
      return { enqueued: id !== undefined, id: id ?? null, dedupeKey: m.dedupeKey };
    });
  }

  /**
   * Writes a confirmation the bot is about to send itself (e.g. «Показания приняты» with the
   * reading's number), in the caller's transaction, held back from the worker for
   * {@link CONFIRMATION_HOLD_MS}: the handler then claims it ({@link claimHeld}) and sends it at
   * once, in the conversation's order. If the process dies anywhere after the commit, the worker
   * delivers it once the hold is over (or the handler's claim lapses), so a committed write is
   * always confirmed. Returns the row id; null when the dedupe key was already taken.
   */
  async hold(message: OutboxMessage, options: EnqueueOptions = {}): Promise<number | null> {
    const notBefore = new Date(this.clock().getTime() + CONFIRMATION_HOLD_MS);
    const result = await this.enqueue({ ...message, notBefore }, options);
    return result.id;
  }

  /**
   * Takes a held row for a direct send by the handler: true when it was still pending (the worker
   * has not taken it), and then it is `sending` under a {@link HELD_LEASE_MS} lease, so the worker
   * leaves it alone. One conditional UPDATE: the handler and the worker never both send it.
   */
  async claimHeld(id: number, by: string): Promise<boolean> {
    const lockedUntil = new Date(this.clock().getTime() + HELD_LEASE_MS).toISOString();
    // Without a disk sync of its own (see `runWithoutSync`): lost in a power cut, the row is
    // pending again and the worker sends it — the confirmation may come twice, never not at all.
    const changed = runWithoutSync(
      this.db,
      "update outbox set status = 'sending', locked_by = ?, locked_until = ? where id = ? and status = 'pending'",
      [by, lockedUntil, id],
    );
    if (changed !== undefined) return changed > 0;
    const count = await this.db('outbox')
      .where({ id, status: 'pending' })
      .update({ status: 'sending', locked_by: by, locked_until: lockedUntil });
    return count > 0;
  }

  /** The handler's direct send of a claimed held row went out: `sent`, with Telegram's message id. */
  async heldSent(id: number, by: string, telegramMessageId: number): Promise<void> {
    // Without a disk sync of its own: lost in a power cut, the claim's lease lapses and the worker
    // sends the confirmation again (once more, not never).
    const changed = runWithoutSync(
      this.db,
      "update outbox set status = 'sent', sent_at = ?, telegram_message_id = ?, locked_until = null, locked_by = null, last_error = null where id = ? and status = 'sending' and locked_by = ?",
      [nowIso(this.clock), telegramMessageId, id, by],
    );
    if (changed !== undefined) return;
    await this.db('outbox')
      .where({ id, status: 'sending', locked_by: by })
      .update({
        status: 'sent',
        sent_at: nowIso(this.clock),
        telegram_message_id: telegramMessageId,
        locked_until: null,
        locked_by: null,
        last_error: null,
      });
  }

  /**
   * The handler's direct send failed: the row goes back to `pending`, due now, and the worker
   * delivers it with its retries (the person still gets the confirmation).
   */
  async releaseHeld(id: number, by: string, error: string): Promise<void> {
    const count = await this.db('outbox')
      .where({ id, status: 'sending', locked_by: by })
      .update({
        status: 'pending',
        next_attempt_at: nowIso(this.clock),
        last_error: error.slice(0, 500),
        locked_until: null,
        locked_by: null,
      });
    if (count > 0) this.notifyAfter(undefined);
  }

  /**
   * Cancels a message not yet claimed by a worker (e.g. the reading came in before its reminder
   * went out). The key stays taken, so the same reminder is not enqueued again. Returns whether a
   * pending row was cancelled; a row already being sent is not stopped.
   */
  async cancel(dedupeKey: string, options: EnqueueOptions = {}): Promise<boolean> {
    const count = await (options.trx ?? this.db)('outbox')
      .where({ dedupe_key: dedupeKey, status: 'pending' })
      .update({ status: 'cancelled', last_error: null, locked_until: null, locked_by: null });
    return count > 0;
  }

  /** Counts per status and the oldest due row: for `/healthz`-style checks and the admin chat. */
  async stats(): Promise<OutboxStats> {
    const counts = await this.db('outbox')
      .select('status')
      .count<Array<{ status: OutboxStatus; n: number | string }>>({ n: '*' })
      .groupBy('status');
    const stats: OutboxStats = {
      pending: 0,
      sending: 0,
      sent: 0,
      failed: 0,
      cancelled: 0,
      oldestDueAt: null,
    };
    for (const row of counts) {
      if (OUTBOX_STATUSES.includes(row.status)) stats[row.status] = Number(row.n);
    }
    const oldest = await this.db('outbox')
      .where('status', 'pending')
      .andWhere('next_attempt_at', '<=', nowIso(this.clock))
      .min<{ at: string | null }>({ at: 'next_attempt_at' })
      .first();
    stats.oldestDueAt = oldest?.at ?? null;
    return stats;
  }

  /**
   * Calls `listener` after messages were enqueued (and committed, when enqueued in a transaction),
   * so a worker in this process can wake up at once instead of at its next poll. Returns the
   * unsubscribe function.
   */
  onEnqueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notifyAfter(trx: Knex.Transaction | undefined): void {
    const notify = () => {
      for (const listener of this.listeners) listener();
    };
    if (!trx) notify();
    else trx.executionPromise.then(notify, () => {});
  }
}

function isMessageList(
  input: OutboxMessage | readonly OutboxMessage[],
): input is readonly OutboxMessage[] {
  return Array.isArray(input);
}

function defaultPriority(kind: string): number {
  return kind === 'broadcast' ? OUTBOX_PRIORITY.bulk : OUTBOX_PRIORITY.normal;
}

/** Programming errors surface at enqueue, in the feature's stack, not as a 400 hours later. */
function validate(message: OutboxMessage): void {
  if (!Number.isSafeInteger(message.chatId) || message.chatId === 0) {
    throw new RangeError(`outbox: bad chat id ${message.chatId}`);
  }
  if (!message.kind) throw new RangeError('outbox: a message needs a kind');
  const { payload } = message;
  if ('text' in payload) {
    if (payload.text.trim() === '') throw new RangeError('outbox: empty text');
    if (!payload.parse_mode && payload.text.length > TEXT_LIMIT) {
      throw new RangeError(`outbox: text longer than ${TEXT_LIMIT} characters`);
    }
  } else if ('textKey' in payload) {
    if (!payload.textKey) throw new RangeError('outbox: empty text key');
  } else if (
    !('parse_mode' in payload && payload.parse_mode) &&
    (payload.caption?.length ?? 0) > CAPTION_LIMIT
  ) {
    throw new RangeError(`outbox: caption longer than ${CAPTION_LIMIT} characters`);
  }
}
