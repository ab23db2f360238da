import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../../core/callback-data';

type Translatable = { t: I18nFlavor['t'] };

/**
 * Buttons of the rights feature. The withdrawal steps carry no state: the withdrawal
 * conversation (server side) is the only place they are obeyed, step by step; the same data
 * pressed or forged outside it is refused. Older releases put a time after the action: the
 * patterns still recognise it, to refuse it politely.
 */
export const rightsButtons = {
  mydata: callbackData('rights', 'mydata'),
  withdraw: callbackData('rights', 'withdraw'),
  continue: callbackData('rights', 'withdraw-2'),
  erase: callbackData('rights', 'erase'),
  keep: callbackData('rights', 'keep'),
};
export const rightsPatterns = {
  mydata: callbackPattern('rights', 'mydata'),
  withdraw: callbackPattern('rights', 'withdraw'),
  continue: /^v1\|rights\|withdraw-2(\|\d{1,12})?$/,
  erase: /^v1\|rights\|erase(\|\d{1,12})?$/,
  keep: callbackPattern('rights', 'keep'),
};

export function privacyKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-rights-mydata'), rightsButtons.mydata)
    .row()
    .text(ctx.t('button-rights-withdraw'), rightsButtons.withdraw);
}

export function withdrawStepOneKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-rights-withdraw-continue'), rightsButtons.continue)
    .row()
    .text(ctx.t('button-rights-keep'), rightsButtons.keep);
}

export function withdrawStepTwoKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-rights-withdraw-confirm'), rightsButtons.erase)
    .row()
    .text(ctx.t('button-rights-keep'), rightsButtons.keep);
}
