import type { Db } from './db/index';
import type { Clock } from './clock';

/** The outcome of a check: allowed, or blocked until a moment the user can be told. */
export type RateLimitState = { blocked: false } | { blocked: true; retryAfterMs: number };

/**
 * Fixed-window attempt counters in the `rate_limits` table, shared by every bot instance.
 *
 * A scope names what is limited (`login:tg:<telegram id>`, `login:user:<user id>`, …). Each
 * failure is one atomic upsert (no read-then-write), so concurrent attempts on SQLite or
 * PostgreSQL are all counted. A window that has passed restarts at the next failure.
 */
export class RateLimiter {
  constructor(
    private readonly db: Db,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Whether every one of `scopes` still allows an attempt; the longest wait wins. */
  async check(scopes: string[]): Promise<RateLimitState> {
    if (scopes.length === 0) return { blocked: false };
    const now = this.clock().getTime();
    const rows = await this.db('rate_limits')
      .whereIn('scope', scopes)
      .select('window_start', 'count');
    let retryAfterMs = 0;
    for (const row of rows) {
      const end = new Date(row.window_start as string).getTime() + this.windowMs;
      if (end > now && Number(row.count) >= this.limit) {
        retryAfterMs = Math.max(retryAfterMs, end - now);
      }
    }
    return retryAfterMs > 0 ? { blocked: true, retryAfterMs } : { blocked: false };
  }

  /** Counts one failure in each scope. */
  async hit(scopes: string[]): Promise<void> {
    const now = this.clock();
    const cutoff = new Date(now.getTime() - this.windowMs).toISOString();
    for (const scope of scopes) {
      await this.db('rate_limits')
        .insert({ scope, window_start: now.toISOString(), count: 1 })
        .onConflict('scope')
        .merge({
          count: this.db.raw(
            'case when rate_limits.window_start <= ? then 1 else rate_limits.count + 1 end',
            [cutoff],
          ),
          window_start: this.db.raw(
            'case when rate_limits.window_start <= ? then ? else rate_limits.window_start end',
            [cutoff, now.toISOString()],
          ),
        });
    }
  }

  /** Forgets the failures of `scopes` (after a success). */
  async reset(scopes: string[]): Promise<void> {
    if (scopes.length > 0) await this.db('rate_limits').whereIn('scope', scopes).delete();
  }
}
