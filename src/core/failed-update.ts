import type { BotError } from 'grammy';
import type { BotContext } from './context';
import type { Locale, Translate } from './i18n';
import type { Logger } from './logger';

/**
 * The bot's last word on an update that failed (`bot.catch`): the error logged with the update id
 * (the logger keeps personal data out of it), the failed flow's open question closed
 * (`closeFlow`), and a humane apology without internals — in the person's language, or in the
 * default one when choosing the language was itself what failed (then `ctx.t` cannot render).
 * Never throws: a failure to apologise is logged as a warning.
 */
export function apologiseForFailedUpdate(deps: {
  logger: Logger;
  translate: Translate;
  defaultLocale: Locale;
  closeFlow: (ctx: BotContext) => Promise<void>;
}): (failure: BotError<BotContext>) => Promise<void> {
  const { logger } = deps;
  const apologyIn = (ctx: BotContext): string => {
    try {
      if (ctx.t) return ctx.t('error-apology');
    } catch {
      // the language could not be chosen: the default one below
    }
    return deps.translate(deps.defaultLocale, 'error-apology');
  };
  return async ({ ctx, error }) => {
    (ctx.log ?? logger).error(
      { err: error, update_id: ctx.update.update_id },
      'update handling failed',
    );
    if (!ctx.chat) return;
    await deps.closeFlow(ctx).catch((closeError: unknown) => {
      logger.warn({ err: closeError }, 'could not close the failed flow');
    });
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
      await ctx.api.sendMessage(ctx.chat.id, apologyIn(ctx));
    } catch (replyError) {
      logger.warn({ err: replyError }, 'could not send the apology');
    }
  };
}
