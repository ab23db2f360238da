/** Milliseconds since the epoch; injected so tests drive time by hand. */
export type Clock = () => number;

/**
 * A token bucket: `capacity` sends at once, refilled at `perSecond`. Telegram's broadcast limits
 * are buckets of this shape, so pacing with the same shape keeps us just under them.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    now: number,
  ) {
    if (capacity < 1 || perSecond <= 0)
      throw new RangeError('a bucket needs capacity ≥ 1, rate > 0');
    this.tokens = capacity;
    this.updated = now;
  }

  private refill(now: number): void {
    if (now > this.updated) {
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((now - this.updated) / 1000) * this.perSecond,
      );
      this.updated = now;
    }
  }

  /** Milliseconds until a token is available; 0 when one is available now. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** Takes a token; call only when `waitMs` said 0. */
  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** Whether the bucket is back to full (then forgetting it changes nothing). */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }
}

/** Send rates; the defaults are Telegram's published limits for bots. */
export interface PacingOptions {
  /** Messages per second over all chats (Telegram: about 30). */
  globalPerSecond: number;
  /** Burst over all chats. */
  globalBurst: number;
  /** Messages per second to one private chat (Telegram: about 1). */
  chatPerSecond: number;
  /** Burst to one private chat. */
  chatBurst: number;
  /** Messages per second to one group (negative chat id; Telegram: 20 per minute). */
  groupPerSecond: number;
  /** Burst to one group. */
  groupBurst: number;
}

export const DEFAULT_PACING: PacingOptions = {
  globalPerSecond: 30,
  globalBurst: 30,
  chatPerSecond: 1,
  chatBurst: 1,
  groupPerSecond: 20 / 60,
  groupBurst: 1,
};

/** Chats with a full bucket and no pause are forgotten once this many are tracked. */
const PRUNE_ABOVE = 10_000;

/**
 * Paces outgoing messages: one global bucket, one bucket per chat, and pauses imposed by a 429's
 * `retry_after` (per chat, or for everything). It only computes waits; the caller sleeps, so the
 * same object works with a real and a fake clock.
 */
export class Pacer {
  private readonly options: PacingOptions;
  private readonly global: TokenBucket;
  private readonly chats = new Map<number, { bucket: TokenBucket; pausedUntil: number }>();
  private globalPausedUntil = 0;

  constructor(
    options: Partial<PacingOptions> = {},
    private readonly clock: Clock = Date.now,
  ) {
    this.options = { ...DEFAULT_PACING, ...options };
    this.global = new TokenBucket(this.options.globalBurst, this.options.globalPerSecond, clock());
  }

  private chat(chatId: number, now: number) {
    let entry = this.chats.get(chatId);
    if (!entry) {
      if (this.chats.size >= PRUNE_ABOVE) this.prune(now);
      const group = chatId < 0;
      entry = {
        bucket: new TokenBucket(
          group ? this.options.groupBurst : this.options.chatBurst,
          group ? this.options.groupPerSecond : this.options.chatPerSecond,
          now,
        ),
        pausedUntil: 0,
      };
      this.chats.set(chatId, entry);
    }
    return entry;
  }

  private prune(now: number): void {
    for (const [chatId, entry] of this.chats) {
      if (entry.pausedUntil <= now && entry.bucket.isFull(now)) this.chats.delete(chatId);
    }
  }

  /** Milliseconds until a message to `chatId` may go; 0 = now. Takes nothing. */
  waitMs(chatId: number): number {
    const now = this.clock();
    const chat = this.chat(chatId, now);
    return Math.max(
      0,
      this.globalPausedUntil - now,
      chat.pausedUntil - now,
      this.global.waitMs(now),
      chat.bucket.waitMs(now),
    );
  }

  /** Takes a token for `chatId` if it may send now; otherwise returns the wait in ms. */
  tryTake(chatId: number): number {
    const wait = this.waitMs(chatId);
    if (wait > 0) return wait;
    const now = this.clock();
    this.global.take(now);
    this.chat(chatId, now).bucket.take(now);
    return 0;
  }

  /** Honours a 429: nothing more to `chatId` (or to anyone, when `global`) for `ms`. */
  pause(chatId: number, ms: number, global: boolean): void {
    const now = this.clock();
    const until = now + ms;
    const chat = this.chat(chatId, now);
    chat.pausedUntil = Math.max(chat.pausedUntil, until);
    if (global) this.globalPausedUntil = Math.max(this.globalPausedUntil, until);
  }

  /** When sends to `chatId` may resume after pauses (epoch ms; ≤ now when not paused). */
  pausedUntil(chatId: number): number {
    return Math.max(this.globalPausedUntil, this.chats.get(chatId)?.pausedUntil ?? 0);
  }

  /** When sends to every chat may resume after a global pause (epoch ms). */
  get globalPausedUntilMs(): number {
    return this.globalPausedUntil;
  }

  /** How many chats are tracked (for tests of the pruning). */
  get trackedChats(): number {
    return this.chats.size;
  }
}
