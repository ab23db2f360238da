import { pageOf } from '../../core/paging';
import { hearsButton } from '../../core/i18n';
import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../core/context';
import { residentOrLoginHint } from '../help/guard';
import { balanceButtons } from '../balance/keyboards';
import { enterLinkAccount } from './conversations';
import {
  accountButtons,
  accountCardKeyboard,
  accountPatterns,
  accountsListKeyboard,
  unlinkConfirmKeyboard,
} from './keyboards';
import type { AccountsService } from './service';
import { ACCOUNTS_PAGE_SIZE, accountCardText, accountsListText } from './views';

export interface AccountsFeatureDeps {
  accounts: AccountsService;
  operatorPhone: string;
}

/** The id captured by a validated callback pattern, as a safe integer. */
function matchedId(ctx: BotContext): number | undefined {
  const raw = typeof ctx.match === 'object' && ctx.match ? ctx.match[1] : undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** /accounts, /link and the buttons of the list and the card. The link conversation is in the app. */
export function createAccountsFeature({
  accounts,
  operatorPhone,
}: AccountsFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  const showList = async (ctx: BotContext) => {
    const user = await residentOrLoginHint(ctx);
    if (!user || !ctx.from) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const list = await accounts.listAccounts(user.id, ctx.from.id);
    const asked = ctx.callbackQuery && Array.isArray(ctx.match) ? Number(ctx.match[1] ?? 0) : 0;
    const page = pageOf(list, asked, ACCOUNTS_PAGE_SIZE);
    await ctx.reply(accountsListText(ctx, page.items, page), {
      reply_markup: accountsListKeyboard(ctx, page.items, page),
    });
  };

  /** Runs `action` for a button naming an account; the service decides whether it is the user's. */
  const onAccountButton =
    (action: (ctx: BotContext, userId: number, accountId: number) => Promise<boolean>) =>
    async (ctx: BotContext) => {
      const user = await residentOrLoginHint(ctx);
      if (!user) return;
      const accountId = matchedId(ctx);
      if (accountId === undefined || !(await action(ctx, user.id, accountId))) {
        await ctx.answerCallbackQuery({ text: ctx.t('accounts-not-yours'), show_alert: true });
      }
    };

  privateChat.command('accounts', showList);
  privateChat.filter(hearsButton('button-accounts'), showList);
  privateChat.callbackQuery(accountPatterns.list, showList);
  privateChat.callbackQuery(accountPatterns.listPage, showList);

  const startLink = async (ctx: BotContext) => {
    if (!(await residentOrLoginHint(ctx))) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await enterLinkAccount(ctx);
  };
  privateChat.command('link', startLink);
  privateChat.callbackQuery(accountPatterns.link, startLink);

  privateChat.callbackQuery(
    accountPatterns.open,
    onAccountButton(async (ctx, userId, accountId) => {
      const card = await accounts.accountCard(userId, accountId, ctx.from?.id);
      if (!card) return false;
      await ctx.answerCallbackQuery();
      await ctx.reply(accountCardText(ctx, card, operatorPhone), {
        reply_markup: accountCardKeyboard(ctx, card, balanceButtons.show(card.id)),
      });
      return true;
    }),
  );

  privateChat.callbackQuery(
    accountPatterns.choose,
    onAccountButton(async (ctx, userId, accountId) => {
      if (!ctx.from || !(await accounts.setCurrent(ctx.from.id, userId, accountId))) return false;
      const account = await accounts.linkedAccount(userId, accountId, ctx.from.id);
      await ctx.answerCallbackQuery();
      // The pressed list (or card) is redrawn as the list with the new ✅: no stale mark stays.
      const list = await accounts.listAccounts(userId, ctx.from.id);
      await ctx
        .editMessageText(accountsListText(ctx, list), {
          reply_markup: accountsListKeyboard(ctx, list),
        })
        .catch(() => {});
      await ctx.reply(ctx.t('accounts-switched', { number: account?.number ?? '' }));
      return true;
    }),
  );

  privateChat.callbackQuery(
    accountPatterns.unlink,
    onAccountButton(async (ctx, userId, accountId) => {
      const account = await accounts.linkedAccount(userId, accountId, ctx.from?.id);
      if (!account) return false;
      await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t('accounts-unlink-confirm', { number: account.number }), {
        reply_markup: unlinkConfirmKeyboard(ctx, accountId),
      });
      return true;
    }),
  );

  privateChat.callbackQuery(
    accountPatterns.unlinkYes,
    onAccountButton(async (ctx, userId, accountId) => {
      const account = await accounts.linkedAccount(userId, accountId, ctx.from?.id);
      if (!account || !(await accounts.unlink(userId, accountId, ctx.from?.id))) return false;
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => {});
      await ctx.reply(ctx.t('accounts-unlinked', { number: account.number }), {
        reply_markup: new InlineKeyboard().text(ctx.t('button-accounts'), accountButtons.list),
      });
      return true;
    }),
  );

  privateChat.callbackQuery(
    accountPatterns.unlinkNo,
    onAccountButton(async (ctx, userId, accountId) => {
      const account = await accounts.linkedAccount(userId, accountId, ctx.from?.id);
      if (!account) return false;
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => {});
      await ctx.reply(ctx.t('accounts-unlink-kept', { number: account.number }));
      return true;
    }),
  );
  return feature;
}
