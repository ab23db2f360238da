/**
 * Text that people typed, made safe to show to someone else (a resident's words in the admin
 * chat, a name on a card). Telegram shows Unicode bidirectional controls as they are: a U+202E
 * (RIGHT-TO-LEFT OVERRIDE) in an appeal turns the rest of the card around, so an operator reads
 * «moc.elpmaxe@» for an address or a different account number (CVE-2021-42574, "Trojan Source").
 *
 * The one helper for it: every place where resident text reaches staff passes it through here.
 */

/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), the directional
 * marks (U+200E, U+200F, U+061C), the byte-order mark used as a zero-width no-break space
 * (U+FEFF), C0 controls except tab and line feed, DEL and the C1 controls.
 */
const INVISIBLE_CONTROLS = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;

/**
 * `text` without the controls above: bidirectional overrides and isolates, directional marks,
 * control characters (tab and line feed stay; a carriage return before a line feed goes; line and
 * paragraph separators U+2028/U+2029 become line feeds). Letters of every script, emoji and their
 * joiners (U+200D) are kept, so a name written in Arabic or with an emoji still reads as written.
 */
export function stripInvisibleControls(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(INVISIBLE_CONTROLS, (char) => (char === '\n' || char === '\t' ? char : ''));
}
