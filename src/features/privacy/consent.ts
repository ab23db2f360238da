import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OperatorRequisites } from '../../config';
import type { Locale } from '../../core/i18n';
import { fromRoot } from '../../paths';

/**
 * The consent text's version. Bump it whenever `consent-*.txt` changes in substance: every
 * logged-in resident whose accepted version differs is asked to accept the new text first.
 */
export const CONSENT_VERSION = '2026-11-24';

/** The consent exactly as shown, with the SHA-256 that proves later which wording was accepted. */
export interface RenderedConsent {
  version: string;
  locale: Locale;
  text: string;
  sha256: string;
}

const TEMPLATE_FILES: Record<Locale, string> = {
  ru: fromRoot('src', 'features', 'privacy', 'consent-ru.txt'),
  en: fromRoot('src', 'features', 'privacy', 'consent-en.txt'),
};

/**
 * Fills the template with the operator's name and addresses from configuration (the seed's text
 * names Корякэнерго; each deployment is its own operator under 152-ФЗ).
 */
export function renderConsent(locale: Locale, operator: OperatorRequisites): RenderedConsent {
  const template = readFileSync(TEMPLATE_FILES[locale], 'utf8');
  const text = template
    .replaceAll('{operator}', operator.name)
    .replaceAll('{legalAddress}', operator.legalAddress)
    .replaceAll('{postalAddress}', operator.postalAddress)
    .trim();
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  return { version: CONSENT_VERSION, locale, text, sha256 };
}

/** Telegram's limit for one message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** Splits a long text at paragraph (then line, then hard) boundaries into message-sized parts. */
export function splitForTelegram(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim()) parts.push(current.trim());
    current = '';
  };
  for (const paragraph of text.split('\n\n')) {
    const candidate = current ? `${current}\n\n${paragraph}` : paragraph;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    flush();
    let rest = paragraph;
    while (rest.length > limit) {
      const cut = rest.lastIndexOf(' ', limit) > 0 ? rest.lastIndexOf(' ', limit) : limit;
      parts.push(rest.slice(0, cut).trim());
      rest = rest.slice(cut);
    }
    current = rest;
  }
  flush();
  return parts;
}
