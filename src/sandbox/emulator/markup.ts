import { badRequest } from './api-error.js';
import { isRecord } from './params.js';
import type { InlineKeyboardButton, KeyboardButton, ReplyMarkup } from './types.js';

const INLINE_ACTIONS = [
  'callback_data',
  'url',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'callback_game',
  'pay',
  'web_app',
  'copy_text',
] as const;

const MAX_BUTTONS = 100;
const MAX_ROW = 8;

function inlineButton(raw: unknown): InlineKeyboardButton {
  if (!isRecord(raw) || typeof raw.text !== 'string') {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  const actions = INLINE_ACTIONS.filter((a) => raw[a] !== undefined);
  if (actions.length === 0) {
    throw badRequest(
      "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
  }
  if (actions.length > 1) throw badRequest('BUTTON_TYPE_INVALID');
  if (raw.callback_data !== undefined) {
    const bytes = typeof raw.callback_data === 'string' ? Buffer.byteLength(raw.callback_data) : 0;
    if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (raw.url !== undefined) {
    if (typeof raw.url !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(raw.url)) {
      throw badRequest('BUTTON_URL_INVALID');
    }
  }
  return raw as InlineKeyboardButton;
}

function replyButton(raw: unknown): KeyboardButton {
  if (typeof raw === 'string') return { text: raw };
  if (!isRecord(raw) || typeof raw.text !== 'string') {
    throw badRequest('can\'t parse keyboard button: Field "text" must be of type String');
  }
  return raw as KeyboardButton;
}

function rows<T>(raw: unknown, field: string, parse: (b: unknown) => T): T[][] {
  if (!Array.isArray(raw) || !raw.every(Array.isArray)) {
    throw badRequest(
      `can't parse reply keyboard markup JSON object: Field "${field}" must be of type Array`,
    );
  }
  const out = (raw as unknown[][]).map((row) => row.map(parse));
  if (out.some((row) => row.length > MAX_ROW) || out.flat().length > MAX_BUTTONS) {
    throw badRequest('reply markup is too long');
  }
  return out;
}

/**
 * Validates `reply_markup` the way Telegram does and returns it normalised
 * (reply keyboard buttons given as bare strings become `{text}`), or
 * undefined when absent. Inline keyboards: each button exactly one action,
 * callback_data 1–64 bytes, at most 8 per row and 100 in all.
 */
export function parseReplyMarkup(raw: unknown): ReplyMarkup | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ('inline_keyboard' in raw) {
    return { inline_keyboard: rows(raw.inline_keyboard, 'inline_keyboard', inlineButton) };
  }
  if ('keyboard' in raw) {
    const keyboard = rows(raw.keyboard, 'keyboard', replyButton);
    return { ...raw, keyboard } as ReplyMarkup;
  }
  if (raw.remove_keyboard === true) return { ...raw, remove_keyboard: true } as ReplyMarkup;
  if (raw.force_reply === true) return { ...raw, force_reply: true } as ReplyMarkup;
  throw badRequest("can't parse reply keyboard markup JSON object");
}

/** Only inline keyboards may be attached to edits and appear in Message. */
export function isInlineMarkup(
  m: ReplyMarkup | undefined,
): m is { inline_keyboard: InlineKeyboardButton[][] } {
  return m !== undefined && 'inline_keyboard' in m;
}
