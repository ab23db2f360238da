import type { Knex } from 'knex';
import type { Db } from './db/index';
import type { Clock } from './clock';

/** The outcome of a check: allowed, or blocked until a moment the user can be told. */
export type RateLimitState = { blocked: false } | { blocked: true; retryAfterMs: number };

/** The outcome of {@link RateLimiter.take}: `remaining` is the fewest slots left in any scope. */
export type TakeResult =
  | { blocked: false; remaining: number }
  | { blocked: true; retryAfterMs: number };

/** Thrown inside {@link RateLimiter.take}'s transaction to undo the slots already taken. */
class Blocked extends Error {
  constructor(readonly retryAfterMs: number) {
    super('rate limited');
  }
}

/** Rows out of a raw statement, whichever driver ran it (pg: `{rows}`, better-sqlite3: array). */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] })?.rows ?? []) as Record<
    string,
    unknown
  >[];
}

/**
 * Fixed-window attempt counters in the `rate_limits` table, shared by every bot instance.
 *
 * A scope names what is limited (`login:tg:<telegram id>`, `login:user:<user id>`, …). An
 * attempt first **takes a slot** ({@link take}) and only then does its work: the slot is one
 * conditional upsert (`INSERT … ON CONFLICT DO UPDATE … WHERE count < limit RETURNING`), so of a
 * burst of any size on SQLite or PostgreSQL at most `limit` attempts per window get through — no
 * read-then-write gap between the check and the count. A window that has passed restarts at the
 * next attempt. An attempt that succeeded may give its slot back ({@link release}) or clear the
 * scope ({@link reset}), so the limit counts failures.
 */
export class RateLimiter {
  constructor(
    private readonly db: Db,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /**
   * Read-only: whether every one of `scopes` still has a free slot; the longest wait wins. Only
   * for telling the user early (before asking a question); the gate itself is {@link take}.
   */
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

  /**
   * Takes one slot in every one of `scopes`, atomically and all or nothing: when any scope is
   * full, none is charged and the answer says how long the longest wait is (milliseconds).
   * Scopes are taken in sorted order, so two bursts over overlapping scopes cannot deadlock.
   */
  async take(scopes: string[]): Promise<TakeResult> {
    if (scopes.length === 0) return { blocked: false, remaining: this.limit };
    const now = this.clock();
    const cutoff = new Date(now.getTime() - this.windowMs).toISOString();
    const sorted = [...new Set(scopes)].sort();
    try {
      const remaining = await this.db.transaction(async (trx) => {
        let wait = 0;
        let left = this.limit;
        for (const scope of sorted) {
          const count = await this.takeOne(trx, scope, now.toISOString(), cutoff);
          if (count === undefined)
            wait = Math.max(wait, await this.waitOf(trx, scope, now.getTime()));
          else left = Math.min(left, this.limit - count);
        }
        if (wait > 0) throw new Blocked(wait);
        return left;
      });
      return { blocked: false, remaining };
    } catch (error) {
      if (error instanceof Blocked) return { blocked: true, retryAfterMs: error.retryAfterMs };
      throw error;
    }
  }

  /**
   * Starts a fresh window for `scope` with `used` slots already taken (a code was just sent, so
   * the resend slot is taken; a decoy code was just "sent", so its tries start at zero).
   */
  async open(scope: string, used = 0): Promise<void> {
    const now = this.clock().toISOString();
    await this.db('rate_limits')
      .insert({ scope, window_start: now, count: used })
      .onConflict('scope')
      .merge({ window_start: now, count: used });
  }

  /** When the current window of `scope` began (UTC ISO), or undefined when there is none. */
  async windowStart(scope: string): Promise<string | undefined> {
    const row = await this.db('rate_limits').where({ scope }).first('window_start');
    return row ? String(row.window_start) : undefined;
  }

  private async takeOne(
    trx: Knex.Transaction,
    scope: string,
    now: string,
    cutoff: string,
  ): Promise<number | undefined> {
    const result = await trx.raw(
      `insert into rate_limits (scope, window_start, count) values (?, ?, 1)
       on conflict (scope) do update set
         count = case when rate_limits.window_start <= ? then 1 else rate_limits.count + 1 end,
         window_start = case when rate_limits.window_start <= ?
           then excluded.window_start else rate_limits.window_start end
       where rate_limits.window_start <= ? or rate_limits.count < ?
       returning count`,
      [scope, now, cutoff, cutoff, cutoff, this.limit],
    );
    const row = rowsOf(result)[0];
    return row ? Number(row.count) : undefined;
  }

  private async waitOf(trx: Knex.Transaction, scope: string, now: number): Promise<number> {
    const row = await trx('rate_limits').where({ scope }).first('window_start');
    const end = row ? new Date(row.window_start as string).getTime() + this.windowMs : now;
    return Math.max(1, end - now);
  }

  /** Gives back the slot an attempt took (it succeeded and should not count). */
  async release(scopes: string[]): Promise<void> {
    if (scopes.length === 0) return;
    await this.db('rate_limits')
      .whereIn('scope', scopes)
      .andWhere('count', '>', 0)
      .decrement('count', 1);
  }

  /** Forgets the attempts of `scopes` (after a success). */
  async reset(scopes: string[]): Promise<void> {
    if (scopes.length > 0) await this.db('rate_limits').whereIn('scope', scopes).delete();
  }
}
