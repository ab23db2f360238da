import type { Knex } from 'knex';
import type { Db } from './db/index';
import type { Clock } from './clock';

/** The outcome of a check: allowed, or blocked until a moment the user can be told. */
export type RateLimitState = { blocked: false } | { blocked: true; retryAfterMs: number };

/** The outcome of {@link RateLimiter.take}: `remaining` is the fewest slots left in any scope. */
export type TakeResult =
  | { blocked: false; remaining: number }
  | { blocked: true; retryAfterMs: number };

/**
 * The outcome of {@link RateLimiter.attempt}: like {@link TakeResult}, and when blocked, `busy`
 * says the window is full only because attempts are still being checked (none of which has
 * failed yet) — «try again in a moment», not «too many failed attempts».
 */
export type AttemptResult =
  | { blocked: false; remaining: number }
  | { blocked: true; retryAfterMs: number; busy: boolean };

/** Thrown inside {@link RateLimiter.take}'s transaction to undo the slots already taken. */
class Blocked extends Error {
  constructor(
    readonly retryAfterMs: number,
    readonly busy: boolean,
  ) {
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
    const result = await this.takeAll(scopes, false);
    return result.blocked ? { blocked: true, retryAfterMs: result.retryAfterMs } : result;
  }

  /**
   * {@link take} for an attempt whose verdict comes later (a password being verified): the slot
   * is also marked in flight until {@link settle}. When the window is full, `busy` tells whether
   * settled failures fill it (locked out for `retryAfterMs`) or attempts still in flight do (a
   * moment's wait: if they succeed they give their slots back). A process that dies mid-check
   * leaves its mark until the window ends.
   */
  async attempt(scopes: string[]): Promise<AttemptResult> {
    return this.takeAll(scopes, true);
  }

  /**
   * Settles an {@link attempt}: `failed` keeps its slot (a counted failure); `succeeded` gives
   * the slot back. Either way it is no longer in flight.
   */
  async settle(scopes: string[], outcome: 'failed' | 'succeeded'): Promise<void> {
    if (scopes.length === 0) return;
    await this.db('rate_limits')
      .whereIn('scope', scopes)
      .andWhere('in_flight', '>', 0)
      .update({
        in_flight: this.db.raw('in_flight - 1'),
        ...(outcome === 'succeeded'
          ? { count: this.db.raw('case when count > 0 then count - 1 else 0 end') }
          : {}),
      });
  }

  private async takeAll(scopes: string[], inFlight: boolean): Promise<AttemptResult> {
    if (scopes.length === 0) return { blocked: false, remaining: this.limit };
    const now = this.clock();
    const cutoff = new Date(now.getTime() - this.windowMs).toISOString();
    const sorted = [...new Set(scopes)].sort();
    try {
      const remaining = await this.db.transaction(async (trx) => {
        let wait = 0;
        let busy = true;
        let left = this.limit;
        for (const scope of sorted) {
          const count = await this.takeOne(trx, scope, now.toISOString(), cutoff, inFlight);
          if (count === undefined) {
            const full = await this.fullness(trx, scope, now.getTime());
            wait = Math.max(wait, full.waitMs);
            busy = busy && full.failures < this.limit;
          } else left = Math.min(left, this.limit - count);
        }
        if (wait > 0) throw new Blocked(wait, busy);
        return left;
      });
      return { blocked: false, remaining };
    } catch (error) {
      if (error instanceof Blocked)
        return { blocked: true, retryAfterMs: error.retryAfterMs, busy: error.busy };
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
    inFlight: boolean,
  ): Promise<number | undefined> {
    const flight = inFlight ? 1 : 0;
    const result = await trx.raw(
      `insert into rate_limits (scope, window_start, count, in_flight) values (?, ?, 1, ?)
       on conflict (scope) do update set
         count = case when rate_limits.window_start <= ? then 1 else rate_limits.count + 1 end,
         in_flight = case when rate_limits.window_start <= ?
           then excluded.in_flight else rate_limits.in_flight + excluded.in_flight end,
         window_start = case when rate_limits.window_start <= ?
           then excluded.window_start else rate_limits.window_start end
       where rate_limits.window_start <= ? or rate_limits.count < ?
       returning count`,
      [scope, now, flight, cutoff, cutoff, cutoff, cutoff, this.limit],
    );
    const row = rowsOf(result)[0];
    return row ? Number(row.count) : undefined;
  }

  /** A full scope: how long until its window ends, and how many of its slots are settled. */
  private async fullness(
    trx: Knex.Transaction,
    scope: string,
    now: number,
  ): Promise<{ waitMs: number; failures: number }> {
    const row = await trx('rate_limits')
      .where({ scope })
      .first('window_start', 'count', 'in_flight');
    const end = row ? new Date(row.window_start as string).getTime() + this.windowMs : now;
    const failures = row ? Number(row.count) - Number(row.in_flight) : 0;
    return { waitMs: Math.max(1, end - now), failures };
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
