import { InlineKeyboard } from 'grammy';
import { callbackData } from '../../core/callback-data';

export const startButtons = {
  login: callbackData('start', 'login'),
  register: callbackData('start', 'register'),
  help: callbackData('start', 'help'),
};

/** One big button per row: easy to hit for anyone, on any phone. */
export function guestKeyboard(ctx: { t: (key: string) => string }): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-login'), startButtons.login)
    .row()
    .text(ctx.t('button-register'), startButtons.register)
    .row()
    .text(ctx.t('button-help'), startButtons.help);
}
