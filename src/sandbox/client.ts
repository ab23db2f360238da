import type { TranscriptEntry } from './emulator/transcript.js';
import type {
  Chat,
  InlineKeyboardButton,
  KeyboardButton,
  Message,
  ReplyMarkup,
  User,
} from './emulator/types.js';

export type { TranscriptEntry };

/** A sandbox user as the control API lists it. */
export type SandboxUser = User & { blocked?: boolean };
/** A chat as the control API lists it; groups carry their members. */
export type SandboxChat = Chat & { member_ids?: number[] };
/** Anything with a message id and markup: a Message or a TranscriptEntry. */
export type MessageLike = { message_id: number; reply_markup?: ReplyMarkup };
export type PayResult = { status: 'paid'; message: Message } | { status: 'failed'; error: string };
export interface CallbackState {
  answered: boolean;
  text?: string;
  show_alert?: boolean;
  url?: string;
}
export interface FileUpload {
  data: Buffer;
  filename: string;
  mimeType?: string;
}

/** A failed control API call, carrying the HTTP status and the server's reason. */
export class SandboxClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxClientError';
  }
}

const DEFAULT_WAIT_MS = 10_000;

function describe(entry: TranscriptEntry): string {
  const who = entry.direction === 'out' ? 'bot' : (entry.from.first_name ?? String(entry.from.id));
  const body =
    entry.text ??
    (entry.caption !== undefined ? `[media] ${entry.caption}` : undefined) ??
    (entry.photo
      ? '[photo]'
      : entry.document
        ? `[document ${entry.document.file_name ?? ''}]`
        : undefined) ??
    (entry.invoice
      ? `[invoice ${entry.invoice.title} ${entry.invoice.total_amount}]`
      : undefined) ??
    (entry.successful_payment ? '[successful_payment]' : undefined) ??
    (entry.contact ? `[contact ${entry.contact.phone_number}]` : '[?]');
  const buttons =
    entry.reply_markup && 'inline_keyboard' in entry.reply_markup
      ? ` {${entry.reply_markup.inline_keyboard
          .flat()
          .map((b) => b.text)
          .join(' | ')}}`
      : entry.reply_markup && 'keyboard' in entry.reply_markup
        ? ` [${entry.reply_markup.keyboard
            .flat()
            .map((b) => b.text)
            .join(' | ')}]`
        : '';
  const flags = `${entry.edits ? ` (edited ×${entry.edits})` : ''}${entry.deleted ? ' (deleted)' : ''}`;
  return `#${entry.message_id} ${who}: ${body}${buttons}${flags}`;
}

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? text === pattern : pattern.test(text);
}

/**
 * Finds a button on a message by its text (exact string or regex) in an
 * inline or a reply keyboard; undefined when there is none.
 */
export function findButton(
  message: MessageLike,
  text: string | RegExp,
): InlineKeyboardButton | KeyboardButton | undefined {
  const markup = message.reply_markup;
  if (!markup) return undefined;
  const rows: Array<Array<InlineKeyboardButton | KeyboardButton>> =
    'inline_keyboard' in markup
      ? markup.inline_keyboard
      : 'keyboard' in markup
        ? markup.keyboard
        : [];
  return rows.flat().find((b) => matches(b.text, text));
}

/**
 * Typed client of the sandbox control API (CONTRACT.md): acts as Telegram
 * users do and observes what the bot did. End-to-end tests drive the real bot
 * through it; it also keeps a per-chat cursor so `nextBotMessage` reads the
 * bot's messages one after another without sleeping.
 */
export class SandboxClient {
  private readonly cursors = new Map<number, number>();

  constructor(readonly baseUrl: string) {}

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(`/sandbox/api/${path}`, this.baseUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data: unknown = await res.json().catch(() => ({}));
    if (!res.ok) {
      const reason =
        typeof data === 'object' && data !== null && 'error' in data
          ? String(data.error)
          : res.statusText;
      throw new SandboxClientError(res.status, `${method} ${path}: ${res.status} ${reason}`);
    }
    return data as T;
  }

  private advance(chatId: number, messageId: number): void {
    if (messageId > (this.cursors.get(chatId) ?? 0)) this.cursors.set(chatId, messageId);
  }

  info(): Promise<{ bot: { id: number; username: string; first_name: string }; extra: unknown }> {
    return this.request('GET', 'info');
  }

  users(): Promise<SandboxUser[]> {
    return this.request('GET', 'users');
  }

  chats(): Promise<SandboxChat[]> {
    return this.request('GET', 'chats');
  }

  createUser(input: {
    first_name: string;
    last_name?: string;
    username?: string;
    language_code?: string;
  }): Promise<User> {
    return this.request('POST', 'users', input);
  }

  createGroup(title: string, memberIds: number[]): Promise<SandboxChat> {
    return this.request('POST', 'groups', { title, member_ids: memberIds });
  }

