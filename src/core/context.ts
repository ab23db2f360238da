import type { Conversation, ConversationFlavor } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context, LazySessionFlavor } from 'grammy';
import type { Logger } from './logger';
import type { ResidentFlavor } from './resident';

/**
 * Per-chat state kept between updates, read lazily (`await ctx.session`) only by handlers that
 * need it. Features add optional fields; nothing personal and no
 * secrets belong here (passwords never, e-mails only while a conversation needs them).
 */
export type SessionData = Record<string, never>;

/** What every update's context carries besides grammY's own: a logger bound to the update. */
export interface LogFlavor {
  log: Logger;
}

/** The context of ordinary handlers. */
export type BotContext = ConversationFlavor<
  Context & LazySessionFlavor<SessionData> & I18nFlavor & LogFlavor & ResidentFlavor
>;

/**
 * The context inside conversations. Conversations replay from storage and build their own
 * contexts, so only what their `plugins` install is there: translation and the logger.
 */
export type ConversationContext = Context & I18nFlavor & LogFlavor;

export type BotConversation = Conversation<BotContext, ConversationContext>;
