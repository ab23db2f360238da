import { Composer } from 'grammy';
import type { BotContext } from './context';

/**
 * /cancel (and the «Отмена» button, which sends the same callback) leaves any conversation from
 * anywhere. Registered after the conversations plugin but before the conversations themselves,
 * so an active conversation never swallows it.
 */
export function createCancelFeature(
  cancelCallback: string,
  afterCancel: (ctx: BotContext) => Promise<unknown>,
): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const cancel = async (ctx: BotContext) => {
    const active = Object.keys(await ctx.conversation.active()).length > 0;
    await ctx.conversation.exitAll();
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t(active ? 'cancelled' : 'nothing-to-cancel'), {
      reply_markup: { remove_keyboard: true },
    });
    await afterCancel(ctx);
  };
  feature.command('cancel', cancel);
  feature.callbackQuery(cancelCallback, cancel);
  return feature;
}