  /** Upgrades a group to a supergroup: a new id; the old one answers with `migrate_to_chat_id`. */
  migrateGroup(chatId: number): Promise<SandboxChat> {
    return this.request('POST', `groups/${chatId}/migrate`);
  }

  async block(userId: number): Promise<void> {
    await this.request('POST', `users/${userId}/block`, { blocked: true });
  }

  async unblock(userId: number): Promise<void> {
    await this.request('POST', `users/${userId}/block`, { blocked: false });
  }

  /** Sends text as a user; commands and mentions get their entities. */
  async sendText(
    chatId: number,
    from: number,
    text: string,
    opts: { replyTo?: number } = {},
  ): Promise<Message> {
    const message = await this.request<Message>('POST', `chats/${chatId}/messages`, {
      from,
      text,
      ...(opts.replyTo !== undefined ? { reply_to_message_id: opts.replyTo } : {}),
    });
    this.advance(chatId, message.message_id);
    return message;
  }

  /** Edits the text of a message the user sent; the bot gets an `edited_message` update. */
  editText(chatId: number, from: number, messageId: number, text: string): Promise<Message> {
    return this.request<Message>('POST', `chats/${chatId}/messages/${messageId}/edit`, {
      from,
      text,
    });
  }

  /** Replies to a message (quoting it) with text. */
  reply(chatId: number, from: number, to: MessageLike | number, text: string): Promise<Message> {
    return this.sendText(chatId, from, text, {
      replyTo: typeof to === 'number' ? to : to.message_id,
    });
  }

  private async sendFile(
    kind: 'photo' | 'document',
    chatId: number,
    from: number,
    file: FileUpload,
    caption?: string,
    opts: { replyTo?: number } = {},
  ): Promise<Message> {
    const message = await this.request<Message>('POST', `chats/${chatId}/messages`, {
      from,
      [kind]: {
        filename: file.filename,
        mime_type: file.mimeType ?? (kind === 'photo' ? 'image/jpeg' : 'application/octet-stream'),
        base64: file.data.toString('base64'),
      },
      ...(caption !== undefined ? { caption } : {}),
      ...(opts.replyTo !== undefined ? { reply_to_message_id: opts.replyTo } : {}),
    });
    this.advance(chatId, message.message_id);
    return message;
  }

  /** Sends a photo as a user; `replyTo` makes it a Telegram reply to that message. */
  sendPhoto(
    chatId: number,
    from: number,
    file: FileUpload,
    caption?: string,
    opts: { replyTo?: number } = {},
  ): Promise<Message> {
    return this.sendFile('photo', chatId, from, file, caption, opts);
  }

  /** Sends a document as a user; `replyTo` makes it a Telegram reply to that message. */
  sendDocument(
    chatId: number,
    from: number,
    file: FileUpload,
    caption?: string,
    opts: { replyTo?: number } = {},
  ): Promise<Message> {
    return this.sendFile('document', chatId, from, file, caption, opts);
  }

  /** Shares a contact; by default the user's own (what request_contact sends). */
  async shareContact(
    chatId: number,
    from: number,
    contact: {
      phone_number: string;
      first_name: string;
      last_name?: string;
      user_id?: number;
      /** Makes it a Telegram reply to that message. */
      reply_to_message_id?: number;
    },
  ): Promise<Message> {
    const message = await this.request<Message>('POST', `chats/${chatId}/contact`, {
      from,
      ...contact,
    });
    this.advance(chatId, message.message_id);
    return message;
  }

  /** Sends raw callback data for a message (also crafted data, for IDOR tests). */
  async sendCallback(
    chatId: number,
    from: number,
    messageId: number,
    data: string,
  ): Promise<string> {
    const res = await this.request<{ callback_query_id: string }>(
      'POST',
      `chats/${chatId}/callback`,
      {
        from,
        message_id: messageId,
        data,
      },
    );
    return res.callback_query_id;
  }

  /** Presses an inline button found by text; returns the callback query id. */
  async pressButton(
    chatId: number,
    from: number,
    message: MessageLike,
    buttonText: string | RegExp,
  ): Promise<string> {
    const button = findButton(message, buttonText);
    if (!button || typeof button.callback_data !== 'string') {
      const available =
        message.reply_markup && 'inline_keyboard' in message.reply_markup
          ? message.reply_markup.inline_keyboard
              .flat()
              .map((b) => JSON.stringify(b.text))
              .join(', ')
          : 'none';
      throw new Error(
        `No inline callback button ${String(buttonText)} on message #${message.message_id}; buttons: ${available}`,
      );
    }
    return this.sendCallback(chatId, from, message.message_id, button.callback_data);
  }

