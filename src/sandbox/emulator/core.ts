import { ApiError, badRequest } from './api-error.js';
import type { EventHub } from './events.js';
import { extensionFor, imageSize, mimeFor } from './image-size.js';
import type { Params } from './params.js';
import type { RateLimiter } from './rate-limiter.js';
import type { ChatState, SandboxState, StoredFile, StoredMessage } from './state.js';
import type { Document, Message, PhotoSize, ReplyMarkup, User } from './types.js';
import type { UpdateStore } from './update-store.js';
import type { WebhookDeliverer } from './webhook-deliverer.js';

/** Logger shape accepted from the host (pino-compatible). */
export interface EmulatorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface CallbackRecord {
  chatId: number;
  answered: boolean;
  createdAt: number;
  text?: string;
  show_alert?: boolean;
  url?: string;
}

export interface PreCheckoutRecord {
  settle: (result: { ok: true } | { ok: false; error: string }) => void;
}

/** Behaviour switches from EmulatorOptions that the methods consult. */
export interface CoreOptions {
  /** 403 on sends to a private chat whose user never wrote to the bot. */
  strictPrivateChats: boolean;
}

/** How long a callback query may stay unanswered before it is "too old". */
export const CALLBACK_TTL_MS = 15 * 60 * 1000;

/**
 * Everything one emulator instance owns, shared by the Bot API methods and
 * the control API: the world state, pending updates, notifications, limits.
 */
export class EmulatorCore {
  readonly callbacks = new Map<string, CallbackRecord>();
  readonly preCheckouts = new Map<string, PreCheckoutRecord>();

  constructor(
    readonly state: SandboxState,
    readonly updates: UpdateStore,
    readonly events: EventHub,
    readonly limiter: RateLimiter,
    readonly webhook: WebhookDeliverer,
    readonly logger: EmulatorLogger,
    readonly markDirty: () => void,
    readonly options: CoreOptions = { strictPrivateChats: false },
  ) {}

  get bot(): User {
    return this.state.bot;
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }

  /** The chat a bot addresses, or Telegram's 400/403 errors. */
  targetChat(p: Params): ChatState {
    const raw = p.raw.chat_id;
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
    const chat = this.state.findChat(typeof raw === 'number' ? raw : String(raw));
    if (!chat) throw badRequest('chat not found');
    if (chat.migrated_to !== undefined) {
      throw new ApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: chat.migrated_to,
      });
    }
    if (chat.chat.type === 'private' && this.state.users.get(chat.chat.id)?.blocked) {
      throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    }
    if (
      chat.chat.type === 'private' &&
      this.options.strictPrivateChats &&
      !chat.messages.some((m) => m.direction === 'in')
    ) {
      throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
    }
    return chat;
  }

  /** Applies rate limits for one outgoing message. */
  throttle(chat: ChatState): void {
    this.limiter.check(chat.chat.id, chat.chat.type !== 'private');
  }

  /** Resolves `reply_parameters` / legacy `reply_to_message_id`. */
  replyTarget(chat: ChatState, p: Params): Message | undefined {
    const params = p.json('reply_parameters');
    let id = p.int('reply_to_message_id');
    let allowWithout = p.bool('allow_sending_without_reply') ?? false;
    if (params && typeof params === 'object' && !Array.isArray(params)) {
      const rp = params as Record<string, unknown>;
      if (typeof rp.message_id === 'number') id = rp.message_id;
      if (rp.allow_sending_without_reply === true) allowWithout = true;
    }
    if (id === undefined || id === 0) return undefined;
    const target = this.state.findMessage(chat, id);
    if (!target) {
      if (allowWithout) return undefined;
      throw badRequest('message to be replied not found');
    }
    const { reply_to_message: _nested, ...flat } = target.message;
    return flat;
  }

  /** Stores a bot message and tells watchers (SSE, `/wait`). */
  addBotMessage(
    chat: ChatState,
    fields: Omit<Message, 'message_id' | 'chat' | 'date' | 'from'>,
    markup?: ReplyMarkup,
  ): StoredMessage {
    const stored = this.state.addMessage(
      chat,
      'out',
      (message_id) => {
        const message: Message = {
          message_id,
          from: this.bot,
          chat: chat.chat,
          date: this.now(),
          ...fields,
        };
        if (markup && 'inline_keyboard' in markup) message.reply_markup = markup;
        return message;
      },
      markup,
    );
    this.markDirty();
    this.events.emit({ type: 'message', chat_id: chat.chat.id });
    this.events.botMessage(chat.chat.id, stored.message.message_id);
    return stored;
  }

  /** Stores a user's message and queues the `message` update for the bot. */
  addUserMessage(
    chat: ChatState,
    from: User,
    fields: Omit<Message, 'message_id' | 'chat' | 'date' | 'from'>,
  ): Message {
    const stored = this.state.addMessage(chat, 'in', (message_id) => ({
      message_id,
      from,
      chat: chat.chat,
      date: this.now(),
      ...fields,
    }));
    this.markDirty();
    this.updates.push((update_id) => ({ update_id, message: stored.message }));
    this.events.emit({ type: 'message', chat_id: chat.chat.id });
    return stored.message;
  }

  notifyEdit(chat: ChatState, type: 'edit' | 'delete'): void {
    this.markDirty();
    this.events.emit({ type, chat_id: chat.chat.id });
  }

  /** Photo sizes for a stored image (one size: the original). */
  photoSizes(file: StoredFile): PhotoSize[] {
    return [
      {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        width: file.width ?? 800,
        height: file.height ?? 600,
        file_size: file.bytes.length,
      },
    ];
  }

  documentOf(file: StoredFile): Document {
    const doc: Document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.bytes.length,
    };
    if (file.file_name) doc.file_name = file.file_name;
    doc.mime_type = file.mime_type;
    return doc;
  }

  /** Stores uploaded bytes as a Telegram file. */
  storeUpload(
    kind: 'photos' | 'documents',
    data: Buffer,
    filename: string,
    contentType: string,
  ): StoredFile {
    const mime = mimeFor(filename, contentType || 'application/octet-stream');
    const size = kind === 'photos' ? imageSize(data) : undefined;
    return this.state.addFile({
      bytes: data,
      mime_type: kind === 'photos' ? (mime.startsWith('image/') ? mime : 'image/jpeg') : mime,
      file_name: kind === 'documents' ? filename : undefined,
      kind,
      ext: kind === 'photos' ? 'jpg' : extensionFor(mime, filename),
      ...(size ?? {}),
    });
  }

  /**
   * Resolves an InputFile parameter: `attach://name`, a part named like the
   * field, an existing `file_id`, or (unreachable offline) an HTTP URL.
   */
  inputFile(p: Params, value: unknown, field: string, kind: 'photos' | 'documents'): StoredFile {
    if (typeof value === 'string' && value.startsWith('attach://')) {
      const part = p.files.get(value.slice('attach://'.length));
      if (!part) throw badRequest(`wrong file identifier/HTTP URL specified`);
      return this.storeUpload(kind, part.data, part.filename, part.contentType);
    }
    const direct = p.files.get(field);
    if ((value === undefined || value === '') && direct) {
      return this.storeUpload(kind, direct.data, direct.filename, direct.contentType);
    }
    if (typeof value !== 'string' || value === '')
      throw badRequest(`there is no ${field} in the request`);
    if (/^https?:\/\//i.test(value)) throw badRequest('failed to get HTTP URL content');
    const existing = this.state.files.get(value);
    if (!existing) throw badRequest('wrong file identifier/HTTP URL specified');
    return existing;
  }
}
