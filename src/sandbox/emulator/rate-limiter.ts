import { ApiError } from './api-error.js';

class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updated = now;
  }

  /** Seconds until one token is available (0 = available now). */
  waitSeconds(now: number): number {
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.updated) / 1000) * this.perSecond,
    );
    this.updated = now;
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perSecond;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/**
 * Telegram's published broadcast limits as token buckets: about one message
 * per second per private chat (with a small burst), 20 per minute per group,
 * 30 per second overall. Exceeding one yields 429 with `retry_after`, so the
 * bot's auto-retry and outbox code can be exercised locally.
 */
export class RateLimiter {
  enabled: boolean;
  private readonly perChat = new Map<number, TokenBucket>();
  private global: TokenBucket | undefined;

  constructor(
    enabled: boolean,
    private readonly clock: () => number = Date.now,
  ) {
    this.enabled = enabled;
  }

  /** Consumes a token for a message to `chatId` or throws 429. */
  check(chatId: number, isGroup: boolean): void {
    if (!this.enabled) return;
    const now = this.clock();
    this.global ??= new TokenBucket(30, 30, now);
    let bucket = this.perChat.get(chatId);
    if (!bucket) {
      bucket = isGroup ? new TokenBucket(20, 20 / 60, now) : new TokenBucket(3, 1, now);
      this.perChat.set(chatId, bucket);
    }
    const wait = Math.max(bucket.waitSeconds(now), this.global.waitSeconds(now));
    if (wait > 0) {
      const retryAfter = Math.max(1, Math.ceil(wait));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, {
        retry_after: retryAfter,
      });
    }
    bucket.take();
    this.global.take();
  }
}