  /** Presses a reply-keyboard button: sends its text (or the contact it requests). */
  async pressReplyButton(
    chatId: number,
    from: number,
    message: MessageLike,
    buttonText: string | RegExp,
  ): Promise<Message> {
    const button = findButton(message, buttonText);
    if (!button || (message.reply_markup && !('keyboard' in message.reply_markup))) {
      throw new Error(
        `No reply keyboard button ${String(buttonText)} on message #${message.message_id}`,
      );
    }
    if (button.request_contact === true) {
      const user = (await this.users()).find((u) => u.id === from);
      return this.shareContact(chatId, from, {
        phone_number: '+79990000000',
        first_name: user?.first_name ?? 'User',
      });
    }
    return this.sendText(chatId, from, button.text);
  }

  callbackState(id: string): Promise<CallbackState> {
    return this.request('GET', `callbacks/${encodeURIComponent(id)}`);
  }

  /** Waits (polling briefly) until the bot answers the callback query, then returns the answer. */
  async callbackAnswer(id: string, opts: { timeoutMs?: number } = {}): Promise<CallbackState> {
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_WAIT_MS);
    for (;;) {
      const state = await this.callbackState(id);
      if (state.answered) return state;
      if (Date.now() > deadline)
        throw new Error(`Callback query ${id} was not answered by the bot`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Pays an invoice message; resolves after the bot answered the pre-checkout query. */
  async pay(chatId: number, from: number, messageId: number): Promise<PayResult> {
    const result = await this.request<PayResult>('POST', `chats/${chatId}/pay`, {
      from,
      message_id: messageId,
    });
    if (result.status === 'paid') this.advance(chatId, result.message.message_id);
    return result;
  }

  transcript(chatId: number): Promise<TranscriptEntry[]> {
    return this.request('GET', `chats/${chatId}/transcript`);
  }

  /** The bytes of a stored file (no bot token needed). */
  async downloadFile(fileId: string): Promise<Buffer> {
    const res = await fetch(
      new URL(`/sandbox/api/files/${encodeURIComponent(fileId)}`, this.baseUrl),
    );
    if (!res.ok) throw new SandboxClientError(res.status, `file ${fileId}: ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  mail(): Promise<Array<{ id: string; to: string; subject: string; text: string; date: string }>> {
    return this.request('GET', 'mail');
  }

  async setRateLimits(enabled: boolean): Promise<void> {
    await this.request('POST', 'settings', { rate_limits: enabled });
  }

  /**
   * The next bot message in the chat after `after` (default: the last message
   * this client sent or read there), via the server's long-poll. On timeout
   * throws an error quoting the end of the transcript, so failures explain
   * themselves.
   */
  async nextBotMessage(
    chatId: number,
    opts: { after?: number; timeoutMs?: number } = {},
  ): Promise<TranscriptEntry> {
    const after = opts.after ?? this.cursors.get(chatId) ?? 0;
    const timeout = opts.timeoutMs ?? DEFAULT_WAIT_MS;
    const res = await fetch(
      new URL(`/sandbox/api/chats/${chatId}/wait?after=${after}&timeout=${timeout}`, this.baseUrl),
    );
    if (res.status === 408) {
      const tail = (await this.transcript(chatId)).slice(-8).map(describe).join('\n  ');
      throw new Error(
        `No bot message in chat ${chatId} after #${after} within ${timeout} ms. Last messages:\n  ${tail || '(empty chat)'}`,
      );
    }
    if (!res.ok) throw new SandboxClientError(res.status, `wait in chat ${chatId}: ${res.status}`);
    const entry = (await res.json()) as TranscriptEntry;
    this.advance(chatId, entry.message_id);
    return entry;
  }

  /** Same as the exported `findButton`, for tests that only hold the client. */
  findButton(
    message: MessageLike,
    text: string | RegExp,
  ): InlineKeyboardButton | KeyboardButton | undefined {
    return findButton(message, text);
  }

  /** The bot's messages in the chat with ids above `after` (no waiting). */
  async botMessagesAfter(chatId: number, after: number): Promise<TranscriptEntry[]> {
    return (await this.transcript(chatId)).filter(
      (e) => e.direction === 'out' && e.message_id > after,
    );
  }

  /**
   * Waits until the transcript satisfies a condition (e.g. an edit landed),
   * for changes `nextBotMessage` cannot see because no new message appears.
   */
  async waitForTranscript(
    chatId: number,
    predicate: (entries: TranscriptEntry[]) => boolean,
    opts: { timeoutMs?: number } = {},
  ): Promise<TranscriptEntry[]> {
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_WAIT_MS);
    for (;;) {
      const entries = await this.transcript(chatId);
      if (predicate(entries)) return entries;
      if (Date.now() > deadline) {
        throw new Error(
          `Transcript of chat ${chatId} never matched. Last messages:\n  ${entries.slice(-8).map(describe).join('\n  ')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
