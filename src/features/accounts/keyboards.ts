import { addPagingRow } from '../../core/paging';
import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import type { LinkedAccount } from './service';

type Translatable = { t: I18nFlavor['t'] };

/** An account id in callback data: digits only; the service still checks it is the user's. */
const ID = '\\d{1,15}';

/** The accounts feature's buttons. Arguments are re-validated by these patterns on the way in. */
export const accountButtons = {
  list: callbackData('acc', 'list'),
  listPage: (page: number) => callbackData('acc', 'list', page),
  link: callbackData('acc', 'link'),
  open: (id: number) => callbackData('acc', 'open', id),
  choose: (id: number) => callbackData('acc', 'cur', id),
  unlink: (id: number) => callbackData('acc', 'unl', id),
  unlinkYes: (id: number) => callbackData('acc', 'unly', id),
  unlinkNo: (id: number) => callbackData('acc', 'unln', id),
};

export const accountPatterns = {
  list: callbackPattern('acc', 'list'),
  listPage: callbackPattern('acc', 'list', ['\\d{1,4}']),
  link: callbackPattern('acc', 'link'),
  open: callbackPattern('acc', 'open', [ID]),
  choose: callbackPattern('acc', 'cur', [ID]),
  unlink: callbackPattern('acc', 'unl', [ID]),
  unlinkYes: callbackPattern('acc', 'unly', [ID]),
  unlinkNo: callbackPattern('acc', 'unln', [ID]),
};

/**
 * The list page: one row per account (open it; choose it unless it is current), the paging row
 * (accounts in the order they were linked: «◀ Раньше» to earlier ones), then "link".
 */
export function accountsListKeyboard(
  ctx: Translatable,
  accounts: LinkedAccount[],
  paging: { page: number; pages: number } = { page: 0, pages: 1 },
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const account of accounts) {
    keyboard.text(
      ctx.t('button-account-open', { number: account.number }),
      accountButtons.open(account.id),
    );
    if (!account.isCurrent)
      keyboard.text(ctx.t('button-account-choose'), accountButtons.choose(account.id));
    keyboard.row();
  }
  addPagingRow(keyboard, ctx, {
    older: paging.page > 0 ? accountButtons.listPage(paging.page - 1) : undefined,
    newer: paging.page < paging.pages - 1 ? accountButtons.listPage(paging.page + 1) : undefined,
  });
  return keyboard.text(ctx.t('button-account-link'), accountButtons.link);
}

/**
 * Under the card: balance, make current (unless it is), unlink, back to the list. The balance
 * button's data is given by the caller: the balance feature owns it.
 */
export function accountCardKeyboard(
  ctx: Translatable,
  account: { id: number; isCurrent: boolean },
  balanceData: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(ctx.t('button-balance'), balanceData).row();
  if (!account.isCurrent) {
    keyboard.text(ctx.t('button-account-make-current'), accountButtons.choose(account.id)).row();
  }
  return keyboard
    .text(ctx.t('button-account-unlink'), accountButtons.unlink(account.id))
    .row()
    .text(ctx.t('button-accounts'), accountButtons.list);
}

export function unlinkConfirmKeyboard(ctx: Translatable, accountId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-account-unlink-yes'), accountButtons.unlinkYes(accountId))
    .row()
    .text(ctx.t('button-account-unlink-no'), accountButtons.unlinkNo(accountId));
}

/** After linking: straight to the card or the list. */
export function linkedKeyboard(ctx: Translatable, accountId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-account-card'), accountButtons.open(accountId))
    .row()
    .text(ctx.t('button-accounts'), accountButtons.list);
}

/**
 * «Which account?» for a flow of another feature (pay, receipt): one big button per account
 * («Счёт № …»), each carrying that flow's callback data, then Cancel.
 */
export function accountChoiceKeyboard(
  ctx: Translatable,
  accounts: readonly { id: number; number: string }[],
  dataOf: (accountId: number) => string,
  cancelData: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const account of accounts)
    keyboard
      .text(ctx.t('payments-account-button', { number: account.number }), dataOf(account.id))
      .row();
  return keyboard.text(ctx.t('button-cancel'), cancelData);
}
