import { ControlError } from './api-error.js';
import type { EmulatorCore } from './core.js';
import type { ContactInput, UserEditInput, UserMessageInput } from './control-api.js';
import { memberOf } from './control-api.js';
import { randomId } from './state.js';
import type { ChatState } from './state.js';
import type { Message } from './types.js';
import { detectUserEntities } from './user-entities.js';

type Content = Omit<Message, 'message_id' | 'chat' | 'date' | 'from'>;

/** How long `pay` waits for answerPreCheckoutQuery (Telegram allows 10 s). */
const PRE_CHECKOUT_TIMEOUT_MS = 10_000;

/**
 * A user writing in a private chat has, in a real client, pressed "Restart"
 * first if they had blocked the bot; mirror that so the chat stays usable.
 */
function unblockOnWrite(core: EmulatorCore, chat: ChatState, from: number): void {
  const entry = core.state.users.get(from);
  if (chat.chat.type === 'private' && entry?.blocked) {
    entry.blocked = false;
    core.events.emit({ type: 'user', chat_id: from });
  }
}

function replyTo(core: EmulatorCore, chat: ChatState, id: number | undefined): Message | undefined {
  if (id === undefined) return undefined;
  const target = core.state.findMessage(chat, id);
  if (!target) throw new ControlError(404, `message ${id} not found`);
  const { reply_to_message: _nested, ...flat } = target.message;
  return flat;
}

/** A user sends text, a photo or a document (optionally forwarded). */
export function sendUserMessage(
  core: EmulatorCore,
  chat: ChatState,
  input: UserMessageInput,
): Message {
  const from = memberOf(core, chat, input.from);
  const content: Content = {};
  if (input.photo || input.document) {
    const file = input.photo ?? input.document;
    if (!file) throw new ControlError(400, 'no file');
    const kind = input.photo ? 'photos' : 'documents';
    const stored = core.storeUpload(
      kind,
      Buffer.from(file.base64, 'base64'),
      file.filename,
      file.mime_type,
    );
    if (input.photo) content.photo = core.photoSizes(stored);
    else content.document = core.documentOf(stored);
    const caption = input.caption ?? input.text;
    if (caption) {
      if (caption.length > 1024) throw new ControlError(400, 'caption is too long');
      content.caption = caption;
      const entities = detectUserEntities(caption);
      if (entities.length) content.caption_entities = entities;
    }
  } else {
    const text = input.text ?? '';
    if (text.trim() === '') throw new ControlError(400, 'text is empty');
    if (text.length > 4096) throw new ControlError(400, 'text is too long (4096 max)');
    content.text = text;
    const entities = detectUserEntities(text);
    if (entities.length) content.entities = entities;
  }
  const reply = replyTo(core, chat, input.reply_to_message_id);
  if (reply) content.reply_to_message = reply;
  if (input.forward_from !== undefined) {
    const origin = core.state.users.get(input.forward_from)?.user;
    if (!origin) throw new ControlError(404, `user ${input.forward_from} not found`);
    content.forward_origin = { type: 'user', date: core.now(), sender_user: origin };
  }
  unblockOnWrite(core, chat, from.id);
  return core.addUserMessage(chat, from, content);
}

/**
 * A user edits the text of a message they sent: the message changes in the chat and the bot gets
 * an `edited_message` update, as from Telegram.
 */
export function editUserMessage(
  core: EmulatorCore,
  chat: ChatState,
  messageId: number,
  input: UserEditInput,
): Message {
  const from = memberOf(core, chat, input.from);
  const stored = core.state.findMessage(chat, messageId);
  if (stored?.direction !== 'in' || stored.message.from?.id !== from.id) {
    throw new ControlError(404, `message ${messageId} of user ${from.id} not found`);
  }
  if (stored.message.text === undefined) throw new ControlError(400, 'only texts can be edited');
  const entities = detectUserEntities(input.text);
  const { entities: _old, ...rest } = stored.message;
  stored.message = {
    ...rest,
    text: input.text,
    ...(entities.length ? { entities } : {}),
    edit_date: core.now(),
  };
  const edited = stored.message;
  core.updates.push((update_id) => ({ update_id, edited_message: edited }));
  core.notifyEdit(chat, 'edit');
  return edited;
}

