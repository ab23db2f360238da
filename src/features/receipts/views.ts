import type { I18nFlavor } from '@grammyjs/i18n';
import {
  formatDate,
  formatDateNumeric,
  formatLocale,
  formatMoney,
  formatPeriod as periodName,
  zoneName,
} from '../../core/format';
import type { ReceiptLabels } from './pdf';
import type { ReceiptContent } from './service';

type Translatable = { t: I18nFlavor['t'] };

/** The receipt's words in the resident's language. */
export function receiptLabels(
  ctx: Translatable,
  receipt: ReceiptContent,
  locale: string,
): ReceiptLabels {
  const t = (key: string) => ctx.t(`receipt-${key}`);
  const zones = Math.max(
    1,
    ...receipt.meters.map((m) => m.zones),
    ...receipt.charges.map((c) => c.zones),
  );
  const zoneNames: Record<string, string> = {};
  for (const zone of ['T1', 'T2', 'T3']) zoneNames[zone] = zoneName(ctx.t, zones, zone);
  return {
    title: t('title'),
    period: ctx.t('receipt-period', { period: periodName(receipt.period, locale) }),
    payer: t('payer'),
    holder: t('holder'),
    address: t('address'),
    account: t('account'),
    supplier: t('supplier'),
    supplierAddress: t('supplier-address'),
    phone: t('phone'),
    email: t('email'),
    site: t('site'),
    requisites: t('requisites'),
    payee: t('payee'),
    innKpp: t('inn-kpp'),
    bankAccount: t('bank-account'),
    bank: t('bank'),
    bic: t('bic'),
    corrAccount: t('corr-account'),
    calculation: t('calculation'),
    service: t('service'),
    unit: t('unit'),
    volume: t('volume'),
    tariff: t('tariff'),
    charged: t('charged'),
    recalculation: t('recalculation'),
    total: t('total'),
    kwh: t('kwh'),
    zoneNames,
    electricity: t('electricity'),
    readings: t('readings'),
    meter: t('meter'),
    zone: t('zone'),
    previous: t('previous'),
    current: t('current'),
    consumption: t('consumption'),
    noMeters: t('no-meters'),
    noReading: t('no-reading'),
    summary: t('summary'),
    opening: t('opening'),
    chargedInPeriod: t('charged-in-period'),
    recalculations: t('recalculations'),
    paid: t('paid'),
    paidAfter:
      receipt.paidAfterKopecks !== 0 && receipt.paidAfterLastOn
        ? ctx.t('receipt-paid-after', { date: formatDateNumeric(receipt.paidAfterLastOn) })
        : null,
    leftToPay: t('left-to-pay'),
    due: t('due'),
    advance: t('advance'),
    advanceNow: t('advance-now'),
    dueBy: t('due-by'),
    qr: t('qr'),
  };
}

/** The caption under the document: the month, the account, what is due. */
export function receiptCaption(ctx: Translatable, receipt: ReceiptContent, locale: string): string {
  const due = receipt.totalDueKopecks;
  const caption = ctx.t(due >= 0 ? 'receipts-caption' : 'receipts-caption-advance', {
    period: periodName(receipt.period, locale),
    number: receipt.number,
    amount: formatMoney(Math.abs(due)),
  });
  if (receipt.paidAfterKopecks === 0) return caption;
  // Paid since the charge: say so, and what is left, so nobody pays the month twice.
  const left = receipt.leftToPayKopecks;
  return `${caption}\n${ctx.t(
    left > 0
      ? 'receipts-caption-paid-since'
      : left < 0
        ? 'receipts-caption-paid-since-advance'
        : 'receipts-caption-paid-since-nothing-left',
    {
      paid: formatMoney(receipt.paidAfterKopecks),
      date: formatDate(receipt.paidAfterLastOn ?? '', formatLocale(locale)),
      left: formatMoney(Math.abs(left)),
    },
  )}`;
}
