import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard, Keyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import { KIT_CANCEL } from '../../core/conversation-kit/index';

type Translatable = { t: I18nFlavor['t'] };

/** The auth feature's inline buttons. */
export const authButtons = {
  consentAgree: callbackData('auth', 'agree'),
  resend: callbackData('auth', 'resend'),
  forgot: callbackData('auth', 'forgot'),
};

export const consentAgreePattern = callbackPattern('auth', 'agree');
export const resendPattern = callbackPattern('auth', 'resend');
export const forgotPattern = callbackPattern('auth', 'forgot');

export function consentKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-consent-agree'), authButtons.consentAgree)
    .row()
    .text(ctx.t('button-cancel'), KIT_CANCEL);
}

export function loginEmailKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-forgot-password'), authButtons.forgot)
    .row()
    .text(ctx.t('button-cancel'), KIT_CANCEL);
}

export function codeKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-resend-code'), authButtons.resend)
    .row()
    .text(ctx.t('button-cancel'), KIT_CANCEL);
}

/**
 * The logged-in resident's main menu: big reply-keyboard buttons, two to a row, always on screen.
 * Each button's text is matched in its feature (`hearsButton`), in every language.
 */
export function mainMenuKeyboard(ctx: Translatable): Keyboard {
  return new Keyboard()
    .text(ctx.t('button-balance'))
    .text(ctx.t('button-reading'))
    .row()
    .text(ctx.t('button-accounts'))
    .text(ctx.t('button-profile'))
    .row()
    .text(ctx.t('button-appeal'))
    .text(ctx.t('button-help'))
    .row()
    .text(ctx.t('button-logout'))
    .resized()
    .persistent();
}
