import type { I18nFlavor } from '@grammyjs/i18n';
import type { OperatorRequisites } from '../../config';
import { formatMoney, formatPeriod as periodName } from '../../core/format';
import { balanceLine } from '../accounts/views';
import type { AmountLimits, AmountProblem } from './rules';
import { fitText, INVOICE_DESCRIPTION_MAX, INVOICE_TITLE_MAX } from './rules';
import type { InvoiceDraft, PayOptions, QrPayment } from './service';

type Translatable = { t: I18nFlavor['t'] };

/** The /pay screen for an account: the number, what is due, the ways to pay. */
export function payOptionsText(
  ctx: Translatable,
  options: PayOptions,
  canPayInTelegram: boolean,
): string {
  const lines = [
    ctx.t('payments-title', { number: options.number }),
    balanceLine(ctx, options.balanceKopecks),
    '',
    ctx.t(canPayInTelegram ? 'payments-choose' : 'payments-qr-only'),
  ];
  return lines.join('\n');
}

/** The question for another amount, with the limits. */
export function askAmountText(ctx: Translatable, limits: AmountLimits): string {
  return ctx.t('payments-ask-amount', {
    min: formatMoney(limits.minKopecks),
    max: formatMoney(limits.maxKopecks),
  });
}

/** Why a typed amount was refused, with the limits where they matter. */
export function amountProblemText(
  ctx: Translatable,
  problem: AmountProblem,
  limits: AmountLimits,
): string {
  return ctx.t(`payments-amount-${problem}`, {
    min: formatMoney(limits.minKopecks),
    max: formatMoney(limits.maxKopecks),
  });
}

/** The invoice's title (≤ 32) and description (≤ 255) naming the account and the period. */
export function invoiceTexts(
  ctx: Translatable,
  invoice: InvoiceDraft,
  locale: string,
): { title: string; description: string; label: string } {
  const vars = {
    number: invoice.number,
    period: invoice.period ? periodName(invoice.period, locale) : '',
  };
  return {
    title: fitText(ctx.t('payments-invoice-title', vars), INVOICE_TITLE_MAX),
    description: fitText(
      ctx.t(
        invoice.period ? 'payments-invoice-description' : 'payments-invoice-description-advance',
        vars,
      ),
      INVOICE_DESCRIPTION_MAX,
    ),
    label: fitText(ctx.t('payments-invoice-label', vars), INVOICE_TITLE_MAX),
  };
}

/** The caption under the QR picture: what it is for and the amount. */
export function qrCaption(ctx: Translatable, qr: QrPayment, locale: string): string {
  return ctx.t(qr.dueKopecks > 0 ? 'payments-qr-caption' : 'payments-qr-caption-no-sum', {
    number: qr.number,
    amount: formatMoney(qr.dueKopecks),
    period: qr.period ? periodName(qr.period, locale) : '—',
  });
}

/** The payee's requisites as text a resident can copy into a bank app. */
export function requisitesText(
  ctx: Translatable,
  payee: OperatorRequisites,
  qr: Pick<QrPayment, 'number' | 'dueKopecks'>,
): string {
  return [
    ctx.t('payments-requisites-title'),
    ctx.t('payments-requisites-payee', { name: payee.name }),
    ctx.t('payments-requisites-inn', { inn: payee.inn, kpp: payee.kpp }),
    ctx.t('payments-requisites-account', { account: payee.account }),
    ctx.t('payments-requisites-bank', { bank: payee.bank }),
    ctx.t('payments-requisites-bic', { bic: payee.bic, corr: payee.corrAccount }),
    ctx.t('payments-requisites-purpose', { number: qr.number }),
    qr.dueKopecks > 0
      ? ctx.t('payments-requisites-sum', { amount: formatMoney(qr.dueKopecks) })
      : '',
  ]
    .filter(Boolean)
    .join('\n');
}
