import { badRequest } from '../api-error.js';
import { withAutoEntities } from '../auto-entities.js';
import type { EmulatorCore } from '../core.js';
import type { Params } from '../params.js';
import { formatText } from '../parse-mode.js';
import type { ChatState, StoredMessage } from '../state.js';
import type { InlineKeyboardMarkup, Message, MessageEntity } from '../types.js';

/** Telegram's limits on message text and media captions (UTF-16 units after parsing). */
export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;

/**
 * Parses `text`/`parse_mode`/`entities`, enforces Telegram's text rules and
 * adds the entities Telegram detects by itself (auto-entities.ts).
 */
export function messageText(
  p: Params,
  field = 'text',
  entitiesField = 'entities',
): { text: string; entities: MessageEntity[] } {
  const raw = p.string(field) ?? '';
  const parsed = formatText(raw, p.string('parse_mode'), p.json(entitiesField));
  if (parsed.text.trim() === '') throw badRequest('message text is empty');
  if (parsed.text.length > MAX_TEXT) throw badRequest('message is too long');
  return { text: parsed.text, entities: withAutoEntities(parsed.text, parsed.entities) };
}

/** Parses an optional caption (plus detected entities); undefined when absent. */
export function messageCaption(
  p: Params,
): { caption: string; caption_entities: MessageEntity[] } | undefined {
  const raw = p.string('caption');
  if (raw === undefined || raw === '') return undefined;
  const parsed = formatText(raw, p.string('parse_mode'), p.json('caption_entities'));
  if (parsed.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  return {
    caption: parsed.text,
    caption_entities: withAutoEntities(parsed.text, parsed.entities),
  };
}

/**
 * The bot message an edit refers to. Inline messages do not exist in the
 * sandbox, so `inline_message_id` always misses, like an unknown id would.
 */
export function messageToEdit(
  core: EmulatorCore,
  p: Params,
): { chat: ChatState; stored: StoredMessage } {
  if (p.has('inline_message_id')) throw badRequest('message to edit not found');
  const chat = core.targetChat(p);
  const id = p.int('message_id');
  if (id === undefined) throw badRequest('message identifier is not specified');
  const stored = core.state.findMessage(chat, id);
  if (!stored) throw badRequest('message to edit not found');
  if (stored.direction !== 'out') throw badRequest("message can't be edited");
  return { chat, stored };
}

export const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** Stores an edited message with its new inline keyboard (or none), counts the edit, tells watchers. */
export function commitEdit(
  core: EmulatorCore,
  chat: ChatState,
  stored: StoredMessage,
  message: Message,
  markup: InlineKeyboardMarkup | undefined,
): Message {
  if (markup) message.reply_markup = markup;
  else delete message.reply_markup;
  stored.message = message;
  if (markup) stored.reply_markup = markup;
  else delete stored.reply_markup;
  stored.edits++;
  core.notifyEdit(chat, 'edit');
  return message;
}
