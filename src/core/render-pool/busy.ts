import type { InlineKeyboard } from 'grammy';
import type { BotContext } from '../context';
import { RenderBusyError } from './index';

/**
 * Runs a render for a resident; when the pool refuses it ({@link RenderBusyError}: every thread
 * busy and the queue full), tells them politely in their language (`render-busy`: «Сейчас много
 * запросов. Попробуйте через минуту.») with `keyboard` (a button to ask again and the way back),
 * logs a warning (capacity, not a fault) and resolves to `undefined`; the caller then stops.
 * Any other failure is thrown on, to the bot's apology. The caller answers a pressed button
 * before rendering, as it does anyway, so the button never spins.
 */
export async function renderOrSayBusy(
  ctx: BotContext,
  what: string,
  render: () => Promise<Buffer>,
  keyboard: InlineKeyboard,
): Promise<Buffer | undefined> {
  try {
    return await render();
  } catch (error) {
    if (!(error instanceof RenderBusyError)) throw error;
    ctx.log.warn({ render: what }, 'render pool busy: the resident was asked to try again');
    await ctx.reply(ctx.t('render-busy'), { reply_markup: keyboard });
    return undefined;
  }
}
