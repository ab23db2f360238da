import { randomBytes } from 'node:crypto';
import type { MiddlewareFn } from 'grammy';
import type { BotContext } from './context';
import type { Db } from './db/index';
import type { Clock } from './clock';
import { isCancelWord } from './conversation-kit/cancel-words';
import { KnexStorageAdapter, type StorageOptions } from './storage';

/** What a conversation sees instead of a secret: this prefix and a one-time token. */
const SECRET_TOKEN_PREFIX = 'secret:';

/**
 * The vault token a conversation received in place of a typed secret, or undefined when the text
 * is something else (the person typed while no secret was expected). Only this module knows the
 * token's shape.
 */
export function secretFrom(text: string | undefined): string | undefined {
  return text?.startsWith(SECRET_TOKEN_PREFIX) ? text.slice(SECRET_TOKEN_PREFIX.length) : undefined;
}

/**
 * How long a "the next text is a secret" mark holds. Longer than any conversation's idle limit on
 * purpose: a mark that lapsed while its conversation still waited would let a password through
 * into the conversation's stored updates. Marks only count while an auth conversation is active.
 */
const EXPECT_TTL_MS = 2 * 60 * 60 * 1000;
/** A secret lives in memory only for the one update that carried it; this is a safety net. */
const VAULT_TTL_MS = 60 * 1000;

/**
 * Plaintext secrets (passwords), in process memory only, for the few milliseconds between the
 * middleware that takes them out of the update and the service call inside the conversation.
 * Never written anywhere; each token can be taken once.
 */
export class SecretVault {
  private readonly secrets = new Map<string, { value: string; expires: number }>();

  constructor(private readonly clock: Clock) {}

  put(value: string): string {
    this.sweep();
    const token = randomBytes(16).toString('hex');
    this.secrets.set(token, { value, expires: this.clock().getTime() + VAULT_TTL_MS });
    return token;
  }

  take(token: string): string | undefined {
    const entry = this.secrets.get(token);
    this.secrets.delete(token);
    return entry && entry.expires > this.clock().getTime() ? entry.value : undefined;
  }

  private sweep(): void {
    const now = this.clock().getTime();
    for (const [token, entry] of this.secrets) if (entry.expires <= now) this.secrets.delete(token);
  }
}

/**
 * Marks, per chat and user, that the next text is a secret. Kept in the database (`kv_store`)
 * so it holds across restarts and instances, like the conversation that set it.
 */
export class SecretInputGate {
  private readonly marks: KnexStorageAdapter<{ until: number }>;

  /**
   * `cached`: keep the marks in memory too (write-through), where this process is their one
   * writer (SQLite, see `StorageOptions.cached`); then asking about a mark costs no read.
   */
  constructor(
    db: Db,
    private readonly clock: Clock,
    options: StorageOptions = {},
  ) {
    this.marks = new KnexStorageAdapter(db, 'secret-wait:', clock, options);
  }

  private key(chatId: number, userId: number): string {
    return `${chatId}:${userId}`;
  }

  /** Called by a conversation (inside `external`) right before it waits for a password. */
  async expect(chatId: number, userId: number): Promise<void> {
    await this.marks.write(this.key(chatId, userId), {
      until: this.clock().getTime() + EXPECT_TTL_MS,
    });
  }

  /** Removes the mark (every way out of a flow calls this: a mark must not outlive its question). */
  async clear(chatId: number, userId: number): Promise<void> {
    await this.marks.delete(this.key(chatId, userId));
  }

  /** Whether a secret is expected now; the mark is used up either way. */
  async consume(chatId: number, userId: number): Promise<boolean> {
    const key = this.key(chatId, userId);
    const mark = await this.marks.read(key);
    if (!mark) return false;
    await this.marks.delete(key);
    return mark.until > this.clock().getTime();
  }
}

/**
 * Keeps passwords out of conversation storage.
 *
 * Conversations (v2) store every update they wait for and replay it later, so a password typed
 * into one would be saved in `kv_store`. This middleware runs before the conversations: when a
 * conversation said it waits for a secret, it deletes the message from the chat, moves the text
 * into the in-memory {@link SecretVault} and rewrites the update's text to a one-time token. The
 * conversation stores and replays only the token; a service call inside `conversation.external`
 * redeems it (once) and keeps nothing but an argon2 hash.
 *
 * The bot's own commands, typed alone, pass through untouched (a resident typing /start is not
 * typing a password); anything else — even "/something" — is treated as the secret. The mark
 * counts only while a conversation is active, and every exit from a flow clears it (the
 * conversation kit's exit path and `onExit`), so nothing stays armed after a flow.
 */
export function secretInput(
  gate: SecretInputGate,
  vault: SecretVault,
  passThroughCommands: readonly string[],
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const message = ctx.message;
    if (ctx.chat?.type !== 'private' || !ctx.from || message?.text === undefined) return next();
    if (isKnownCommand(message.text, passThroughCommands) || isCancelWord(message.text)) {
      return next();
    }
    const active = await ctx.conversation.active();
    if (Object.keys(active).length === 0) return next();
    if (!(await gate.consume(ctx.chat.id, ctx.from.id))) return next();

    const token = vault.put(message.text);
    const writable = message as { text?: string; entities?: unknown };
    writable.text = `${SECRET_TOKEN_PREFIX}${token}`;
    delete writable.entities;
    await ctx.deleteMessage().catch((err: unknown) => {
      ctx.log.warn({ err }, 'could not delete a message carrying a secret');
    });
    return next();
  };
}

/**
 * Installed after every conversation: a secret swapped for a token that no flow took (its flow
 * timed out as the secret arrived) is never passed on as text — not to «I did not understand»,
 * not to «send it as an appeal». The token is discarded and the person told to start again.
 */
export function secretLeftovers(vault: SecretVault): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const token = secretFrom(ctx.message?.text);
    if (token === undefined) return next();
    vault.take(token);
    await ctx.reply(ctx.t('kit-secret-flow-ended'));
  };
}

/** "/start" or "/start@bot" exactly, for one of `commands`. */
function isKnownCommand(text: string, commands: readonly string[]): boolean {
  const match = /^\/([a-z0-9_]+)(@\w+)?$/i.exec(text.trim());
  return match?.[1] !== undefined && commands.includes(match[1].toLowerCase());
}
