import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Api, GrammyError, InputFile } from 'grammy';
import type { Knex } from 'knex';
import type { Db } from '../db/index';
import type { Logger } from '../logger';
import type { Outbox, OutboxPayload, OutboxRow } from './outbox';
import { type Clock, Pacer, type PacingOptions } from './pacer';

/** Waits `ms`, or less when `signal` aborts; never rejects. Injected so unit tests skip time. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** What happened to a row; for metrics, logs and tests that assert behaviour, not timing. */
export type OutboxWorkerEvent =
  | { type: 'sent'; row: OutboxRow; messageId: number }
  | { type: 'rate-limited'; row: OutboxRow; retryAfterMs: number }
  | { type: 'retry'; row: OutboxRow; error: string; delayMs: number }
  | { type: 'failed'; row: OutboxRow; error: string }
  | { type: 'released'; row: OutboxRow; delayMs: number }
  | { type: 'reclaimed'; count: number };

/** Running totals of one worker since it was created. */
export interface OutboxWorkerCounters {
  claimed: number;
  sent: number;
  rateLimited: number;
  retried: number;
  failed: number;
  released: number;
  reclaimed: number;
}

export interface OutboxWorkerOptions {
  /** Written to `locked_by`; default `host:pid:random`. */
  id?: string;
  /** Rows per claim (each a different chat: only a chat's first unsent row is claimable). */
  batchSize?: number;
  /** How long a claim is ours; a crashed worker's rows return to `pending` after it. */
  leaseMs?: number;
  /** Idle wait between empty claims (an enqueue in this process wakes the worker sooner). */
  pollIntervalMs?: number;
  /** Failed attempts (429s excluded) before a row is `failed` for good. */
  maxAttempts?: number;
  /** Backoff after the n-th failure: base·2^(n−1), capped, with jitter in its upper half. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** One send's time limit; must stay well under the lease. */
  sendTimeoutMs?: number;
  /** Sends in flight at once (to different chats). */
  concurrency?: number;
  /** A claimed row whose chat must wait longer than this goes back to `pending` for later. */
  maxHoldMs?: number;
  pacing?: Partial<PacingOptions>;
  /**
   * Renders a keyed text (`KeyedTextPayload`) for its recipient at send time: the message key and
   * variables in the chat's language. Without it such a row fails for good.
   */
  renderText?: (
    chatId: number,
    key: string,
    vars: Record<string, string | number> | undefined,
  ) => Promise<string>;
  /**
   * A 429 pauses every send, not only that chat's, for `retry_after`. Telegram does not say which
   * limit was hit, and the bot's interactive replies share the quota, so stopping is the safe read.
   */
  pauseAllOn429?: boolean;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  logger?: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  onEvent?: (event: OutboxWorkerEvent) => void;
  /** Wake up at once when this outbox enqueues in this process. */
  outbox?: Outbox;
}

const DEFAULTS = {
  batchSize: 20,
  leaseMs: 60_000,
  pollIntervalMs: 1_000,
  maxAttempts: 8,
  backoffBaseMs: 5_000,
  backoffMaxMs: 60 * 60_000,
  sendTimeoutMs: 20_000,
  concurrency: 8,
  maxHoldMs: 1_000,
  pauseAllOn429: true,
};

const LAST_ERROR_LIMIT = 500;
const LEASE_EXPIRED = 'lease expired: the worker stopped or hung mid-send';
const EXPIRED = 'expired before it could be sent';

/** How a failed send is handled. */
type Outcome =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'migrated'; chatId: number }
  | { kind: 'permanent'; error: string }
  | { kind: 'transient'; error: string };

const noopLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** setTimeout that resolves early on abort. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Delivers the outbox. Several workers (in one process or many, on one PostgreSQL) may run at
 * once: each claims a small batch of due rows under a lease, so a row is sent by one of them.
 *
 * - **Order**: only the first unfinished row of a chat (by `not_before`, then id) can be claimed,
 *   so a chat's messages go out in order even across workers, retries and 429s.
 * - **Pacing**: token buckets, ~30/s overall and 1/s per chat (20/min per group) by default.
 * - **429**: the row goes back to `pending` at `retry_after` without counting as a failure, and
 *   that chat (by default every chat) is paused as long. grammY's auto-retry is not installed on
 *   the `Api` given here: it would sleep inside the send while holding the row.
 * - **Failures**: 403 and 400 are permanent (`failed` at once with Telegram's description);
 *   anything else (5xx, network, timeout) retries with exponential backoff and jitter, then fails.
 * - **Restarts**: unsent rows stay `pending`; rows a crashed worker left `sending` return to
 *   `pending` (one attempt counted) once their lease expires.
 * - **At least once**: a row is marked `sent` in the same UPDATE that records Telegram's message
 *   id. If the process dies after Telegram accepted a message but before that UPDATE, or the
 *   network drops Telegram's answer, the row is sent again after its lease: the recipient may,
 *   rarely, see a message twice. The Bot API has no idempotency key that would close this gap.
 */
export class OutboxWorker {
  readonly id: string;
  readonly counters: OutboxWorkerCounters = {
    claimed: 0,
    sent: 0,
    rateLimited: 0,
    retried: 0,
    failed: 0,
    released: 0,
    reclaimed: 0,
  };
  private readonly options: typeof DEFAULTS;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  private readonly pacer: Pacer;
  private readonly isPostgres: boolean;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private stopSignal = new AbortController();
  private idleSignal = new AbortController();
  private unsubscribe: (() => void) | undefined;
  private nextReapAt = 0;
  private woken = false;

  constructor(
    private readonly db: Db,
    private readonly api: Api,
    private readonly config: OutboxWorkerOptions = {},
  ) {
    const defined = Object.fromEntries(
      Object.entries(config).filter(([key, value]) => key in DEFAULTS && value !== undefined),
    );
    this.options = { ...DEFAULTS, ...defined };
    if (this.options.leaseMs <= this.options.sendTimeoutMs + this.options.maxHoldMs) {
      throw new RangeError('outbox worker: the lease must outlast a send and a pacing wait');
    }
    this.id = config.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.clock = config.clock ?? Date.now;
    this.sleep = config.sleep ?? realSleep;
    this.random = config.random ?? Math.random;
    this.logger = config.logger ?? noopLogger;
    this.pacer = new Pacer(config.pacing, this.clock);
    this.isPostgres = (db.client as { dialect?: string }).dialect === 'postgresql';
  }

  /** Starts the delivery loop in the background; `stop()` ends it. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopSignal = new AbortController();
    this.unsubscribe = this.config.outbox?.onEnqueued(() => this.wake());
    this.loop = this.run();
    this.logger.info({ worker: this.id }, 'outbox worker started');
  }

  /**
   * Stops claiming, waits for the sends in flight to finish and be recorded, and returns the
   * claimed rows it did not get to back to `pending`. Nothing is lost.
   */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.stopSignal.abort();
    this.idleSignal.abort();
    this.unsubscribe?.();
    await this.loop;
    this.loop = undefined;
    this.logger.info({ worker: this.id, ...this.counters }, 'outbox worker stopped');
  }

  /** Cuts the idle wait short: there is (probably) something to send. */
  wake(): void {
    this.woken = true;
    this.idleSignal.abort();
  }

  private async run(): Promise<void> {
    let errors = 0;
    while (!this.stopping) {
      let claimed = 0;
      this.woken = false;
      try {
        claimed = await this.runOnce();
        errors = 0;
      } catch (error) {
        errors += 1;
        this.logger.error({ err: error, worker: this.id }, 'outbox worker: round failed');
      }
      if (this.stopping) break;
      // An enqueue during the round must not wait for the next poll.
      if (claimed === 0 && errors === 0 && this.woken) continue;
      if (claimed === 0 || errors > 0) {
        const paused = this.pacer.globalPausedUntilMs - this.clock();
        const wait =
          errors > 0
            ? Math.min(30_000, this.options.pollIntervalMs * 2 ** Math.min(errors, 5))
            : Math.max(this.options.pollIntervalMs, paused);
        this.idleSignal = new AbortController();
        await this.sleep(wait, this.idleSignal.signal);
      }
    }
  }

  /**
   * One round: returns expired leases to `pending` (now and then), claims a batch and sends it.
   * Returns how many rows were claimed. The loop calls it; tests call it to step by hand.
   */
  async runOnce(): Promise<number> {
    const now = this.clock();
    if (now >= this.nextReapAt) {
      this.nextReapAt = now + Math.min(10_000, this.options.leaseMs / 2);
      await this.reclaimExpired();
    }
    // While a 429 pauses everything, claiming would only shuffle rows back and forth.
    if (this.pacer.globalPausedUntilMs > now) return 0;
    const rows = await this.claim(this.options.batchSize);
    await this.deliverBatch(rows);
    return rows.length;
  }

  /**
   * Claims up to `limit` due rows under this worker's lease: the first unfinished row of each
   * chat, highest priority (lowest number) and earliest due first. Public so a test can play a
   * worker that claims and then dies.
   */
  async claim(limit: number): Promise<OutboxRow[]> {
    const now = this.clock();
    const lease = {
      status: 'sending',
      locked_until: new Date(now + this.options.leaseMs).toISOString(),
      locked_by: this.id,
    };
    const due = (q: Knex | Knex.Transaction) =>
      q('outbox as o')
        .select('o.id')
        .where('o.status', 'pending')
        .andWhere('o.next_attempt_at', '<=', new Date(now).toISOString())
        .whereNotExists(function () {
          this.select('p.id')
            .from('outbox as p')
            .whereRaw('p.chat_id = o.chat_id')
            .whereIn('p.status', ['pending', 'sending'])
            .andWhere((before) =>
              before
                .whereRaw('p.not_before < o.not_before')
                .orWhereRaw('p.not_before = o.not_before and p.id < o.id'),
            );
        })
        .orderBy([
          { column: 'o.priority', order: 'asc' },
          { column: 'o.next_attempt_at', order: 'asc' },
          { column: 'o.id', order: 'asc' },
        ])
        .limit(limit);

    let rows: OutboxRow[];
    if (this.isPostgres) {
      // One statement; SKIP LOCKED lets concurrent workers take disjoint batches without waiting.
      rows = await this.db('outbox')
        .whereIn('id', due(this.db).forUpdate().skipLocked())
        .update(lease)
        .returning('*');
    } else {
      // SQLite has one writer; the transaction begins IMMEDIATE, so select+update is atomic.
      rows = await this.db.transaction(async (trx) => {
        const ids = (await due(trx)).map((r: { id: number }) => r.id);
        if (ids.length === 0) return [];
        return trx('outbox').whereIn('id', ids).update(lease).returning('*');
      });
    }
    rows.sort(
      (a, b) =>
        a.priority - b.priority ||
        a.next_attempt_at.localeCompare(b.next_attempt_at) ||
        a.id - b.id,
    );
    this.counters.claimed += rows.length;
    return rows;
  }

  /**
   * Housekeeping: rows left `sending` past their lease (a crashed or hung worker) go back to
   * `pending`; pending rows past `expires_at` are cancelled.
   */
  async reclaimExpired(): Promise<number> {
    const now = new Date(this.clock()).toISOString();
    const expired = () =>
      this.db('outbox').where('status', 'sending').andWhere('locked_until', '<=', now);
    const cleared = { locked_until: null, locked_by: null, last_error: LEASE_EXPIRED };
    // A row that keeps killing its worker must not kill every restart: the lapse is an attempt.
    const gaveUp = await expired()
      .andWhere('attempts', '>=', this.options.maxAttempts - 1)
      .update({ ...cleared, status: 'failed', attempts: this.db.raw('attempts + 1') });
    const returned = await expired().update({
      ...cleared,
      status: 'pending',
      attempts: this.db.raw('attempts + 1'),
    });
    const expiredRows = await this.db('outbox')
      .where('status', 'pending')
      .andWhere('expires_at', '<=', now)
      .update({ status: 'cancelled', last_error: EXPIRED });
    if (expiredRows > 0) this.logger.info({ count: expiredRows }, 'outbox: expired unsent');
    const count = gaveUp + returned;
    if (count > 0) {
      this.counters.reclaimed += count;
      this.emit({ type: 'reclaimed', count });
      this.logger.warn({ worker: this.id, returned, failed: gaveUp }, 'outbox: expired leases');
    }
    return count;
  }

  private async deliverBatch(rows: OutboxRow[]): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    let index = 0;
    try {
      for (; index < rows.length; index++) {
        const row = rows[index]!;
        if (this.stopping) break;
        if (row.expires_at !== null && Date.parse(row.expires_at) <= this.clock()) {
          await this.mine(row).update({
            status: 'cancelled',
            last_error: EXPIRED,
            locked_until: null,
            locked_by: null,
          });
          continue;
        }
        const leaseEnd = Date.parse(row.locked_until ?? '');
        let wait = this.pacer.tryTake(row.chat_id);
        while (wait > 0 && !this.stopping) {
          if (wait > this.options.maxHoldMs) break;
          await this.sleep(wait, this.stopSignal.signal);
          wait = this.pacer.tryTake(row.chat_id);
        }
        if (this.stopping) break;
        if (wait > 0 || this.clock() + this.options.sendTimeoutMs >= leaseEnd) {
          await this.release(row, wait);
          continue;
        }
        while (inFlight.size >= this.options.concurrency) await Promise.race(inFlight);
        const sending = this.deliver(row).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
    } finally {
      await Promise.all(inFlight);
      // Stopping: what was claimed but not sent goes straight back, for this or another worker.
      const untouched = rows.slice(index);
      if (untouched.length > 0) {
        await this.db('outbox')
          .whereIn(
            'id',
            untouched.map((r) => r.id),
          )
          .andWhere({ status: 'sending', locked_by: this.id })
          .update({ status: 'pending', locked_until: null, locked_by: null });
      }
    }
  }

  /** Back to `pending` without an attempt counted: its chat is not ready yet. */
  private async release(row: OutboxRow, delayMs: number): Promise<void> {
    await this.mine(row).update({
      status: 'pending',
      next_attempt_at: new Date(this.clock() + delayMs).toISOString(),
      locked_until: null,
      locked_by: null,
    });
    this.counters.released += 1;
    this.emit({ type: 'released', row, delayMs });
  }

  /** The row, if it is still ours: a worker whose lease lapsed must not overwrite another's. */
  private mine(row: OutboxRow) {
    return this.db('outbox').where({ id: row.id, status: 'sending', locked_by: this.id });
  }

  private async deliver(row: OutboxRow): Promise<void> {
    let messageId: number;
    try {
      messageId = await this.send(row);
    } catch (error) {
      await this.handleFailure(row, classify(error)).catch((dbError: unknown) =>
        this.logger.error({ err: dbError, outbox_id: row.id }, 'outbox: could not record failure'),
      );
      return;
    }
    await this.recordSent(row, messageId);
  }

  private async send(row: OutboxRow): Promise<number> {
    let payload: OutboxPayload;
    try {
      payload = JSON.parse(row.payload) as OutboxPayload;
    } catch {
      throw new PermanentError('payload is not valid JSON');
    }
    // grammY's Node build types its signal with the abort-controller shim; the native one works.
    const signal = AbortSignal.timeout(this.options.sendTimeoutMs) as unknown as GrammySignal;
    if ('text' in payload) {
      const { text, ...other } = payload;
      return (await this.api.sendMessage(row.chat_id, text, other, signal)).message_id;
    }
    if ('textKey' in payload) {
      const { textKey, vars, ...other } = payload;
      if (!this.config.renderText) throw new PermanentError('no renderer for a keyed text');
      const text = await this.config.renderText(Number(row.chat_id), textKey, vars);
      return (await this.api.sendMessage(row.chat_id, text, other, signal)).message_id;
    }
    if ('photo' in payload) {
      const { photo, ...other } = payload;
      return (await this.api.sendPhoto(row.chat_id, photo.fileId, other, signal)).message_id;
    }
    const { document, ...other } = payload;
    const file =
      'fileId' in document ? document.fileId : new InputFile(document.path, document.filename);
    return (await this.api.sendDocument(row.chat_id, file, other, signal)).message_id;
  }

  /**
   * Sent and its message id, in one UPDATE. A few tries: failing here after Telegram accepted the
   * message is the one path to a duplicate, so it is worth waiting out a database hiccup.
   */
  private async recordSent(row: OutboxRow, messageId: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db('outbox')
          .where('id', row.id)
          .whereIn('status', ['sending', 'pending'])
          .update({
            status: 'sent',
            sent_at: new Date(this.clock()).toISOString(),
            telegram_message_id: messageId,
            locked_until: null,
            locked_by: null,
            last_error: null,
          });
        break;
      } catch (error) {
        if (attempt >= 3) {
          this.logger.error({ err: error, outbox_id: row.id }, 'outbox: sent but not recorded');
          return;
        }
        await this.sleep(200 * attempt);
      }
    }
    this.counters.sent += 1;
    this.emit({ type: 'sent', row, messageId });
  }

  private async handleFailure(row: OutboxRow, outcome: Outcome): Promise<void> {
    const now = this.clock();
    switch (outcome.kind) {
      case 'rate-limited': {
        this.pacer.pause(row.chat_id, outcome.retryAfterMs, this.options.pauseAllOn429);
        await this.mine(row).update({
          status: 'pending',
          next_attempt_at: new Date(now + outcome.retryAfterMs).toISOString(),
          throttled: this.db.raw('throttled + 1'),
          locked_until: null,
          locked_by: null,
        });
        this.counters.rateLimited += 1;
        this.emit({ type: 'rate-limited', row, retryAfterMs: outcome.retryAfterMs });
        this.logger.warn(
          { outbox_id: row.id, retry_after_ms: outcome.retryAfterMs },
          'outbox: 429, rescheduled',
        );
        return;
      }
      case 'migrated': {
        // A group became a supergroup: its queued messages follow it, this one at once.
        await this.db('outbox')
          .where({ chat_id: row.chat_id, status: 'pending' })
          .update({ chat_id: outcome.chatId });
        await this.mine(row).update({
          chat_id: outcome.chatId,
          status: 'pending',
          locked_until: null,
          locked_by: null,
        });
        return;
      }
      case 'permanent':
        await this.fail(row, outcome.error);
        return;
      case 'transient': {
        const attempts = row.attempts + 1;
        if (attempts >= this.options.maxAttempts) {
          await this.fail(row, outcome.error);
          return;
        }
        const delayMs = this.backoff(attempts);
        await this.mine(row).update({
          status: 'pending',
          attempts,
          next_attempt_at: new Date(now + delayMs).toISOString(),
          last_error: truncate(outcome.error),
          locked_until: null,
          locked_by: null,
        });
        this.counters.retried += 1;
        this.emit({ type: 'retry', row, error: outcome.error, delayMs });
        this.logger.warn({ outbox_id: row.id, attempts, delay_ms: delayMs }, 'outbox: will retry');
      }
    }
  }

  private async fail(row: OutboxRow, error: string): Promise<void> {
    await this.mine(row).update({
      status: 'failed',
      attempts: row.attempts + 1,
      last_error: truncate(error),
      locked_until: null,
      locked_by: null,
    });
    this.counters.failed += 1;
    this.emit({ type: 'failed', row, error });
    this.logger.warn({ outbox_id: row.id, kind: row.kind, error }, 'outbox: failed for good');
  }

  /** base·2^(n−1) capped, then a random point in its upper half: growth and spread both. */
  private backoff(attempts: number): number {
    const ceiling = Math.min(
      this.options.backoffMaxMs,
      this.options.backoffBaseMs * 2 ** (attempts - 1),
    );
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private emit(event: OutboxWorkerEvent): void {
    try {
      this.config.onEvent?.(event);
    } catch (error) {
      this.logger.error({ err: error }, 'outbox: event listener threw');
    }
  }
}

