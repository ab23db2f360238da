import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import { formatPeriod as periodName } from '../../core/format';
import { accountChoiceKeyboard } from '../accounts/keyboards';

type Translatable = { t: I18nFlavor['t'] };

const ID = '\\d{1,15}';
const PERIOD = '\\d{4}-(?:0[1-9]|1[0-2])';

/** Receipt buttons; the account id in them is re-checked by the service. */
export const receiptButtons = {
  account: (accountId: number) => callbackData('rcpt', 'acc', accountId),
  get: (accountId: number, period: string) => callbackData('rcpt', 'get', accountId, period),
};

export const receiptPatterns = {
  account: callbackPattern('rcpt', 'acc', [ID]),
  get: callbackPattern('rcpt', 'get', [ID, PERIOD]),
};

/** One big button per account, then Cancel. */
export function receiptAccountsKeyboard(
  ctx: Translatable,
  accounts: readonly { id: number; number: string }[],
  cancelData: string,
): InlineKeyboard {
  return accountChoiceKeyboard(ctx, accounts, receiptButtons.account, cancelData);
}

/** The months with charges, newest first, two to a row (months in words), then Cancel. */
export function receiptPeriodsKeyboard(
  ctx: Translatable,
  accountId: number,
  periods: readonly string[],
  locale: string,
  cancelData: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  periods.forEach((period, i) => {
    keyboard.text(periodName(period, locale), receiptButtons.get(accountId, period));
    if (i % 2 === 1) keyboard.row();
  });
  if (periods.length % 2 === 1) keyboard.row();
  return keyboard.text(ctx.t('button-cancel'), cancelData);
}
