/**
 * The one place a typed number (a meter reading, an amount of rubles, an account number) is
 * cleaned before it is parsed. Phone keyboards and copy-paste from banking apps and receipts
 * bring invisible format characters (Unicode category Cf: zero-width space U+200B, zero-width
 * joiner, word joiner, BOM, bidi marks) and exotic spaces (no-break U+00A0, figure U+2007,
 * narrow no-break U+202F, thin U+2009…). The invisible ones are dropped; every space kind becomes
 * a plain space, so the parsers only ever see ASCII spaces as thousands separators.
 */

const INVISIBLE = /\p{Cf}/gu;
const ANY_SPACE = /[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]/gu;

/**
 * `text` with Cf (format) characters removed, all space kinds turned into U+0020, and trimmed.
 * Pure; never throws.
 */
export function cleanTypedNumber(text: string): string {
  return text.replace(INVISIBLE, '').replace(ANY_SPACE, ' ').trim();
}
