import { randomBytes } from 'node:crypto';
import type { BotCommand, Chat, Message, ReplyMarkup, User } from './types.js';

/** A message as the sandbox remembers it: the Bot API object plus bookkeeping. */
export interface StoredMessage {
  message: Message;
  /** "in" = user to bot, "out" = bot to user (CONTRACT.md). */
  direction: 'in' | 'out';
  /** Any markup, including reply keyboards, which Message itself never carries. */
  reply_markup?: ReplyMarkup;
  edits: number;
  deleted: boolean;
  /** The bot's private invoice payload, revealed only in pre_checkout_query. */
  invoice_payload?: string;
}

export interface ChatState {
  chat: Chat;
  member_ids?: number[];
  messages: StoredMessage[];
  nextMessageId: number;
  /** Set when this group was upgraded to a supergroup: Telegram then answers with the new id. */
  migrated_to?: number;
}

export interface UserState {
  user: User;
  blocked: boolean;
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  mime_type: string;
  file_name?: string;
  width?: number;
  height?: number;
  bytes: Buffer;
}

/** The persistent part of the sandbox world (what `stateFile` holds). */
export interface Snapshot {
  version: 1;
  nextUserId: number;
  nextGroupId: number;
  nextFileNo: number;
  users: UserState[];
  chats: ChatState[];
  files: Array<Omit<StoredFile, 'bytes'> & { base64: string }>;
  commands: Array<[string, BotCommand[]]>;
  profile: Record<string, unknown>;
}

const FIRST_USER_ID = 100000001;
const FIRST_GROUP_ID = -1001000000001;

/** A random id in Telegram's alphabet (base64url). */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * All chats, users, messages and files of one emulator instance. Plain data
 * held by the instance (never module-level), so several emulators can share a
 * test process.
 */
export class SandboxState {
  nextUserId = FIRST_USER_ID;
  nextGroupId = FIRST_GROUP_ID;
  nextFileNo = 1;
  readonly users = new Map<number, UserState>();
  readonly chats = new Map<number, ChatState>();
  readonly files = new Map<string, StoredFile>();
  /** Bot commands keyed by `${scopeKey}|${language_code}`. */
  readonly commands = new Map<string, BotCommand[]>();
  /** Name, descriptions, menu buttons: accepted and echoed back. */
  readonly profile: Record<string, unknown> = {};

  constructor(readonly bot: User) {}

  createUser(input: {
    first_name: string;
    last_name?: string;
    username?: string;
    language_code?: string;
  }): User {
    const user: User = { id: this.nextUserId++, is_bot: false, first_name: input.first_name };
    if (input.last_name) user.last_name = input.last_name;
    if (input.username) user.username = input.username;
    if (input.language_code) user.language_code = input.language_code;
    this.users.set(user.id, { user, blocked: false });
    const chat: Chat = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name) chat.last_name = user.last_name;
    if (user.username) chat.username = user.username;
    this.chats.set(chat.id, { chat, messages: [], nextMessageId: 1 });
    return user;
  }

  createGroup(title: string, memberIds: number[]): ChatState {
    const chat: Chat = { id: this.nextGroupId--, type: 'supergroup', title };
    const state: ChatState = {
      chat,
      member_ids: [...new Set(memberIds)],
      messages: [],
      nextMessageId: 1,
    };
    this.chats.set(chat.id, state);
    return state;
  }

  /**
   * Upgrades a group to a supergroup, as Telegram does when a group grows or gets a public link:
   * a new chat id with the same members; the old id answers 400 with `migrate_to_chat_id`.
   */
  migrateGroup(id: number): ChatState | undefined {
    const old = this.chats.get(id);
    if (!old || old.chat.type === 'private' || old.migrated_to !== undefined) return undefined;
    const fresh = this.createGroup(old.chat.title ?? '', old.member_ids ?? []);
    old.migrated_to = fresh.chat.id;
    return fresh;
  }

  /** Resolves a Bot API `chat_id` (number or "@username") to a chat. */
  findChat(chatId: number | string | undefined): ChatState | undefined {
    if (chatId === undefined) return undefined;
    if (typeof chatId === 'string' && chatId.startsWith('@')) {
      const name = chatId.slice(1).toLowerCase();
      for (const c of this.chats.values()) if (c.chat.username?.toLowerCase() === name) return c;
      return undefined;
    }
    const id = Number(chatId);
    return Number.isInteger(id) ? this.chats.get(id) : undefined;
  }

  findMessage(chat: ChatState, messageId: number): StoredMessage | undefined {
    return chat.messages.find((m) => m.message.message_id === messageId && !m.deleted);
  }

  isMember(chat: ChatState, userId: number): boolean {
    return chat.chat.type === 'private'
      ? chat.chat.id === userId
      : (chat.member_ids ?? []).includes(userId);
  }

  /** Appends a message with the chat's next id, as Telegram numbers them. */
  addMessage(
    chat: ChatState,
    direction: 'in' | 'out',
    build: (id: number) => Message,
    markup?: ReplyMarkup,
  ): StoredMessage {
    const message = build(chat.nextMessageId++);
    const stored: StoredMessage = { message, direction, edits: 0, deleted: false };
    if (markup) stored.reply_markup = markup;
    chat.messages.push(stored);
    return stored;
  }

  addFile(input: {
    bytes: Buffer;
    mime_type: string;
    file_name?: string;
    kind: string;
    ext: string;
    width?: number;
    height?: number;
  }): StoredFile {
    const no = this.nextFileNo++;
    const file: StoredFile = {
      file_id: `${input.kind.slice(0, 2).toUpperCase()}${randomId(18)}`,
      file_unique_id: randomId(8),
      file_path: `${input.kind}/file_${no}.${input.ext}`,
      mime_type: input.mime_type,
      bytes: input.bytes,
    };
    if (input.file_name) file.file_name = input.file_name;
    if (input.width !== undefined) file.width = input.width;
    if (input.height !== undefined) file.height = input.height;
    this.files.set(file.file_id, file);
    return file;
  }

  /**
   * What the state file keeps. Deleted messages are left out: the bot deletes a message that
   * carried a password, a code or a linking proof at once, and it must not live on in a JSON file
   * on disk (DESIGN "Security"). The chat's `nextMessageId` stays, so ids are never reused.
   */
  snapshot(): Snapshot {
    return {
      version: 1,
      nextUserId: this.nextUserId,
      nextGroupId: this.nextGroupId,
      nextFileNo: this.nextFileNo,
      users: [...this.users.values()],
      chats: [...this.chats.values()].map((chat) => ({
        ...chat,
        messages: chat.messages.filter((stored) => !stored.deleted),
      })),
      files: [...this.files.values()].map(({ bytes, ...rest }) => ({
        ...rest,
        base64: bytes.toString('base64'),
      })),
      commands: [...this.commands.entries()],
      profile: this.profile,
    };
  }

  restore(s: Snapshot): void {
    this.nextUserId = s.nextUserId;
    this.nextGroupId = s.nextGroupId;
    this.nextFileNo = s.nextFileNo;
    for (const u of s.users) this.users.set(u.user.id, u);
    for (const c of s.chats) this.chats.set(c.chat.id, c);
    for (const { base64, ...f } of s.files)
      this.files.set(f.file_id, { ...f, bytes: Buffer.from(base64, 'base64') });
    for (const [k, v] of s.commands) this.commands.set(k, v);
    Object.assign(this.profile, s.profile);
  }
}
