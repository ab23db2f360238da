import { Composer } from 'grammy';
import type { BotContext } from '../../core/context';
import { isLocale } from '../../core/i18n';
import { splitForTelegram } from './consent';
import { reacceptButton, reacceptKeyboard } from './keyboards';
import type { ConsentService } from './service';

export interface ConsentGateDeps {
  consents: ConsentService;
}

/**
 * A logged-in resident whose accepted consent is older than the current text (or who has none)
 * must accept the new one before anything else; /logout, /cancel and /help still work.
 */
export function createConsentGate({ consents }: ConsentGateDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').use(async (ctx, next) => {
    const user = await ctx.resident();
    if (!user || !(await consents.needsAcceptance(user.id))) return next();
    const command = ctx.message?.text?.split(/[\s@]/)[0];
    if (command === '/logout' || command === '/help') return next();
    const locale = await ctx.i18n.getLocale();
    const lang = isLocale(locale) ? locale : 'ru';
    if (ctx.callbackQuery?.data === reacceptButton) {
      await consents.accept({ userId: user.id, telegramUserId: ctx.from.id, locale: lang });
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => {});
      await ctx.reply(ctx.t('consent-reaccepted'));
      return;
    }
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('consent-changed'));
    for (const part of splitForTelegram(consents.current(lang).text)) await ctx.reply(part);
    await ctx.reply(ctx.t('consent-reaccept-ask'), { reply_markup: reacceptKeyboard(ctx) });
  });
  return feature;
}
