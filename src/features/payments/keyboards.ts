import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import { formatMoney } from '../../core/format';
import { accountChoiceKeyboard } from '../accounts/keyboards';

type Translatable = { t: I18nFlavor['t'] };

const ID = '\\d{1,15}';

/**
 * The payments feature's buttons. Each names its account; the service re-checks it is the
 * cabinet's (callback data is untrusted).
 */
export const payButtons = {
  account: (accountId: number) => callbackData('pay', 'acc', accountId),
  debt: (accountId: number) => callbackData('pay', 'debt', accountId),
  other: (accountId: number) => callbackData('pay', 'other', accountId),
  qr: (accountId: number) => callbackData('pay', 'qr', accountId),
};

export const payPatterns = {
  account: callbackPattern('pay', 'acc', [ID]),
  debt: callbackPattern('pay', 'debt', [ID]),
  other: callbackPattern('pay', 'other', [ID]),
  qr: callbackPattern('pay', 'qr', [ID]),
};

/** Which account to pay for: one big button per account, then Cancel. */
export function payAccountsKeyboard(
  ctx: Translatable,
  accounts: readonly { id: number; number: string }[],
  cancelData: string,
): InlineKeyboard {
  return accountChoiceKeyboard(ctx, accounts, payButtons.account, cancelData);
}

/**
 * The ways to pay: the debt (when there is one and a provider), another amount, the QR for a
 * bank app (always), Cancel.
 */
export function payOptionsKeyboard(
  ctx: Translatable,
  options: { accountId: number; debtKopecks: number; canPayInTelegram: boolean },
  cancelData: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (options.canPayInTelegram) {
    if (options.debtKopecks > 0)
      keyboard
        .text(
          ctx.t('payments-button-debt', { amount: formatMoney(options.debtKopecks) }),
          payButtons.debt(options.accountId),
        )
        .row();
    keyboard.text(ctx.t('payments-button-other'), payButtons.other(options.accountId)).row();
  }
  keyboard.text(ctx.t('payments-button-qr'), payButtons.qr(options.accountId)).row();
  return keyboard.text(ctx.t('button-cancel'), cancelData);
}
