import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { callbackData } from '../../core/callback-data';

/** Accepting a new version of the consent (logged-in residents). */
export const reacceptButton = callbackData('privacy', 'reaccept');

export function reacceptKeyboard(ctx: { t: I18nFlavor['t'] }): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-consent-agree'), reacceptButton);
}
