import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import { isLocale, SUPPORTED_LOCALES } from '../../core/i18n';
import type { LanguageService } from './service';

export const LANGUAGE_CONVERSATION = 'language';

const LANGUAGE_NAMES: Record<string, string> = { ru: '🇷🇺 Русский', en: '🇬🇧 English' };
const chooseButton = (locale: string) => callbackData('lang', 'set', locale);
const choosePattern = callbackPattern('lang', 'set', [SUPPORTED_LOCALES.join('|')]);

/**
 * /language: offers the languages as buttons and waits for a tap. A conversation (not a plain
 * callback handler) so that a reply typed instead of a tap gets a reminder, and /cancel works.
 */
export function createLanguageConversation(languages: LanguageService) {
  return async function languageConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
  ): Promise<void> {
    const keyboard = new InlineKeyboard();
    for (const locale of SUPPORTED_LOCALES)
      keyboard.text(LANGUAGE_NAMES[locale]!, chooseButton(locale)).row();
    keyboard.text(ctx.t('button-cancel'), callbackData('lang', 'cancel'));
    const prompt = await ctx.reply(ctx.t('language-choose'), { reply_markup: keyboard });

    const answer = await conversation.waitForCallbackQuery([choosePattern, /^v1\|lang\|cancel$/], {
      otherwise: (other) => other.reply(other.t('language-choose'), { reply_markup: keyboard }),
    });
    await answer.answerCallbackQuery();
    await answer.api.editMessageReplyMarkup(prompt.chat.id, prompt.message_id).catch(() => {});
    const chosen = answer.match?.[1];
    if (!isLocale(chosen) || !answer.from) {
      await answer.reply(answer.t('cancelled'));
      return;
    }
    const userId = answer.from.id;
    await conversation.external(() => languages.chooseLocale(userId, chosen));
    answer.i18n.useLocale(chosen);
    await answer.reply(answer.t('language-changed'), { reply_markup: { remove_keyboard: true } });
  };
}

export function enterLanguage(ctx: BotContext) {
  return ctx.conversation.enter(LANGUAGE_CONVERSATION);
}
