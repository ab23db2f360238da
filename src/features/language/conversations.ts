import type { ConversationKit } from '../../core/conversation-kit/index';
import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import { isLocale, SUPPORTED_LOCALES } from '../../core/i18n';
import type { LanguageService } from './service';

export const LANGUAGE_CONVERSATION = 'language';

const LANGUAGE_NAMES: Record<string, string> = { ru: '🇷🇺 Русский', en: '🇬🇧 English' };

/**
 * /language: offers the languages as buttons (the kit's choice: a typed reply gets a reminder,
 * /cancel works) and leaves the person with their menu in the new language.
 */
export function createLanguageConversation(languages: LanguageService, kit: ConversationKit) {
  return async function languageConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
  ): Promise<void> {
    const chosen = await kit.choose(conversation, ctx, {
      prompt: ctx.t('language-choose'),
      options: SUPPORTED_LOCALES.map((locale) => ({
        label: LANGUAGE_NAMES[locale] ?? locale,
        value: locale,
      })),
    });
    if (!chosen) return;
    const locale = chosen.value;
    const at = chosen.ctx;
    if (!isLocale(locale) || !at.from) return;
    const userId = at.from.id;
    await conversation.external(() => languages.chooseLocale(userId, locale));
    at.i18n.useLocale(locale);
    await kit.finish(conversation, at, at.t('language-changed'));
  };
}

export function enterLanguage(ctx: BotContext) {
  return ctx.conversation.enter(LANGUAGE_CONVERSATION);
}
