/**
 * The webhook's memory of processed updates: the one owner of the `processed_updates` table
 * (claimed and marked done per update, pruned after two days).
 */
import type { MiddlewareFn } from 'grammy';
import type { Clock } from '../core/clock';
import type { BotContext } from '../core/context';
import { type Db, nowIso } from '../core/db/index';

/** Telegram gives up redelivering an update after about a day; remembering two is plenty. */
const REMEMBER_UPDATES_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * A claim older than this without `done_at` belongs to a process that died mid-update (a
 * handling is answered within 55 s): Telegram's redelivery takes it over.
 */
export const STALE_CLAIM_MS = 2 * 60 * 1000;

/** A copy of an update arrived while another instance is still handling it: answer 503, retry. */
export class UpdateInFlight extends Error {
  constructor(readonly updateId: number) {
    super(`update ${updateId} is being handled elsewhere`);
  }
}

/**
 * Webhook redeliveries: each `update_id` is handled once, and remembered as processed only
 * *with* its handling.
 *
 * The first copy claims the id (`processed_updates.at`) and marks it done (`done_at`) when the
 * handling returns. When the handling throws, the claim is taken back before the error travels
 * on (the webhook answers 500), so Telegram's redelivery is handled rather than dropped. A claim
 * left by a process killed mid-update goes stale after {@link STALE_CLAIM_MS} and the next
 * redelivery takes it over. A copy arriving while the first is in flight gets
 * {@link UpdateInFlight} (503: Telegram tries again later); a copy of a done update is dropped.
 */
export function dedupeUpdates(db: Db, clock: Clock): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const updateId = ctx.update.update_id;
    const now = clock();
    const inserted = await db('processed_updates')
      .insert({ update_id: updateId, at: now.toISOString() })
      .onConflict('update_id')
      .ignore()
      .returning('update_id');
    if (inserted.length === 0) {
      const staleBefore = new Date(now.getTime() - STALE_CLAIM_MS).toISOString();
      const takenOver = await db('processed_updates')
        .where({ update_id: updateId })
        .whereNull('done_at')
        .andWhere('at', '<', staleBefore)
        .update({ at: now.toISOString() });
      if (takenOver === 0) {
        const row = await db('processed_updates').where({ update_id: updateId }).first('done_at');
        if (row && !row.done_at) throw new UpdateInFlight(updateId);
        ctx.log?.info('duplicate update ignored');
        return;
      }
      ctx.log?.warn('update left unfinished by a stopped process is handled again');
    }
    try {
      await next();
    } catch (error) {
      await db('processed_updates')
        .where({ update_id: updateId })
        .delete()
        .catch((forget: unknown) =>
          ctx.log?.warn({ err: forget }, 'could not forget a failed update'),
        );
      throw error;
    }
    await db('processed_updates')
      .where({ update_id: updateId })
      .update({ done_at: nowIso(clock) });
  };
}

/** Forgets processed `update_id`s older than Telegram could redeliver. Returns how many went. */
export async function pruneProcessedUpdates(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - REMEMBER_UPDATES_MS).toISOString();
  return db('processed_updates').where('at', '<', cutoff).delete();
}
