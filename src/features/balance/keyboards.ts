import { addPagingRow } from '../../core/paging';
import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import { payButtons } from '../payments/keyboards';

type Translatable = { t: I18nFlavor['t'] };

const ID = '\\d{1,15}';
const PERIOD = '\\d{4}-(?:0[1-9]|1[0-2])';

/**
 * The balance feature's buttons. Each names its account, so a button of an older message keeps
 * meaning that account after the resident switched; the service re-checks it is theirs.
 */
export const balanceButtons = {
  show: (accountId: number) => callbackData('bal', 'show', accountId),
  history: (accountId: number, period: string) => callbackData('bal', 'hist', accountId, period),
  latestHistory: (accountId: number) => callbackData('bal', 'hist', accountId, 'last'),
  chart: (accountId: number) => callbackData('bal', 'chart', accountId),
};

export const balancePatterns = {
  show: callbackPattern('bal', 'show', [ID]),
  history: callbackPattern('bal', 'hist', [ID, `${PERIOD}|last`]),
  chart: callbackPattern('bal', 'chart', [ID]),
};

/** Under the balance: pay, the history, the chart, the accounts list. */
export function balanceKeyboard(
  ctx: Translatable,
  accountId: number,
  listData: string,
): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-pay'), payButtons.account(accountId))
    .row()
    .text(ctx.t('button-history'), balanceButtons.latestHistory(accountId))
    .row()
    .text(ctx.t('button-chart'), balanceButtons.chart(accountId))
    .row()
    .text(ctx.t('button-accounts'), listData);
}

/** Under a history month: ◀ older, newer ▶ (when there are), the chart, back to the balance. */
export function historyKeyboard(
  ctx: Translatable,
  page: { accountId: number; older?: string; newer?: string },
): InlineKeyboard {
  return addPagingRow(new InlineKeyboard(), ctx, {
    older: page.older ? balanceButtons.history(page.accountId, page.older) : undefined,
    newer: page.newer ? balanceButtons.history(page.accountId, page.newer) : undefined,
  })
    .text(ctx.t('button-chart'), balanceButtons.chart(page.accountId))
    .row()
    .text(ctx.t('button-balance'), balanceButtons.show(page.accountId));
}
