import { hearsButton } from '../../core/i18n';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../core/context';
import type { ConversationKit } from '../../core/conversation-kit/index';
import { residentOrLoginHint } from '../help/guard';
import { accountButtons } from '../accounts/keyboards';
import type { AccountsService } from '../accounts/service';
import {
  receiptAccountsKeyboard,
  receiptButtons,
  receiptPatterns,
  receiptPeriodsKeyboard,
} from './keyboards';
import type { RenderPdf } from '../../core/render-pool/index';
import { renderOrSayBusy } from '../../core/render-pool/busy';
import { receiptDocument } from './pdf';
import type { ReceiptsService } from './service';
import { receiptCaption, receiptLabels } from './views';

export interface ReceiptsFeatureDeps {
  accounts: AccountsService;
  receipts: ReceiptsService;
  cancelData: string;
  /** The kit: the pickers' buttons are closed by the exit path like a flow's open question. */
  kit: Pick<ConversationKit, 'pickerShown' | 'pickerDone'>;
  /** The app's render pool: the PDF is made off the event loop. */
  renderPdf: RenderPdf;
}

/**
 * /receipt: the account (if several), a month among the last 12 with charges, then the PDF. A
 * receipt already sent and unchanged goes again by its Telegram `file_id`, with no rendering.
 */
export function createReceiptsFeature(deps: ReceiptsFeatureDeps): Composer<BotContext> {
  const { accounts, receipts } = deps;
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');
  const localeOf = async (ctx: BotContext) => (await ctx.i18n.getLocale()) ?? 'ru';
  const refuse = (ctx: BotContext) =>
    ctx.answerCallbackQuery({ text: ctx.t('accounts-not-yours'), show_alert: true });
  const matched = (ctx: BotContext) => {
    const match = typeof ctx.match === 'object' && ctx.match ? ctx.match : [];
    const id = Number(match[1]);
    return { accountId: Number.isSafeInteger(id) && id > 0 ? id : undefined, period: match[2] };
  };

  const showPeriods = async (ctx: BotContext, userId: number, accountId: number) => {
    const periods = await receipts.periods(userId, accountId, ctx.from?.id);
    if (!periods) return false;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const account = await accounts.linkedAccount(userId, accountId, ctx.from?.id);
    const number = account?.number ?? '';
    if (periods.length === 0) {
      await ctx.reply(ctx.t('receipts-none', { number }));
      return true;
    }
    const shown = await ctx.reply(ctx.t('receipts-choose-period', { number }), {
      reply_markup: receiptPeriodsKeyboard(
        ctx,
        accountId,
        periods,
        await localeOf(ctx),
        deps.cancelData,
      ),
    });
    await deps.kit.pickerShown(ctx, shown.message_id);
    return true;
  };

  const receiptCommand = async (ctx: BotContext) => {
    const user = await residentOrLoginHint(ctx);
    if (!user || !ctx.from) return;
    const list = await accounts.listAccounts(user.id, ctx.from.id);
    if (list.length === 0) {
      await ctx.reply(ctx.t('receipts-no-accounts'), {
        reply_markup: new InlineKeyboard().text(ctx.t('button-account-link'), accountButtons.link),
      });
      return;
    }
    if (list.length === 1 && list[0]) {
      await showPeriods(ctx, user.id, list[0].id);
      return;
    }
    const shown = await ctx.reply(ctx.t('receipts-choose-account'), {
      reply_markup: receiptAccountsKeyboard(ctx, list, deps.cancelData),
    });
    await deps.kit.pickerShown(ctx, shown.message_id);
  };
  privateChat.command('receipt', receiptCommand);
  privateChat.filter(hearsButton('button-receipt'), receiptCommand);

  privateChat.callbackQuery(receiptPatterns.account, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const { accountId } = matched(ctx);
    if (accountId === undefined) {
      await refuse(ctx);
      return;
    }
    await deps.kit.pickerDone(ctx);
    if (!(await showPeriods(ctx, user.id, accountId))) await refuse(ctx);
  });

  privateChat.callbackQuery(receiptPatterns.get, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const { accountId, period } = matched(ctx);
    const locale = await localeOf(ctx);
    const result =
      accountId === undefined || period === undefined
        ? undefined
        : await receipts.receipt(user.id, accountId, period, locale, ctx.from.id);
    if (!result || accountId === undefined || period === undefined) {
      await refuse(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    // One month, one PDF: the picker's buttons go now, a repeated press is a quiet answer.
    await deps.kit.pickerDone(ctx);
    if (result.kind === 'no-charges') {
      await ctx.reply(ctx.t('receipts-no-charges'));
      return;
    }
    const caption = receiptCaption(ctx, result.receipt, locale);
    if (result.fileId) {
      const resent = await ctx
        .replyWithDocument(result.fileId, { caption })
        .then(() => true)
        .catch((error: unknown) => {
          // A file_id Telegram no longer knows: render again below.
          ctx.log.warn({ err: error }, 'receipt: re-sending by file_id failed');
          return false;
        });
      if (resent) return;
    }
    await ctx.replyWithChatAction('upload_document').catch(() => {});
    // A full render queue: «try again in a minute» with a button for this month's receipt again.
    const pdf = await renderOrSayBusy(
      ctx,
      'receipt',
      () =>
        deps.renderPdf(receiptDocument(result.receipt, receiptLabels(ctx, result.receipt, locale))),
      new InlineKeyboard().text(ctx.t('button-retry'), receiptButtons.get(accountId, period)),
    );
    if (!pdf) return;
    const sent = await ctx.replyWithDocument(new InputFile(pdf, result.receipt.fileName), {
      caption,
    });
    if (sent.document)
      await receipts.rememberFileId(accountId, period, result.digest, sent.document.file_id);
  });

  return feature;
}
