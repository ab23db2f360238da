import type { Context } from 'grammy';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { BotConversation, ConversationContext } from '../../core/context';
import { parsePayableAmount } from './rules';
import type { InvoiceDraft, PaymentsService } from './service';
import { askAmountText, invoiceTexts } from './views';
import { fiscalProviderData, type FiscalReceiptConfig } from './rules';
import type { ConversationKit } from '../../core/conversation-kit/index';
import { formatMoney } from '../../core/format';

export const PAY_AMOUNT_CONVERSATION = 'pay-amount';

export interface PayDeps {
  kit: ConversationKit;
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
 * «Другая сумма», on the conversation kit: asks for an amount in rubles ("1 234,56", "1234.56",
 * "1 234"), explains a refusal (format, zero, negative, below the minimum, above the maximum) and
 * asks again within the kit's one bound; then records the invoice and sends it. Cancel, /cancel,
 * a command or a menu button leave through the kit's exit path, which restores the menu.
 */
export function createPayAmountConversation(deps: PayDeps) {
  return async function payAmountConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
    accountId: number,
  ): Promise<void> {
    const resident = await deps.kit.resident(conversation, ctx, 'accounts-login-first');
    if (!resident) return;
    const fromId = resident.telegramUserId;
    const user = { id: resident.userId };
    const limits = deps.payments.limits;
    const vars = { min: formatMoney(limits.minKopecks), max: formatMoney(limits.maxKopecks) };
    const answered = await deps.kit.ask<number, InvoiceDraft>(conversation, ctx, {
      prompt: askAmountText(ctx, limits),
      parse: (input) => {
        if (input.kind !== 'text')
          return { ok: false, say: { key: 'payments-amount-format', vars } };
        const amount = parsePayableAmount(input.text, limits);
        return amount.ok
          ? { ok: true, value: amount.kopecks }
          : { ok: false, say: { key: `payments-amount-${amount.problem}`, vars } };
      },
      check: async (kopecks) => {
        const created = await deps.payments.createInvoice(user.id, accountId, fromId, kopecks);
        if (created.kind === 'ok') return { ok: true, value: created.invoice };
        if (created.kind === 'amount')
          return { ok: false, say: { key: `payments-amount-${created.problem}`, vars } };
        return { ok: false, say: { key: 'accounts-not-yours' }, final: true };
      },
    });
    if (!answered) return;
    await sendInvoice(answered.ctx, answered.value, deps);
  };
}
