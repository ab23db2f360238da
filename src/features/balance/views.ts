import type { I18nFlavor } from '@grammyjs/i18n';
import {
  formatDate,
  formatKwh,
  formatLocale,
  formatMoney,
  formatPeriod,
  zoneName,
} from '../../core/format';
import { TELEGRAM_TEXT_LIMIT } from '../../core/paging';
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

/** Room kept under Telegram's 4 096 for the «…ещё» lines and the footer of a crowded month. */
const HISTORY_RESERVE = 300;

/**
 * One month of history: charges per zone (volume × tariff = amount), adjustments, payments. A month
 * is one page (paged by month, «◀ Раньше» «Позже ▶»). A month crowded beyond one message (dozens of
 * payments, long recalculation notes) is cut at Telegram's 4 096 characters and what did not fit
 * is summed up — «…ещё оплат: 12, на 3 456,00 ₽» — so no amount is lost from the page.
 */
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
  const entries = [
    ...page.adjustments.map((adjustment) => ({
      kind: 'adjustment' as const,
      amountKopecks: adjustment.amountKopecks,
      line: ctx.t('balance-history-adjustment', {
        amount: `${adjustment.amountKopecks > 0 ? '+' : ''}${formatMoney(adjustment.amountKopecks)}`,
        description: adjustment.description ?? '',
      }),
    })),
    ...page.payments.map((payment) => ({
      kind: 'payment' as const,
      amountKopecks: payment.amountKopecks,
      line: ctx.t('balance-history-payment', {
        date: formatDate(payment.on, locale),
        amount: formatMoney(payment.amountKopecks),
      }),
    })),
  ];
  let length = lines.join('\n').length;
  let shown = 0;
  for (const entry of entries) {
    if (length + 1 + entry.line.length > TELEGRAM_TEXT_LIMIT - HISTORY_RESERVE) break;
    lines.push(entry.line);
    length += 1 + entry.line.length;
    shown++;
  }
  const rest = entries.slice(shown);
  const moreKeys = {
    adjustment: 'balance-history-more-adjustments',
    payment: 'balance-history-more-payments',
  } as const;
  for (const kind of ['adjustment', 'payment'] as const) {
    const left = rest.filter((entry) => entry.kind === kind);
    if (left.length === 0) continue;
    lines.push(
      ctx.t(moreKeys[kind], {
        count: left.length,
        amount: formatMoney(left.reduce((sum, entry) => sum + entry.amountKopecks, 0)),
      }),
    );
  }
  if (page.pages === 0 || lines.length === 3) lines.push(ctx.t('balance-history-empty'));
  if (page.pages > 0)
    lines.push('', ctx.t('balance-history-page', { page: page.page, pages: page.pages }));
  return lines.join('\n');
}
