import { badRequest } from '../api-error.js';
import { CALLBACK_TTL_MS, type EmulatorCore } from '../core.js';
import { isInlineMarkup, parseReplyMarkup } from '../markup.js';
import type { Params } from '../params.js';
import type { InlineKeyboardMarkup, Message } from '../types.js';
import {
  commitEdit,
  messageCaption,
  messageText,
  messageToEdit,
  NOT_MODIFIED,
} from './message-target.js';
import type { MethodTable } from './method.js';

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Text messages, edits, deletion, copies, chat actions and callback answers. */
export const messageMethods: MethodTable = {
  sendMessage: (core, p) => {
    const chat = core.targetChat(p);
    const { text, entities } = messageText(p);
    const markup = parseReplyMarkup(p.json('reply_markup'));
    const reply = core.replyTarget(chat, p);
    core.throttle(chat);
    const fields: Omit<Message, 'message_id' | 'chat' | 'date' | 'from'> = { text };
    if (entities.length) fields.entities = entities;
    if (reply) fields.reply_to_message = reply;
    return core.addBotMessage(chat, fields, markup).message;
  },

  editMessageText: (core, p) => {
    const { chat, stored } = messageToEdit(core, p);
    if (stored.message.text === undefined)
      throw badRequest('there is no text in the message to edit');
    const { text, entities } = messageText(p);
    const markup = parseReplyMarkup(p.json('reply_markup'));
    if (markup && !isInlineMarkup(markup)) throw badRequest('inline keyboard expected');
    const newMarkup = markup as InlineKeyboardMarkup | undefined;
    if (
      stored.message.text === text &&
      same(stored.message.entities ?? [], entities) &&
      same(stored.message.reply_markup, newMarkup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    const message: Message = { ...stored.message, text, edit_date: core.now() };
    if (entities.length) message.entities = entities;
    else delete message.entities;
    return commitEdit(core, chat, stored, message, newMarkup);
  },

  editMessageCaption: (core, p) => {
    const { chat, stored } = messageToEdit(core, p);
    if (!stored.message.photo && !stored.message.document)
      throw badRequest('there is no caption in the message to edit');
    const caption = messageCaption(p);
    const markup = parseReplyMarkup(p.json('reply_markup'));
    if (markup && !isInlineMarkup(markup)) throw badRequest('inline keyboard expected');
    const newMarkup = markup as InlineKeyboardMarkup | undefined;
    if (
      (stored.message.caption ?? '') === (caption?.caption ?? '') &&
      same(stored.message.caption_entities ?? [], caption?.caption_entities ?? []) &&
      same(stored.message.reply_markup, newMarkup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    const message: Message = { ...stored.message, edit_date: core.now() };
    delete message.caption;
    delete message.caption_entities;
    if (caption) {
      message.caption = caption.caption;
      if (caption.caption_entities.length) message.caption_entities = caption.caption_entities;
    }
    return commitEdit(core, chat, stored, message, newMarkup);
  },

  editMessageReplyMarkup: (core, p) => {
    const { chat, stored } = messageToEdit(core, p);
    const markup = parseReplyMarkup(p.json('reply_markup'));
    if (markup && !isInlineMarkup(markup)) throw badRequest('inline keyboard expected');
    const newMarkup = markup as InlineKeyboardMarkup | undefined;
    if (same(stored.message.reply_markup, newMarkup)) throw badRequest(NOT_MODIFIED);
    const message: Message = { ...stored.message, edit_date: core.now() };
    return commitEdit(core, chat, stored, message, newMarkup);
  },

  deleteMessage: (core, p) => {
    const chat = core.targetChat(p);
    const stored = core.state.findMessage(
      chat,
      p.requireInt('message_id', 'message identifier is not specified'),
    );
    if (!stored) throw badRequest('message to delete not found');
    stored.deleted = true;
    core.notifyEdit(chat, 'delete');
    return true;
  },

  deleteMessages: (core, p) => {
    const chat = core.targetChat(p);
    const ids = p.json('message_ids');
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100)
      throw badRequest('message_ids is empty');
    for (const id of ids) {
      const stored = typeof id === 'number' ? core.state.findMessage(chat, id) : undefined;
      if (stored) stored.deleted = true;
    }
    core.notifyEdit(chat, 'delete');
    return true;
  },

  copyMessage: (core, p) => copyOrForward(core, p, 'copy'),
  forwardMessage: (core, p) => copyOrForward(core, p, 'forward'),

  sendChatAction: (core, p) => {
    core.targetChat(p);
    const action = p.string('action') ?? '';
    if (!CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
    return true;
  },

  answerCallbackQuery: (core, p) => {
    const id = p.string('callback_query_id') ?? '';
    const record = core.callbacks.get(id);
    if (!record || record.answered || Date.now() - record.createdAt > CALLBACK_TTL_MS) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = p.string('text');
    if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
    record.answered = true;
    if (text) record.text = text;
    const alert = p.bool('show_alert');
    if (alert !== undefined) record.show_alert = alert;
    const url = p.string('url');
    if (url) record.url = url;
    core.events.emit({ type: 'callback_answer', chat_id: record.chatId });
    return true;
  },
};

function copyOrForward(core: EmulatorCore, p: Params, mode: 'copy' | 'forward'): unknown {
  const chat = core.targetChat(p);
  const fromChat = core.state.findChat(p.string('from_chat_id'));
  if (!fromChat) throw badRequest('chat not found');
  const source = core.state.findMessage(
    fromChat,
    p.requireInt('message_id', 'message identifier is not specified'),
  );
  if (!source)
    throw badRequest(
      mode === 'copy' ? 'message to copy not found' : 'message to forward not found',
    );
  if (source.message.invoice || source.message.successful_payment)
    throw badRequest("message can't be copied");
  core.throttle(chat);
  const {
    message_id: _id,
    from: _from,
    chat: _chat,
    date,
    edit_date: _e,
    reply_to_message: _r,
    reply_markup: _m,
    ...content
  } = source.message;
  if (mode === 'forward') {
    const origin = source.message.from ?? core.bot;
    return core.addBotMessage(chat, {
      ...content,
      forward_origin: { type: 'user', date, sender_user: origin },
    }).message;
  }
  const markup = parseReplyMarkup(p.json('reply_markup'));
  const caption = messageCaption(p);
  if (caption) Object.assign(content, caption);
  const reply = core.replyTarget(chat, p);
  if (reply) Object.assign(content, { reply_to_message: reply });
  return { message_id: core.addBotMessage(chat, content, markup).message.message_id };
}
