import { addPagingRow } from '../../core/paging';
import type { I18nFlavor } from '@grammyjs/i18n';
import { InlineKeyboard, Keyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import { formatPhone, localeOf } from '../../core/format';
import { languageName, SUPPORTED_LOCALES } from '../../core/i18n';
import type { Profile } from './service';

type Translatable = { t: I18nFlavor['t'] };

/** The fields a button on the profile card edits. */
export const EDITABLE_FIELDS = ['name', 'phone', 'address', 'email', 'password'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

export const profileButtons = {
  edit: (field: EditableField) => callbackData('profile', 'edit', field),
  language: callbackData('profile', 'language'),
  setLanguage: (locale: string) => callbackData('profile', 'lang', locale),
  show: callbackData('profile', 'show'),
  security: callbackData('profile', 'security'),
};
export const profilePatterns = {
  edit: callbackPattern('profile', 'edit', [EDITABLE_FIELDS.join('|')]),
  language: callbackPattern('profile', 'language'),
  setLanguage: callbackPattern('profile', 'lang', [SUPPORTED_LOCALES.join('|')]),
  show: callbackPattern('profile', 'show'),
  security: callbackPattern('profile', 'security'),
};

export const securityButtons = {
  page: (page: number) => callbackData('security', 'page', page),
  logoutAll: callbackData('security', 'logout-all'),
  logoutAllYes: callbackData('security', 'logout-all-yes'),
};
export const securityPatterns = {
  page: callbackPattern('security', 'page', ['\\d{1,4}']),
  logoutAll: callbackPattern('security', 'logout-all'),
  logoutAllYes: callbackPattern('security', 'logout-all-yes'),
};

/**
 * The profile card's text. The language shown is the one the bot speaks to this person (chosen
 * with /language or in the profile), the phone as Russians write it.
 */
export function profileText(ctx: Translatable, profile: Profile): string {
  const unset = ctx.t('profile-not-set');
  return ctx.t('profile-card', {
    name: profile.fullName ?? unset,
    phone: profile.phone ? formatPhone(profile.phone) : unset,
    address: profile.address ?? unset,
    email: profile.email ?? unset,
    language: languageName(localeOf(ctx)),
  });
}

/** One big button per row: easy to hit for anyone, on any phone. */
export function profileKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-profile-name'), profileButtons.edit('name'))
    .row()
    .text(ctx.t('button-profile-phone'), profileButtons.edit('phone'))
    .row()
    .text(ctx.t('button-profile-address'), profileButtons.edit('address'))
    .row()
    .text(ctx.t('button-profile-email'), profileButtons.edit('email'))
    .row()
    .text(ctx.t('button-profile-language'), profileButtons.language)
    .row()
    .text(ctx.t('button-profile-password'), profileButtons.edit('password'))
    .row()
    .text(ctx.t('button-profile-security'), profileButtons.security);
}

/**
 * The phone prompt's reply keyboard: Telegram's own "share my contact" button (it sends the
 * sender's number with their user id) and a Cancel that sends its text.
 */
export function phoneKeyboard(ctx: Translatable): Keyboard {
  return new Keyboard()
    .requestContact(ctx.t('button-share-phone'))
    .row()
    .text(ctx.t('button-cancel'))
    .resized()
    .oneTime();
}

export function languageKeyboard(ctx: Translatable): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of SUPPORTED_LOCALES) {
    keyboard.text(languageName(locale), profileButtons.setLanguage(locale)).row();
  }
  return keyboard.text(ctx.t('button-profile-back'), profileButtons.show);
}

export function backToProfileKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-profile-back'), profileButtons.show);
}

/** Paging and "log out everywhere" under the security list. */
export function securityKeyboard(ctx: Translatable, page: number, pages: number): InlineKeyboard {
  // Newest first: older events are on the next page.
  return addPagingRow(new InlineKeyboard(), ctx, {
    older: page < pages - 1 ? securityButtons.page(page + 1) : undefined,
    newer: page > 0 ? securityButtons.page(page - 1) : undefined,
  })
    .text(ctx.t('button-logout-everywhere'), securityButtons.logoutAll)
    .row()
    .text(ctx.t('button-profile-back'), profileButtons.show);
}

export function logoutEverywhereKeyboard(ctx: Translatable): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-logout-everywhere-yes'), securityButtons.logoutAllYes)
    .row()
    .text(ctx.t('button-security-back'), securityButtons.page(0));
}
