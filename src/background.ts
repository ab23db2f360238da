import { Api, type ApiClientOptions } from 'grammy';
import type { AppDeps, BotOptions } from './app';
import type { FeatureJob } from './core/feature';
import { createI18n } from './core/i18n';
import { Outbox } from './core/outbox/outbox';
import { OutboxWorker } from './core/outbox/worker';
import { Scheduler } from './core/scheduler';
import { BroadcastProgressLine } from './features/broadcast/progress';
import { progressText } from './features/broadcast/views';
import { LanguageService } from './features/language/service';
import { followAdminChatMigration } from './features/staff/follow-migration';
import { AdminChat } from './features/staff/service';
import type { Services } from './services';

/** The background side of the process: the notification outbox, its worker, periodic jobs. */
export interface Background {
  outbox: Outbox;
  worker: OutboxWorker;
  scheduler: Scheduler;
  start(): void;
  /** Stops jobs, then the worker (its send in flight finishes); call before the database closes. */
  stop(): Promise<void>;
}

/**
 * Builds the outbox worker and the scheduler, unstarted; `main.ts` starts them in every run mode.
 * The worker gets a plain `Api` of its own: it honours 429 `retry_after` itself by rescheduling
 * the row, whereas auto-retry (installed on `bot.api`) would sleep inside the send.
 */
export function createBackground(
  deps: AppDeps,
  options: Pick<BotOptions, 'token' | 'apiRoot' | 'fetch' | 'outboxPacing'>,
  parts: Partial<Pick<Services, 'outbox' | 'adminChat' | 'broadcasts'>> & {
    /** The features' periodic work (`jobsOf(features)`). */
    jobs?: readonly FeatureJob[];
  } = {},
): Background {
  const { db, logger } = deps;
  const outbox = parts.outbox ?? new Outbox(db, deps.clock);
  const api = new Api(options.token, clientOptions(options));
  // A card queued before the admin group became a supergroup still reaches staff.
  api.config.use(
    followAdminChatMigration(
      parts.adminChat ?? new AdminChat(db, deps.config.adminChatId, deps.clock),
      logger,
    ),
  );
  // Keyed texts (services queue message keys, not texts) in the recipient's language.
  const texts = createI18n(deps.config.defaultLocale, async () => undefined);
  const languages = new LanguageService(db, deps.clock);
  const renderText = async (
    chatId: number,
    key: string,
    vars: Record<string, string | number> | undefined,
  ) => texts.t((await languages.localeOf(chatId)) ?? deps.config.defaultLocale, key, vars);
  // The admin chat's broadcast progress lines follow the worker's outcomes (after a restart too).
  const progressLine = parts.broadcasts
    ? new BroadcastProgressLine(
        parts.broadcasts,
        api,
        (progress) =>
          progressText((key, vars) => texts.t(deps.config.defaultLocale, key, vars), progress),
        deps.clock,
        logger,
      )
    : undefined;
  const worker = new OutboxWorker(db, api, {
    outbox,
    renderText,
    logger: logger.child({ module: 'outbox' }),
    clock: () => deps.clock().getTime(),
    ...(progressLine ? { onEvent: progressLine.onEvent } : {}),
    ...(options.outboxPacing ? { pacing: options.outboxPacing } : {}),
  });
  const scheduler = new Scheduler(db, {
    logger: logger.child({ module: 'scheduler' }),
    clock: () => deps.clock().getTime(),
  });
  for (const job of parts.jobs ?? []) {
    scheduler.every(job.name, job.everyMs, ({ now }) => job.run(now));
  }
  return {
    outbox,
    worker,
    scheduler,
    start() {
      worker.start();
      scheduler.start();
    },
    async stop() {
      await scheduler.stop();
      await worker.stop();
    },
  };
}

/** grammY client options from ours: a custom API root and HTTP client, when given. */
export function clientOptions(
  options: Pick<BotOptions, 'apiRoot' | 'fetch'>,
): ApiClientOptions | undefined {
  if (!options.apiRoot && !options.fetch) return undefined;
  return {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
}
