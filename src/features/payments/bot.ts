import { hearsButton } from '../../core/i18n';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../core/context';
import { residentOrLoginHint } from '../help/guard';
import { accountButtons } from '../accounts/keyboards';
import type { AccountsService } from '../accounts/service';
import { PAY_AMOUNT_CONVERSATION, type PayDeps, sendInvoice } from './conversations';
import { payAccountsKeyboard, payOptionsKeyboard, payPatterns } from './keyboards';
import { renderQrPng } from './qr-image';
import type { PaymentsService } from './service';
import { amountProblemText, payOptionsText, qrCaption, requisitesText } from './views';

export interface PaymentsFeatureDeps extends PayDeps {
  accounts: AccountsService;
  payments: PaymentsService;
}

function matchedId(ctx: BotContext): number | undefined {
  const match = typeof ctx.match === 'object' && ctx.match ? ctx.match : [];
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/**
 * /pay and the «💳 Оплатить» button: the account (if several), the debt or another amount through
 * Telegram Payments, or the ГОСТ QR for any bank app; pre-checkout checks and the payment itself.
 */
export function createPaymentsFeature(deps: PaymentsFeatureDeps): Composer<BotContext> {
  const { accounts, payments } = deps;
  const canPayInTelegram = Boolean(deps.providerToken);
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');
  const localeOf = async (ctx: BotContext) => (await ctx.i18n.getLocale()) ?? 'ru';
  const refuse = (ctx: BotContext) =>
    ctx.answerCallbackQuery({ text: ctx.t('accounts-not-yours'), show_alert: true });

  const showOptions = async (ctx: BotContext, userId: number, accountId: number) => {
    const options = await payments.payOptions(userId, accountId, ctx.from?.id);
    if (!options) return false;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const shown = await ctx.reply(payOptionsText(ctx, options, canPayInTelegram), {
      reply_markup: payOptionsKeyboard(
        ctx,
        { accountId, debtKopecks: options.balanceKopecks, canPayInTelegram },
        deps.cancelData,
      ),
    });
    await deps.kit.pickerShown(ctx, shown.message_id);
    return true;
  };

  const payCommand = async (ctx: BotContext) => {
    const user = await residentOrLoginHint(ctx);
    if (!user || !ctx.from) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const list = await accounts.listAccounts(user.id, ctx.from.id);
    if (list.length === 0) {
      await ctx.reply(ctx.t('payments-no-accounts'), {
        reply_markup: new InlineKeyboard().text(ctx.t('button-account-link'), accountButtons.link),
      });
      return;
    }
    if (list.length === 1 && list[0]) {
      await showOptions(ctx, user.id, list[0].id);
      return;
    }
    const shown = await ctx.reply(ctx.t('payments-choose-account'), {
      reply_markup: payAccountsKeyboard(ctx, list, deps.cancelData),
    });
    await deps.kit.pickerShown(ctx, shown.message_id);
  };
  privateChat.command('pay', payCommand);
  privateChat.filter(hearsButton('button-pay'), payCommand);

  privateChat.callbackQuery(payPatterns.account, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const accountId = matchedId(ctx);
    if (accountId === undefined) {
      await refuse(ctx);
      return;
    }
    await deps.kit.pickerDone(ctx);
    if (!(await showOptions(ctx, user.id, accountId))) await refuse(ctx);
  });

  privateChat.callbackQuery(payPatterns.debt, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const accountId = matchedId(ctx);
    const options =
      accountId === undefined
        ? undefined
        : await payments.payOptions(user.id, accountId, ctx.from.id);
    if (!options || accountId === undefined) {
      await refuse(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    // The picker's buttons go now; a repeated press is a quiet answer, not a second one.
    await deps.kit.pickerDone(ctx);
    if (!canPayInTelegram) {
      await ctx.reply(ctx.t('payments-qr-only'));
      return;
    }
    if (options.balanceKopecks <= 0) {
      await ctx.reply(ctx.t('payments-nothing-due'));
      return;
    }
    const created = await payments.createInvoice(
      user.id,
      accountId,
      ctx.from.id,
      options.balanceKopecks,
    );
    if (created.kind === 'ok') await sendInvoice(ctx, created.invoice, deps);
    else if (created.kind === 'amount') {
      const shown = await ctx.reply(amountProblemText(ctx, created.problem, created.limits), {
        reply_markup: payOptionsKeyboard(
          ctx,
          { accountId, debtKopecks: 0, canPayInTelegram },
          deps.cancelData,
        ),
      });
      await deps.kit.pickerShown(ctx, shown.message_id);
    } else await refuse(ctx);
  });

  privateChat.callbackQuery(payPatterns.other, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const accountId = matchedId(ctx);
    if (
      accountId === undefined ||
      !(await accounts.ensureLinked(user.id, accountId, ctx.from.id))
    ) {
      await refuse(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    // The picker's buttons go now; a repeated press is a quiet answer, not a second one.
    await deps.kit.pickerDone(ctx);
    if (!canPayInTelegram) {
      await ctx.reply(ctx.t('payments-qr-only'));
      return;
    }
    await ctx.conversation.enter(PAY_AMOUNT_CONVERSATION, accountId);
  });

  privateChat.callbackQuery(payPatterns.qr, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const accountId = matchedId(ctx);
    const qr =
      accountId === undefined
        ? undefined
        : await payments.qrPayment(user.id, accountId, ctx.from.id);
    if (!qr) {
      await refuse(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    // The picker's buttons go now; a repeated press is a quiet answer, not a second one.
    await deps.kit.pickerDone(ctx);
    await ctx.replyWithChatAction('upload_photo').catch(() => {});
    const png = await renderQrPng(qr.payload);
    await ctx.replyWithPhoto(new InputFile(png, `qr-${qr.number}.png`), {
      caption: qrCaption(ctx, qr, await localeOf(ctx)),
    });
    await ctx.reply(requisitesText(ctx, qr.payee, qr));
  });

  return feature;
}

/**
 * The payment updates: the pre-checkout query and `successful_payment`. Registered before the
 * conversations, so a payment completed while the resident is inside some flow is still recorded
 * (a flow waiting for an answer would otherwise take the service message as one).
 */
export function createPaymentUpdates(payments: PaymentsService): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  // Telegram waits 10 s for the answer; the check is a few indexed reads.
  feature.on('pre_checkout_query', async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const result = await payments.preCheckout({
      telegramUserId: query.from.id,
      payload: query.invoice_payload,
      currency: query.currency,
      totalAmount: query.total_amount,
    });
    if (result.ok) await ctx.answerPreCheckoutQuery(true);
    else
      await ctx.answerPreCheckoutQuery(false, {
        error_message: ctx.t(`payments-refused-${result.reason}`),
      });
  });

  // The confirmation with the new balance goes out through the outbox, written with the credit.
  feature.on('message:successful_payment', async (ctx) => {
    const payment = ctx.message.successful_payment;
    const result = await payments.recordPayment({
      telegramUserId: ctx.from.id,
      chatId: ctx.chat.id,
      payload: payment.invoice_payload,
      currency: payment.currency,
      totalAmount: payment.total_amount,
      telegramPaymentChargeId: payment.telegram_payment_charge_id,
      providerPaymentChargeId: payment.provider_payment_charge_id,
    });
    if (result.kind === 'unknown-invoice')
      ctx.log.error(
        { charge: payment.telegram_payment_charge_id },
        'payment for an unknown invoice',
      );
  });

  return feature;
}