type GrammySignal = Parameters<Api['sendMessage']>[3];

/** A failure that retrying cannot fix (bad payload, missing file). */
class PermanentError extends Error {}

/** Maps a send error to what the worker does about it. */
function classify(error: unknown): Outcome {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) {
      return { kind: 'rate-limited', retryAfterMs: (error.parameters.retry_after ?? 1) * 1000 };
    }
    if (error.error_code === 400 && error.parameters.migrate_to_chat_id !== undefined) {
      return { kind: 'migrated', chatId: error.parameters.migrate_to_chat_id };
    }
    // 403: blocked, kicked, deactivated; 400: chat not found, bad markup. Retrying changes nothing.
    if (error.error_code === 403 || error.error_code === 400) {
      return { kind: 'permanent', error: `${error.error_code} ${error.description}` };
    }
    return { kind: 'transient', error: `${error.error_code} ${error.description}` };
  }
  if (error instanceof PermanentError) return { kind: 'permanent', error: error.message };
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOENT|EACCES/.test(message)) return { kind: 'permanent', error: message };
  return { kind: 'transient', error: message };
}

function truncate(text: string): string {
  return text.length > LAST_ERROR_LIMIT ? `${text.slice(0, LAST_ERROR_LIMIT - 1)}…` : text;
}
