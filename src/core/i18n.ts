import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { Context } from 'grammy';

export const SUPPORTED_LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/**
 * Renders a text of the locales by key, for code that runs outside an update (services' mails,
 * jobs, the outbox worker) and so has no `ctx.t`: the one Translate type of the project.
 */
export type Translate = (
  locale: Locale,
  key: string,
  vars?: Record<string, string | number>,
) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

const LANGUAGE_NAMES: Record<Locale, string> = { ru: 'Русский', en: 'English' };
const LANGUAGE_FLAGS: Record<Locale, string> = { ru: '🇷🇺', en: '🇬🇧' };

/**
 * A language by its own name, as the profile, the language menu and `/mydata` show it: «🇷🇺
 * Русский» in chat; `withFlag` false gives «Русский» for PDFs, whose embedded font has no flag
 * emoji (they print as empty boxes).
 */
export function languageName(locale: string, withFlag = true): string {
  if (!isLocale(locale)) return locale;
  return withFlag ? `${LANGUAGE_FLAGS[locale]} ${LANGUAGE_NAMES[locale]}` : LANGUAGE_NAMES[locale];
}

/** Maps Telegram's `language_code` (e.g. "ru", "en-GB", "uk") to a locale we have. */
export function localeFromTelegram(code: string | undefined, fallback: Locale): Locale {
  const base = code?.toLowerCase().split('-')[0];
  if (isLocale(base)) return base;
  // Speakers of the region's other languages read Russian more often than English.
  if (base && ['uk', 'be', 'kk', 'ky', 'uz', 'tg', 'hy', 'az', 'ka'].includes(base)) return 'ru';
  return base ? 'en' : fallback;
}

export const LOCALES_DIR = fileURLToPath(new URL('../../locales', import.meta.url));

/**
 * Fluent translations for both the outer bot and conversations. The language is negotiated per
 * update by `chosenLocale` (what the person picked with /language), then Telegram's language.
 */
export function createI18n<C extends Context>(
  defaultLocale: Locale,
  chosenLocale: (ctx: C) => Promise<Locale | undefined>,
): I18n<C> {
  const i18n = new I18n<C>({
    defaultLocale,
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: async (ctx) =>
      (await chosenLocale(ctx)) ?? localeFromTelegram(ctx.from?.language_code, defaultLocale),
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  return i18n;
}
