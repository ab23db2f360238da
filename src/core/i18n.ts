import { I18n } from '@grammyjs/i18n';
import type { Context } from 'grammy';
import { fromRoot } from '../paths';

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

export const LOCALES_DIR = fromRoot('locales');

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
  (i18n as { fluent: unknown }).fluent = loadedTranslations();
  return i18n;
}

/** The locale files, parsed once per process (see {@link loadedTranslations}). */
let translations: I18n['fluent'] | undefined;

/**
 * The locale files parsed into Fluent bundles, once per process, and shared by every `I18n`
 * that {@link createI18n} makes (the bot's, the background's, the jobs'...): they differ only in
 * how they pick a language, never in the texts. Each parse held ~1 MB and five were made at
 * start (issue 12: RSS after start). Nothing adds to the bundles after loading.
 */
function loadedTranslations(): I18n['fluent'] {
  if (!translations) {
    const loader = new I18n({ defaultLocale: 'ru', fluentBundleOptions: { useIsolating: false } });
    loader.loadLocalesDirSync(LOCALES_DIR);
    memoizeFluent(loader.fluent as unknown as FluentInternals);
    translations = loader.fluent;
  }
  return translations;
}

/** The two methods of @grammyjs/i18n's `Fluent` (v1.1) that every `ctx.t` goes through. */
interface FluentInternals {
  translate(locales: string | string[], path: string, context?: Record<string, unknown>): string;
  matchBundles(locales: string[]): Set<unknown>;
}

/** Memo entries at most: (locale, key) pairs are ~2 × 900 in practice; a bound, not a tuning knob. */
const MEMO_LIMIT = 10_000;

/**
 * Makes translation cheap on the hot paths (issue 12). @grammyjs/i18n negotiates the bundles
 * afresh on every `ctx.t` (`negotiateLanguages` was ~3 % of /balance's CPU), and `hears(key)` —
 * the menu buttons, checked on every text message by each feature and the flows' exit path —
 * formats the same variable-free message ~15 times an update. The bundles never change after
 * loading, so both are remembered: the bundles per locale list, and the text of a message
 * that takes no variables per (locale, key).
 */
function memoizeFluent(fluent: FluentInternals): void {
  const matchBundles = fluent.matchBundles.bind(fluent);
  const bundles = new Map<string, Set<unknown>>();
  fluent.matchBundles = (locales) => {
    const key = locales.join('\u0000');
    let matched = bundles.get(key);
    if (!matched) {
      matched = matchBundles(locales);
      if (bundles.size < MEMO_LIMIT) bundles.set(key, matched);
    }
    return matched;
  };
  const translate = fluent.translate.bind(fluent);
  const texts = new Map<string, string>();
  fluent.translate = (locales, path, context) => {
    if (context && hasKeys(context)) return translate(locales, path, context);
    const key = `${Array.isArray(locales) ? locales.join('\u0000') : locales}\u0001${path}`;
    let text = texts.get(key);
    if (text === undefined) {
      text = translate(locales, path, context);
      if (texts.size < MEMO_LIMIT) texts.set(key, text);
    }
    return text;
  };
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/** Every supported locale's text of each button key, read once from the locale files. */
const buttonTexts = new Map<string, string[]>();

/**
 * The texts `key` has in every supported locale (e.g. «💰 Баланс» and «💰 Balance»), remembered.
 */
export function textsInEveryLocale(key: string): string[] {
  let texts = buttonTexts.get(key);
  if (!texts) {
    const fluent = loadedTranslations();
    texts = [...new Set(SUPPORTED_LOCALES.map((locale) => fluent.translate(locale, key)))];
    buttonTexts.set(key, texts);
  }
  return texts;
}

/**
 * A filter for a reply-keyboard button by its locale key, matching its text in ANY supported
 * language: the keyboard on screen may have been sent before a language change (or by another
 * device's choice), and a press of it must still work. Use it instead of @grammyjs/i18n's
 * `hears`, which matches the current language only.
 */
export function hearsButton(key: string): (ctx: Context) => boolean {
  return (ctx) => ctx.hasText(textsInEveryLocale(key));
}
