import type { InlineKeyboard } from 'grammy';

/**
 * One paging style for every list that grows with data (accounts, balance history, readings
 * history, the security log, appeals): «◀ Раньше» goes to older entries, «Позже ▶» to newer ones,
 * on one row, in that order, only the ones that lead somewhere. Texts: `button-page-older`,
 * `button-page-newer` (locales/<locale>/format.ftl).
 */

/** Telegram's limits: a message's text, a media caption (Bot API `sendMessage`, `sendPhoto`). */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

/**
 * Adds the paging row to `keyboard`: `older` and `newer` are the callback data of the
 * neighbouring pages, `undefined` where there is none. Nothing is added on a single page.
 */
export function addPagingRow(
  keyboard: InlineKeyboard,
  ctx: { t: (key: string) => string },
  pages: { older?: string; newer?: string },
): InlineKeyboard {
  if (pages.older !== undefined) keyboard.text(ctx.t('button-page-older'), pages.older);
  if (pages.newer !== undefined) keyboard.text(ctx.t('button-page-newer'), pages.newer);
  if (pages.older !== undefined || pages.newer !== undefined) keyboard.row();
  return keyboard;
}

/** The slice of `items` on page `page` (0-based, clamped) of `size`, with the page count. */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  size: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
  return { items: items.slice(current * size, (current + 1) * size), page: current, pages };
}

/** A text cut to `max` characters with «…», for list lines whose full form is one tap away. */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * Cuts `text` into pieces of at most `max` characters, at a line break or a space where one is
 * near the end (never mid-word when it can help), so every character appears in exactly one piece.
 */
export function splitText(text: string, max: number): string[] {
  if (max < 2) throw new RangeError('splitText: max must be at least 2');
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const breakAt = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    let cut = breakAt >= max / 2 ? breakAt + 1 : max;
    // Never between the two halves of an emoji or another astral character.
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut--;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}
