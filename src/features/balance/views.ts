import type { I18nFlavor } from '@grammyjs/i18n';
import {
  formatDate,
  formatKwh,
  formatLocale,
  formatMoney,
  formatPeriod,
  zoneName,
} from '../../core/format';
import { balanceLine } from '../accounts/views';
import type { BalanceSummary, HistoryPage } from './service';

type Translatable = { t: I18nFlavor['t'] };

/** Which account a reply is about: every balance and history message says so. */
function accountLine(ctx: Translatable, account: { number: string; isCurrent: boolean }): string {
  return ctx.t(account.isCurrent ? 'accounts-current-line' : 'accounts-other-line', {
    number: account.number,
  });
}

/** The balance screen: the account, debt or advance today, the last charge with its due date, the last payment. */
export function balanceText(ctx: Translatable, summary: BalanceSummary, language: string): string {
  const locale = formatLocale(language);
  const lines = [
    ctx.t('balance-title', { date: formatDate(summary.today, locale) }),
    accountLine(ctx, summary),
    '',
    balanceLine(ctx, summary.balanceKopecks),
  ];
  const charge = summary.lastCharge;
  if (charge) {
    lines.push(
      ctx.t('balance-last-charge', {
        period: formatPeriod(charge.period, locale),
        amount: formatMoney(charge.amountKopecks),
      }),
    );
    if (summary.balanceKopecks > 0) {
      const due = formatDate(charge.dueOn, locale);
      lines.push(
        ctx.t(charge.dueOn < summary.today ? 'balance-overdue' : 'balance-due', { date: due }),
      );
    }
  } else {
    lines.push(ctx.t('balance-no-charges'));
  }
  const payment = summary.lastPayment;
  lines.push(
    payment
      ? ctx.t('balance-last-payment', {
          amount: formatMoney(payment.amountKopecks),
          date: formatDate(payment.on, locale),
        })
      : ctx.t('balance-no-payments'),
  );
  return lines.join('\n');
}

/** One month of history: charges per zone (volume × tariff = amount), adjustments, payments. */
export function historyText(ctx: Translatable, page: HistoryPage, language: string): string {
  const locale = formatLocale(language);
  const lines = [
    ctx.t('balance-history-title', { period: formatPeriod(page.period, locale) }),
    accountLine(ctx, page),
    '',
  ];
  for (const charge of page.charges) {
    lines.push(
      ctx.t('balance-history-charge', {
        zone: zoneName(ctx.t, page.zoneCount, charge.zone ?? 'T1'),
        volume: charge.volumeMilli === null ? '—' : formatKwh(charge.volumeMilli),
        tariff: charge.tariffKopecks === null ? '—' : formatMoney(charge.tariffKopecks),
        amount: formatMoney(charge.amountKopecks),
      }),
    );
  }
  if (page.charges.length > 0) {
    lines.push(
      ctx.t('balance-history-charges-total', {
        amount: formatMoney(page.chargesTotalKopecks),
      }),
    );
  }
  for (const adjustment of page.adjustments) {
    const sign = adjustment.amountKopecks > 0 ? '+' : '';
    lines.push(
      ctx.t('balance-history-adjustment', {
        amount: `${sign}${formatMoney(adjustment.amountKopecks)}`,
        description: adjustment.description ?? '',
      }),
    );
  }
  for (const payment of page.payments) {
    lines.push(
      ctx.t('balance-history-payment', {
        date: formatDate(payment.on, locale),
        amount: formatMoney(payment.amountKopecks),
      }),
    );
  }
  if (page.pages === 0 || lines.length === 3) lines.push(ctx.t('balance-history-empty'));
  if (page.pages > 0)
    lines.push('', ctx.t('balance-history-page', { page: page.page, pages: page.pages }));
  return lines.join('\n');
}
