import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Context, type MiddlewareFn, session } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config';
import { callbackData } from './core/callback-data';
import { createCancelFeature } from './core/cancel';
import type { BotContext, ConversationContext, SessionData } from './core/context';
import type { Db } from './core/db/index';
import { nowIso } from './core/db/index';
import { createI18n, type Locale } from './core/i18n';
import type { Logger } from './core/logger';
import { KnexStorageAdapter } from './core/storage';
import { createAdminFeature } from './features/admin/bot';
import { AuthService } from './features/auth/service';
import { createHelpFeature } from './features/help/bot';
import { guestKeyboard } from './features/help/keyboards';
import { createLanguageFeature } from './features/language/bot';
import {
  createLanguageConversation,
  LANGUAGE_CONVERSATION,
} from './features/language/conversations';
import { LanguageService } from './features/language/service';
import { createUnhandledFeature } from './features/unhandled/bot';

/** What the app is built from; created by `main.ts` (or a test) and passed in. */
export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
}

export interface BotOptions {
  token: string;
  /** Bot API server root: Telegram's by default, a self-hosted server, or the sandbox. */
  apiRoot?: string;
  /** Known bot identity; skips `getMe` at start (tests, and faster restarts). */
  botInfo?: UserFromGetMe;
  /** Webhook mode: remember processed `update_id`s so a redelivered update is handled once. */
  dedupeUpdates?: boolean;
}

/** The use cases, framework-free; a future Mini App or web cabinet reuses them unchanged. */
export interface Services {
  auth: AuthService;
  languages: LanguageService;
}

/**
 * Bumped whenever conversation code changes shape, so state saved by an older release is
 * discarded instead of being replayed against different code.
 */
export const CONVERSATION_STATE_VERSION = 1;

/** Leaving a conversation idle this long ends it; the next message is handled afresh. */
const CONVERSATION_IDLE_MS = 30 * 60 * 1000;

export const CANCEL_CALLBACK = callbackData('common', 'cancel');

export function createServices(db: Db): Services {
  return { auth: new AuthService(db), languages: new LanguageService(db) };
}

/**
 * Builds the bot: every middleware and feature, nothing started. `main.ts` decides how updates
 * arrive (polling, webhook, sandbox); tests drive it the same way.
 */
export function createBot(deps: AppDeps, options: BotOptions): Bot<BotContext> {
  const { config, db, logger } = deps;
  const services = createServices(db);
  const bot = new Bot<BotContext>(options.token, {
    botInfo: options.botInfo,
    client: options.apiRoot ? { apiRoot: options.apiRoot } : undefined,
  });

  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 });
  bot.api.config.use(retry);

  const chosenLocale = async (ctx: Context): Promise<Locale | undefined> =>
    ctx.from ? services.languages.chosenLocale(ctx.from.id) : undefined;
  const i18n = createI18n<BotContext>(config.defaultLocale, chosenLocale);
  const conversationI18n = createI18n<ConversationContext>(config.defaultLocale, chosenLocale);

  // One chat's updates strictly in order (the runner handles chats concurrently).
  bot.use(sequentialize((ctx) => [ctx.chat?.id, ctx.from?.id].filter(Boolean).map(String)));
  bot.use((ctx, next) => {
    ctx.log = logger.child({ update_id: ctx.update.update_id });
    return next();
  });
  if (options.dedupeUpdates) bot.use(dedupeUpdates(db));

  bot.catch(async (error) => {
    const { ctx } = error;
    (ctx.log ?? logger).error(
      { err: error.error, update_id: ctx.update.update_id },
      'update handling failed',
    );
    if (!ctx.chat) return;
    try {
      const text = ctx.t ? ctx.t('error-apology') : i18n.t(config.defaultLocale, 'error-apology');
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
      await ctx.api.sendMessage(ctx.chat.id, text);
    } catch (replyError) {
      logger.warn({ err: replyError }, 'could not send the apology');
    }
  });

  bot.use(
    session<SessionData, BotContext>({
      initial: () => ({}),
      storage: new KnexStorageAdapter<SessionData>(db, 'session:'),
    }),
  );
  bot.use(i18n);
  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: 'key',
        version: CONVERSATION_STATE_VERSION,
        prefix: 'conv:',
        adapter: new KnexStorageAdapter(db, ''),
      },
      plugins: [
        (ctx, next) => {
          ctx.log = logger.child({ update_id: ctx.update.update_id });
          // Conversations build their own Api object: transformers must be installed again.
          ctx.api.config.use(retry);
          return next();
        },
        conversationI18n,
      ],
    }),
  );

  const showMenu = async (ctx: BotContext) => {
    if (ctx.chat?.type !== 'private' || !ctx.from) return;
    if (await services.auth.currentUser(ctx.from.id)) return;
    await ctx.reply(ctx.t('start-welcome', { operator: config.operator.name }), {
      reply_markup: guestKeyboard(ctx),
    });
  };
  bot.use(createCancelFeature(CANCEL_CALLBACK, showMenu));

  bot.use(
    createConversation(createLanguageConversation(services.languages), {
      id: LANGUAGE_CONVERSATION,
      maxMillisecondsToWait: CONVERSATION_IDLE_MS,
    }),
  );

  bot.use(createHelpFeature({ config, auth: services.auth }));
  bot.use(createLanguageFeature());
  bot.use(createAdminFeature({ config }));
  bot.use(createUnhandledFeature({ menu: guestMenuFor(services.auth) }));
  return bot;
}

function guestMenuFor(auth: AuthService) {
  return async (ctx: BotContext) =>
    ctx.from && !(await auth.currentUser(ctx.from.id)) ? guestKeyboard(ctx) : undefined;
}

/** Webhook redeliveries: the first insert of an `update_id` wins; later copies are dropped. */
function dedupeUpdates(db: Db): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const inserted = await db('processed_updates')
      .insert({ update_id: ctx.update.update_id, at: nowIso() })
      .onConflict('update_id')
      .ignore()
      .returning('update_id');
    if (inserted.length === 0) {
      ctx.log.info('duplicate update ignored');
      return;
    }
    await next();
  };
}
