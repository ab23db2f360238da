import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import type { AuthService } from '../auth/service';
import { cancelOnlyKeyboard, linkedKeyboard } from './keyboards';
import { minutesFrom, normalizeAccountNumber } from './rules';
import type { AccountsService } from './service';

export const LINK_CONVERSATION = 'link-account';

/** Bounds: a resident gets a few tries per question and per conversation, never a loop. */
const ANSWER_TRIES = 4;
const LINK_ROUNDS = 3;

export interface LinkConversationDeps {
  accounts: AccountsService;
  auth: AuthService;
  /** The app-wide «Отмена» button's data; the cancel feature handles it before any conversation. */
  cancelData: string;
  operatorPhone: string;
}

type Ctx = ConversationContext;

/**
 * Waits for a typed answer that `accept` takes. Another command leaves the conversation and is
 * handled as usual (someone who types /balance mid-way wants the balance); buttons of older
 * messages are answered and ignored. Undefined after too many unusable answers.
 */
async function askText(
  conversation: BotConversation,
  ctx: Ctx,
  prompt: string,
  deps: LinkConversationDeps,
  accept: (text: string) => string | undefined,
  invalidKey: string,
): Promise<string | undefined> {
  const keyboard = cancelOnlyKeyboard(ctx, deps.cancelData);
  await ctx.reply(prompt, { reply_markup: keyboard });
  for (let i = 0; i < ANSWER_TRIES; i++) {
    const next = await conversation.wait();
    if (next.callbackQuery) {
      await next.answerCallbackQuery();
      await next.reply(next.t('accounts-link-text-only'), { reply_markup: keyboard });
      continue;
    }
    const text = next.message?.text;
    if (text?.startsWith('/')) await conversation.halt({ next: true });
    const value = text === undefined ? undefined : accept(text);
    if (value !== undefined) return value;
    await next.reply(next.t(text === undefined ? 'accounts-link-text-only' : invalidKey), {
      reply_markup: keyboard,
    });
  }
  await ctx.reply(ctx.t('accounts-link-too-many-tries'));
  return undefined;
}

/**
 * /link: the account number, then the proof (a meter serial or the last charge, as configured).
 * A wrong pair is answered the same way whichever half was wrong; the service counts and limits
 * attempts, this only bounds one sitting.
 */
export function createLinkConversation(deps: LinkConversationDeps) {
  return async function linkAccountConversation(
    conversation: BotConversation,
    ctx: Ctx,
  ): Promise<void> {
    const telegramUserId = ctx.from?.id;
    if (telegramUserId === undefined) return;
    const user = await conversation.external(() => deps.auth.currentUser(telegramUserId));
    if (!user) {
      await ctx.reply(ctx.t('accounts-login-first'));
      return;
    }
    const proofPrompt = `accounts-link-ask-proof-${deps.accounts.proofPolicy}`;
    for (let round = 0; round < LINK_ROUNDS; round++) {
      const number = await askText(
        conversation,
        ctx,
        ctx.t('accounts-link-ask-number'),
        deps,
        normalizeAccountNumber,
        'accounts-link-number-invalid',
      );
      if (number === undefined) return;
      const proof = await askText(
        conversation,
        ctx,
        ctx.t(proofPrompt),
        deps,
        (text) => (text.trim().length > 0 ? text.trim() : undefined),
        'accounts-link-text-only',
      );
      if (proof === undefined) return;
      const result = await conversation.external(() =>
        deps.accounts.linkAccount(user.id, telegramUserId, { number, proof }),
      );
      switch (result.kind) {
        case 'linked':
          await ctx.reply(ctx.t('accounts-link-done', { number: result.account.number }), {
            reply_markup: linkedKeyboard(ctx, result.account.id),
          });
          return;
        case 'already-linked':
          await ctx.reply(ctx.t('accounts-link-already', { number: result.account.number }), {
            reply_markup: linkedKeyboard(ctx, result.account.id),
          });
          return;
        case 'limited':
          await ctx.reply(
            ctx.t('accounts-link-limited', {
              minutes: minutesFrom(result.retryAfterMs),
              phone: deps.operatorPhone,
            }),
          );
          return;
        case 'invalid':
          if (result.retryAfterMs !== undefined) {
            await ctx.reply(
              ctx.t('accounts-link-invalid-last', { minutes: minutesFrom(result.retryAfterMs) }),
            );
            return;
          }
          await ctx.reply(ctx.t('accounts-link-invalid'));
          break;
        case 'bad-number':
          await ctx.reply(ctx.t('accounts-link-number-invalid'));
          break;
      }
    }
    await ctx.reply(ctx.t('accounts-link-too-many-tries'));
  };
}

export function enterLinkAccount(ctx: BotContext) {
  return ctx.conversation.enter(LINK_CONVERSATION);
}
