import { auditActionKey } from '../../core/audit';
import { Composer } from 'grammy';
import type { BotContext } from '../../core/context';
import type { ConversationKit } from '../../core/conversation-kit/index';
import { residentOrLoginHint } from '../help/guard';
import { hearsButton, isLocale } from '../../core/i18n';
import { guestKeyboard } from '../help/keyboards';
import type { LanguageService } from '../language/service';
import { enterProfileEdit } from './conversations';
import {
  type EditableField,
  languageKeyboard,
  logoutEverywhereKeyboard,
  profileKeyboard,
  profilePatterns,
  profileText,
  securityKeyboard,
  securityPatterns,
} from './keyboards';
import { formatDateTime, formatLocale } from '../../core/format';
import { maskTelegramId } from './rules';
import type { Actor, ProfileService } from './service';

export interface ProfileFeatureDeps {
  profile: ProfileService;
  languages: LanguageService;
  timeZone: string;
  notifySessionEnded: (telegramUserIds: number[], key: string) => Promise<void>;
  /** The text with the resident's main menu (a language change sends it in the new language). */
  kit: Pick<ConversationKit, 'confirmation' | 'pickerShown' | 'pickerDone'>;
}

/**
 * The cabinet of a logged-in resident, or a "log in first" answer with the start menu. Every
 * command and button asks again: a button left in an old message must not act for a cabinet
 * the person has since left.
 */
export async function requireActor(ctx: BotContext): Promise<Actor | undefined> {
  const user = await residentOrLoginHint(ctx, 'profile-login-first');
  return user ? { userId: user.id, telegramUserId: user.telegramUserId } : undefined;
}

/** /profile and /security, their buttons, and "log out everywhere". */
export function createProfileFeature(deps: ProfileFeatureDeps): Composer<BotContext> {
  const { profile, languages } = deps;
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  const showProfile = async (ctx: BotContext, actor: Actor) => {
    const card = await profile.profile(actor.userId);
    if (!card) return;
    await ctx.reply(profileText(ctx, card), { reply_markup: profileKeyboard(ctx) });
  };

  const actionLabel = (ctx: BotContext, action: string) => {
    const key = auditActionKey(action);
    const text = ctx.t(key);
    return text === key || text === `{${key}}` ? ctx.t('security-action-other', { action }) : text;
  };

  const showSecurity = async (ctx: BotContext, actor: Actor, page: number) => {
    const result = await profile.securityPage(actor.userId, page);
    const locale = await ctx.i18n.getLocale();
    const lines = result.events.map((event) =>
      ctx.t('security-line', {
        time: formatDateTime(event.at, deps.timeZone, formatLocale(locale)),
        action: actionLabel(ctx, event.action),
        who:
          event.telegramUserId === null
            ? ctx.t('security-nobody')
            : event.telegramUserId === actor.telegramUserId
              ? ctx.t('security-you')
              : ctx.t('security-device', { id: maskTelegramId(event.telegramUserId) }),
      }),
    );
    const text = [
      ctx.t('security-title'),
      ctx.t('security-page', { page: result.page + 1, pages: result.pages }),
      '',
      lines.length > 0 ? lines.join('\n') : ctx.t('security-empty'),
    ].join('\n');
    const reply_markup = securityKeyboard(ctx, result.page, result.pages);
    if (ctx.callbackQuery?.message) {
      await ctx
        .editMessageText(text, { reply_markup })
        .catch(() => ctx.reply(text, { reply_markup }));
    } else {
      await ctx.reply(text, { reply_markup });
    }
  };

  privateChat.command('profile', async (ctx) => {
    const actor = await requireActor(ctx);
    if (actor) await showProfile(ctx, actor);
  });
  privateChat.filter(hearsButton('button-profile'), async (ctx) => {
    const actor = await requireActor(ctx);
    if (actor) await showProfile(ctx, actor);
  });
  privateChat.callbackQuery(profilePatterns.show, async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    await showProfile(ctx, actor);
  });
  privateChat.callbackQuery(profilePatterns.edit, async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    await enterProfileEdit(ctx, ctx.match[1] as EditableField);
  });
  privateChat.callbackQuery(profilePatterns.language, async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    const shown = await ctx.reply(ctx.t('profile-choose-language'), {
      reply_markup: languageKeyboard(ctx),
    });
    await deps.kit.pickerShown(ctx, shown.message_id);
  });
  privateChat.callbackQuery(profilePatterns.setLanguage, async (ctx) => {
    const actor = await requireActor(ctx);
    const chosen = ctx.match[1];
    if (!actor || !isLocale(chosen)) return;
    await languages.chooseLocale(actor.telegramUserId, chosen);
    await profile.setLocale(actor, chosen);
    ctx.i18n.useLocale(chosen);
    await ctx.answerCallbackQuery();
    // One change, one answer: the buttons go, and a repeated press (ten taps on «English») is a
    // quiet «Уже сделано. Язык изменён.» from the exit path, not another change and card.
    await deps.kit.pickerDone(ctx, ctx.t('profile-language-saved'));
    // The reply keyboard on screen is in the old language: the main menu comes again in the new.
    const { text, ...menu } = deps.kit.confirmation(ctx, ctx.t('profile-language-saved'));
    await ctx.reply(text, menu);
    await showProfile(ctx, actor);
  });

  privateChat.command('security', async (ctx) => {
    const actor = await requireActor(ctx);
    if (actor) await showSecurity(ctx, actor, 0);
  });
  privateChat.callbackQuery(profilePatterns.security, async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    await showSecurity(ctx, actor, 0);
  });
  privateChat.callbackQuery(securityPatterns.page, async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    await showSecurity(ctx, actor, Number(ctx.match[1]));
  });
  privateChat.callbackQuery(securityPatterns.logoutAll, async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('security-logout-confirm'), {
      reply_markup: logoutEverywhereKeyboard(ctx),
    });
  });
  privateChat.callbackQuery(securityPatterns.logoutAllYes, async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    const { others } = await profile.logoutEverywhere(actor);
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => {});
    await ctx.reply(ctx.t('security-logged-out-everywhere', { count: others.length + 1 }), {
      reply_markup: { remove_keyboard: true },
    });
    await deps.notifySessionEnded(others, 'security-session-ended');
    await ctx.reply(ctx.t('profile-login-first'), { reply_markup: guestKeyboard(ctx) });
  });
  return feature;
}
