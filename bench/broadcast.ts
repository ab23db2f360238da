/**
 * Part of `npm run bench`: a broadcast to every resident (3 000 by default) delivered by the real
 * outbox worker (`createBackground`, the same pacer and 429 handling as in production) through the
 * in-process transport enforcing Telegram's flood limits (30 messages/s overall, ~1/s per chat;
 * beyond them 429 with `retry_after`). Real time, not scaled: 3 000 messages take ~100 s.
 *
 * The broadcast is drafted and confirmed through `BroadcastService` as the admin chat's buttons
 * do (one transaction: the broadcast and one outbox row per recipient), then only the outbox
 * worker runs (not the scheduler, whose reading reminders would join the queue).
 */
import type { App } from '../src/app';
import type { Db } from '../src/core/db/index';
import type { Transport } from './transport';

export interface BroadcastResult {
  recipients: number;
  /** From starting the worker to the last row sent. */
  seconds: number;
  /** Distinct recipients who got the message, per second. */
  perSecond: number;
  /** Recipients who never got it. */
  lost: number;
  /** Copies beyond the first, over all recipients. */
  duplicated: number;
  /** Sends the transport refused with 429. */
  refused: number;
  /** Outbox rows left `failed` or `cancelled`. */
  failedRows: number;
}

const ADMIN = 777_000_001;

/**
 * Broadcasts one text to every resident of `app` and waits until its outbox rows are all
 * finished (or `timeoutSeconds` pass), then counts what each of `residents` received. `db` is
 * the database `app` was built on.
 */
export async function broadcastRun(
  app: App,
  db: Db,
  transport: Transport,
  residents: readonly number[],
  options: { adminChatId: number; timeoutSeconds: number },
): Promise<BroadcastResult> {
  const { services, background } = app;
  await services.staff.add(ADMIN, 'admin');
  const text = `Плановое отключение электроэнергии: бенчмарк ${Date.now().toString(36)}`;
  const draft = await services.broadcasts.draft({
    staffTelegramId: ADMIN,
    filter: { kind: 'all' },
    text,
  });
  if (draft.kind !== 'draft') throw new Error(`bench: broadcast draft refused: ${draft.kind}`);
  const confirmed = await services.broadcasts.confirm({
    staffTelegramId: ADMIN,
    broadcastId: draft.id,
    progressChatId: options.adminChatId,
    progressMessageId: 1,
  });
  if (confirmed.kind !== 'started') throw new Error(`bench: broadcast not started`);
  const refusedBefore = transport.refused;
  const started = performance.now();
  let finishedAt = started;
  background.worker.start();
  const deadline = started + options.timeoutSeconds * 1000;
  for (;;) {
    const [row] = (await db('outbox')
      .where('kind', 'broadcast')
      .whereIn('status', ['pending', 'sending'])
      .count({ n: '*' })) as { n: number | string }[];
    finishedAt = performance.now();
    if (Number(row?.n ?? 0) === 0 || finishedAt > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await background.worker.stop();
  const seconds = (finishedAt - started) / 1000;
  let lost = 0;
  let duplicated = 0;
  let delivered = 0;
  for (const chat of residents) {
    const copies = transport.take(chat).filter((m) => m.text === text).length;
    if (copies === 0) lost++;
    else delivered++;
    if (copies > 1) duplicated += copies - 1;
  }
  const [failed] = (await db('outbox')
    .where('kind', 'broadcast')
    .whereIn('status', ['failed', 'cancelled'])
    .count({ n: '*' })) as { n: number | string }[];
  return {
    recipients: confirmed.recipients,
    seconds,
    perSecond: delivered / seconds,
    lost,
    duplicated,
    refused: transport.refused - refusedBefore,
    failedRows: Number(failed?.n ?? 0),
  };
}
