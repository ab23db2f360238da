import type { Context } from 'grammy';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { BotConversation, ConversationContext } from '../../core/context';
import type { AuthService } from '../auth/service';
import { parsePayableAmount } from './rules';
import type { InvoiceDraft, PaymentsService } from './service';
import { amountProblemText, askAmountText, invoiceTexts } from './views';
import { fiscalProviderData, type FiscalReceiptConfig } from './rules';
import { InlineKeyboard } from 'grammy';

export const PAY_AMOUNT_CONVERSATION = 'pay-amount';

/** Typing mistakes allowed before the question is given up (then the menu is back). */
const TRIES = 5;

export interface PayDeps {
  auth: AuthService;
  payments: PaymentsService;
  providerToken?: string;
  fiscal: FiscalReceiptConfig;
  cancelData: string;
}

/**
 * Sends the Telegram invoice: RUB, the amount in kopecks, our invoice id as the payload, title
 * and description in the resident's language naming the account and the period, and the 54-ФЗ
 * receipt data from configuration.
 */
export async function sendInvoice(
  ctx: Context & I18nFlavor,
  invoice: InvoiceDraft,
  deps: Pick<PayDeps, 'providerToken' | 'fiscal'>,
): Promise<void> {
  const locale = (await ctx.i18n.getLocale()) ?? 'ru';
  const texts = invoiceTexts(ctx, invoice, locale);
  const providerData = fiscalProviderData(deps.fiscal, invoice.amountKopecks);
  await ctx.replyWithInvoice(
    texts.title,
    texts.description,
    invoice.payload,
    invoice.currency,
    [{ label: texts.label, amount: invoice.amountKopecks }],
    {
      provider_token: deps.providerToken ?? '',
      ...(providerData
        ? { provider_data: providerData, need_email: true, send_email_to_provider: true }
        : {}),
    },
  );
}

/**
 * «Другая сумма»: asks for an amount in rubles ("1 234,56", "1234.56", "1 234"), explains a
 * refusal (format, zero, negative, below the minimum, above the maximum) and asks again, at most
 * {@link TRIES} times; then sends the invoice. /cancel or the button leaves at any point.
 */
export function createPayAmountConversation(deps: PayDeps) {
  return async function payAmountConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
    accountId: number,
  ): Promise<void> {
    const fromId = ctx.from?.id;
    if (fromId === undefined) return;
    const user = await conversation.external(() => deps.auth.currentUser(fromId));
    if (!user) return;
    const limits = deps.payments.limits;
    const cancel = new InlineKeyboard().text(ctx.t('button-cancel'), deps.cancelData);
    await ctx.reply(askAmountText(ctx, limits), { reply_markup: cancel });
    for (let i = 0; i < TRIES; i++) {
      const next = await conversation.wait();
      if (next.callbackQuery) {
        await next.answerCallbackQuery().catch(() => {});
        await next.reply(askAmountText(next, limits), { reply_markup: cancel });
        continue;
      }
      const text = next.message?.text;
      if (text?.startsWith('/')) await conversation.halt({ next: true });
      if (text === undefined) {
        await next.reply(askAmountText(next, limits), { reply_markup: cancel });
        continue;
      }
      const amount = parsePayableAmount(text, limits);
      if (!amount.ok) {
        await next.reply(amountProblemText(next, amount.problem, limits), { reply_markup: cancel });
        continue;
      }
      const created = await conversation.external(() =>
        deps.payments.createInvoice(user.id, accountId, fromId, amount.kopecks),
      );
      if (created.kind === 'not-yours') {
        await next.reply(next.t('accounts-not-yours'));
        return;
      }
      if (created.kind === 'amount') {
        await next.reply(amountProblemText(next, created.problem, created.limits));
        return;
      }
      await sendInvoice(next, created.invoice, deps);
      return;
    }
    await ctx.reply(ctx.t('payments-too-many-tries'));
  };
}
