import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { BotContext } from '../core/context';
import type { Logger } from '../core/logger';
import { ALLOWED_UPDATES } from './updates';

/**
 * Long polling through grammY's runner: updates of different chats run concurrently, one chat's
 * strictly in order (the bot installs `sequentialize`). `stop()` waits for updates in flight.
 */
export async function startPolling(bot: Bot<BotContext>, logger: Logger): Promise<RunnerHandle> {
  await bot.init();
  // A webhook left from a webhook deployment would make getUpdates fail; pending updates are kept.
  await bot.api.deleteWebhook({ drop_pending_updates: false });
  const handle = run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
  });
  logger.info({ bot: bot.botInfo.username }, 'polling started');
  return handle;
}