/** A user shares a contact (their own by default, as the request_contact button does). */
export function shareContact(core: EmulatorCore, chat: ChatState, input: ContactInput): Message {
  const from = memberOf(core, chat, input.from);
  unblockOnWrite(core, chat, from.id);
  const reply = replyTo(core, chat, input.reply_to_message_id);
  return core.addUserMessage(chat, from, {
    contact: {
      phone_number: input.phone_number,
      first_name: input.first_name,
      ...(input.last_name ? { last_name: input.last_name } : {}),
      user_id: input.user_id ?? input.from,
    },
    ...(reply ? { reply_to_message: reply } : {}),
  });
}

/**
 * A user presses an inline button. Any `data` is accepted, not only the
 * buttons on the message, so tests can send crafted callback data.
 */
export function pressCallback(
  core: EmulatorCore,
  chat: ChatState,
  input: { from: number; message_id: number; data: string },
): { callback_query_id: string } {
  const from = memberOf(core, chat, input.from);
  const stored = core.state.findMessage(chat, input.message_id);
  if (!stored) throw new ControlError(404, `message ${input.message_id} not found`);
  const id = `${Date.now()}${randomId(6)}`.replace(/[^0-9a-zA-Z]/g, '0');
  core.callbacks.set(id, { chatId: chat.chat.id, answered: false, createdAt: Date.now() });
  core.updates.push((update_id) => ({
    update_id,
    callback_query: {
      id,
      from,
      message: stored.message,
      chat_instance: String(Math.abs(chat.chat.id * 7919) % 10 ** 18),
      data: input.data,
    },
  }));
  return { callback_query_id: id };
}

/**
 * A user pays an invoice: pre_checkout_query to the bot, then (if approved
 * within 10 s) a successful_payment service message.
 */
export async function payInvoice(
  core: EmulatorCore,
  chat: ChatState,
  input: { from: number; message_id: number },
): Promise<{ status: 'paid'; message: Message } | { status: 'failed'; error: string }> {
  const from = memberOf(core, chat, input.from);
  const stored = core.state.findMessage(chat, input.message_id);
  const invoice = stored?.message.invoice;
  if (!stored || !invoice)
    throw new ControlError(404, `message ${input.message_id} is not an invoice`);
  const paid = chat.messages.some(
    (m) =>
      m.message.successful_payment && m.message.reply_to_message?.message_id === input.message_id,
  );
  if (paid) return { status: 'failed', error: 'invoice already paid' };
  const queryId = `${Date.now()}${randomId(6)}`.replace(/[^0-9a-zA-Z]/g, '0');
  const payload = stored.invoice_payload ?? '';
  const answer = await new Promise<{ ok: true } | { ok: false; error: string }>((resolve) => {
    const timer = setTimeout(() => {
      core.preCheckouts.delete(queryId);
      resolve({
        ok: false,
        error: 'timeout: the bot did not answer the pre_checkout_query within 10 s',
      });
    }, PRE_CHECKOUT_TIMEOUT_MS);
    core.preCheckouts.set(queryId, {
      settle: (result) => {
        clearTimeout(timer);
        resolve(result);
      },
    });
    core.updates.push((update_id) => ({
      update_id,
      pre_checkout_query: {
        id: queryId,
        from,
        currency: invoice.currency,
        total_amount: invoice.total_amount,
        invoice_payload: payload,
      },
    }));
  });
  if (!answer.ok) return { status: 'failed', error: answer.error };
  const { reply_to_message: _n, ...invoiceMessage } = stored.message;
  const message = core.addUserMessage(chat, from, {
    reply_to_message: invoiceMessage,
    successful_payment: {
      currency: invoice.currency,
      total_amount: invoice.total_amount,
      invoice_payload: payload,
      telegram_payment_charge_id: `sandbox_${randomId(12)}`,
      provider_payment_charge_id: `provider_${randomId(12)}`,
    },
  });
  return { status: 'paid', message };
}
