/**
 * An in-process Bot API for the benchmark: a `fetch` that answers every call with a canned
 * `{ ok: true, result }` (no sockets), and remembers the last message sent to each chat so a
 * scripted resident can read it and press its buttons. The real bot and the bare grammY baseline
 * both go through it, so the transport costs the same on both sides.
 */
import type { InlineKeyboardMarkup, Update } from 'grammy/types';
import { ApiError } from '../src/sandbox/emulator/api-error';
import { multipartBoundary, parseMultipart } from '../src/sandbox/emulator/multipart';
import { RateLimiter } from '../src/sandbox/emulator/rate-limiter';

export interface SentMessage {
  message_id: number;
  chat_id: number;
  text: string;
  reply_markup?: unknown;
  /** A file sent with its bytes (multipart: a receipt, a chart): its size and kind. */
  file?: { bytes: number; kind: 'pdf' | 'png' | 'other' };
}

export interface Transport {
  fetch: typeof fetch;
  /** Messages the bot sent to a chat since the last `take(chat)`. */
  take(chatId: number): SentMessage[];
  /** Bot API calls answered so far, by method. */
  calls: Map<string, number>;
  /** Sends refused with 429 (only with `rateLimits`). */
  refused: number;
}

export interface TransportOptions {
  /**
   * Telegram's flood limits as the sandbox emulator enforces them (src/sandbox/emulator/
   * rate-limiter.ts): 30 messages/s overall, ~1/s per private chat (burst 3), 20/min per group;
   * beyond them a send is answered 429 with `retry_after`, as Telegram does. Default off.
   */
  rateLimits?: boolean;
}

/** Methods that post a message: the ones Telegram's flood limits count. */
const SENDS = new Set(['sendMessage', 'sendPhoto', 'sendDocument']);

const BOT_USER = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Абонент',
  username: 'abonent_bench_bot',
};

export function createTransport(options: TransportOptions = {}): Transport {
  const inbox = new Map<number, SentMessage[]>();
  const calls = new Map<string, number>();
  const limiter = new RateLimiter(options.rateLimits ?? false);
  let refused = 0;
  let nextMessageId = 1;
  const answer = (
    method: string,
    payload: Record<string, unknown>,
    file?: SentMessage['file'],
  ): unknown => {
    calls.set(method, (calls.get(method) ?? 0) + 1);
    const chatId = Number(payload.chat_id);
    if (SENDS.has(method)) limiter.check(chatId, chatId < 0);
    switch (method) {
      case 'sendMessage':
      case 'sendPhoto':
      case 'sendDocument':
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const message_id =
          method.startsWith('edit') && payload.message_id
            ? Number(payload.message_id)
            : nextMessageId++;
        const text = String(payload.text ?? payload.caption ?? '');
        const sent: SentMessage = {
          message_id,
          chat_id: chatId,
          text,
          reply_markup: payload.reply_markup,
          ...(file ? { file } : {}),
        };
        if (method !== 'editMessageReplyMarkup' || text) {
          const list = inbox.get(chatId) ?? [];
          list.push(sent);
          inbox.set(chatId, list);
        }
        return {
          message_id,
          date: 1_700_000_000,
          chat: { id: chatId, type: 'private', first_name: 'Анна' },
          from: BOT_USER,
          text,
          ...(payload.reply_markup ? { reply_markup: payload.reply_markup } : {}),
        };
      }
      case 'getMe':
        return BOT_USER;
      default:
        return true;
    }
  };
  const fakeFetch = (async (
    input: unknown,
    init?: { body?: unknown; headers?: Record<string, string> },
  ) => {
    const url = String(input);
    const method = url.slice(url.lastIndexOf('/') + 1);
    let payload: Record<string, unknown>;
    let file: SentMessage['file'];
    if (typeof init?.body === 'string') {
      payload = JSON.parse(init.body) as Record<string, unknown>;
    } else if (init?.body && Symbol.asyncIterator in (init.body as object)) {
      // A file upload: grammY streams multipart/form-data; read it all, as Telegram would.
      const chunks: Buffer[] = [];
      for await (const chunk of init.body as AsyncIterable<Uint8Array>) {
        chunks.push(Buffer.from(chunk));
      }
      const boundary = multipartBoundary(init.headers?.['content-type'] ?? '') ?? '';
      const parts = parseMultipart(Buffer.concat(chunks), boundary);
      payload = parts.fields;
      const upload = [...parts.files.values()][0];
      if (upload) {
        const head = upload.data.subarray(0, 5).toString('latin1');
        file = {
          bytes: upload.data.length,
          kind: head === '%PDF-' ? 'pdf' : head.slice(1, 4) === 'PNG' ? 'png' : 'other',
        };
      }
    } else {
      payload = {};
    }
    try {
      const result = answer(method, payload, file);
      return { json: async () => ({ ok: true, result }) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      refused++;
      return { json: async () => error.toJSON() };
    }
  }) as unknown as typeof fetch;
  return {
    fetch: fakeFetch,
    get refused() {
      return refused;
    },
    take(chatId) {
      const list = inbox.get(chatId) ?? [];
      inbox.delete(chatId);
      return list;
    },
    calls,
  };
}

let updateId = 1;

/** A private-chat text message from `userId`, as Telegram delivers it (commands get an entity). */
export function textUpdate(userId: number, text: string): Update {
  const from = { id: userId, is_bot: false, first_name: 'Анна', language_code: 'ru' };
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: 1_700_000_000,
      chat: { id: userId, type: 'private', first_name: 'Анна' },
      from,
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
        : {}),
    },
  } as Update;
}

/** A press of the inline button whose text matches `button` under `message`, or undefined. */
export function pressUpdate(
  userId: number,
  message: SentMessage,
  button: RegExp,
): Update | undefined {
  const markup = message.reply_markup as InlineKeyboardMarkup | undefined;
  const found = markup?.inline_keyboard
    ?.flat()
    .find((b) => button.test(b.text) && 'callback_data' in b);
  if (!found || !('callback_data' in found)) return undefined;
  const from = { id: userId, is_bot: false, first_name: 'Анна', language_code: 'ru' };
  return {
    update_id: updateId++,
    callback_query: {
      id: String(updateId),
      from,
      chat_instance: String(userId),
      data: found.callback_data,
      message: {
        message_id: message.message_id,
        date: 1_700_000_000,
        chat: { id: userId, type: 'private', first_name: 'Анна' },
        from: BOT_USER,
        text: message.text,
        reply_markup: markup,
      },
    },
  } as Update;
}

/** The buttons of a message, inline and reply keyboard, as texts. */
export function buttonsOf(message: SentMessage | undefined): string[] {
  const markup = message?.reply_markup as
    | { inline_keyboard?: { text: string }[][]; keyboard?: ({ text: string } | string)[][] }
    | undefined;
  return [...(markup?.inline_keyboard?.flat() ?? []), ...(markup?.keyboard?.flat() ?? [])].map(
    (b) => (typeof b === 'string' ? b : b.text),
  );
}
