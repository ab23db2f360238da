import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../../core/callback-data';

type Translatable = { t: I18nFlavor['t'] };

/**
 * Buttons of the rights feature. The two withdrawal steps carry the moment step one was shown
 * (unix seconds), so a confirmation found in an old message days later is refused, not obeyed.
 */
export const rightsButtons = {
  mydata: callbackData('rights', 'mydata'),
  withdraw: callbackData('rights', 'withdraw'),
  continue: (at: number) => callbackData('rights', 'withdraw-2', at),
  erase: (at: number) => callbackData('rights', 'erase', at),
  keep: callbackData('rights', 'keep'),
};
export const rightsPatterns = {
  mydata: callbackPattern('rights', 'mydata'),
  withdraw: callbackPattern('rights', 'withdraw'),
  continue: callbackPattern('rights', 'withdraw-2', ['\\d{1,12}']),
  erase: callbackPattern('rights', 'erase', ['\\d{1,12}']),
  keep: callbackPattern('rights', 'keep'),
};

export function privacyKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-rights-mydata'), rightsButtons.mydata)
    .row()
    .text(ctx.t('button-rights-withdraw'), rightsButtons.withdraw);
}

export function withdrawStepOneKeyboard(ctx: Translatable, at: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-rights-withdraw-continue'), rightsButtons.continue(at))
    .row()
    .text(ctx.t('button-rights-keep'), rightsButtons.keep);
}

export function withdrawStepTwoKeyboard(ctx: Translatable, at: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-rights-withdraw-confirm'), rightsButtons.erase(at))
    .row()
    .text(ctx.t('button-rights-keep'), rightsButtons.keep);
}
