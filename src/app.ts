import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { type ApiClientOptions, Bot, type Context, lazySession } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { type Background, clientOptions, createBackground } from './background';
import type { Config } from './config';
import { createChatLock } from './core/chat-lock';
import type { Clock } from './core/clock';
import { PRIVATE_COMMANDS } from './core/commands';
import type { BotContext, ConversationContext, SessionData } from './core/context';
import { createConversationKit, type KitDeps, type Who } from './core/conversation-kit/index';
import { afterFailedUpdate, createExitPath, onFlowExit } from './core/conversation-kit/exit';
import { FlowMessages } from './core/conversation-kit/flow-messages';
import { conversationStorageKey } from './core/conversation-kit/storage-key';
import { type Db, dialectOf, ownsItsState } from './core/db/index';
import { apologiseForFailedUpdate } from './core/failed-update';
import { type Feature, installStage, jobsOf } from './core/feature';
import { createI18n, type Locale, localeFromTelegram, type Translate } from './core/i18n';
import type { Logger } from './core/logger';
import { createMailer } from './core/mail/mailer';
import type { OutboxMail } from './core/mail/outbox';
import type { PacingOptions } from './core/outbox/pacer';
import { RenderPool } from './core/render-pool/index';
import { Residents } from './core/resident';
import { SecretInputGate, SecretVault, secretInput, secretLeftovers } from './core/secret-input';
import { KnexStorageAdapter } from './core/storage';
import { accountsFeature } from './features/accounts/index';
import { adminFeature } from './features/admin/index';
import { appealsFeature } from './features/appeals/index';
import { authFeature } from './features/auth/index';
import { mainMenuKeyboard } from './features/auth/keyboards';
import { balanceFeature } from './features/balance/index';
import { helpFeature } from './features/help/index';
import { guestKeyboard } from './features/help/keyboards';
import { languageFeature } from './features/language/index';
import { paymentsFeature } from './features/payments/index';
import { privacyFeature } from './features/privacy/index';
import { profileFeature } from './features/profile/index';
import { readingsFeature } from './features/readings/index';
import { receiptsFeature } from './features/receipts/index';
import { followAdminChatMigration } from './features/staff/follow-migration';
import { unhandledFeature } from './features/unhandled/index';
import { dedupeUpdates } from './run/processed-updates';
import { createServices, type FeatureDeps, type Services } from './services';

export { type Background, createBackground } from './background';
export { createServices, type Services, type ServiceDeps } from './services';

/** What the app is built from; created by `main.ts` (or a test) and passed in. */
export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** The one source of "now" (src/core/clock.ts): `systemClock` in production, a fixed instant in tests. */
  clock: Clock;
  /**
   * Where sessions, conversation state and secret-input marks live (`openStateDatabase`: on SQLite
   * a second file with `synchronous=NORMAL`). Default: `db`.
   */
  stateDb?: Db;
}

export interface BotOptions {
  token: string;
  /** Bot API server root: Telegram's by default, a self-hosted server, or the sandbox. */
  apiRoot?: string;
  /** Known bot identity; skips `getMe` at start (tests, and faster restarts). */
  botInfo?: UserFromGetMe;
  /** Webhook mode: remember processed `update_id`s so a redelivered update is handled once. */
  dedupeUpdates?: boolean;
  /** Sandbox: told of every letter written to the local outbox (when there is no SMTP). */
  onMailSent?: (mail: OutboxMail) => void;
  /**
   * The HTTP client every Bot API call goes through (the bot's, each conversation's, the outbox
   * worker's). Default: grammY's. The benchmark answers calls in-process with it (bench/transport.ts).
   */
  fetch?: ApiClientOptions['fetch'];
  /** The outbox worker's pacing; default Telegram's limits (tests raise it to provoke 429s). */
  outboxPacing?: Partial<PacingOptions>;
  /**
   * The render workers; default a new `RenderPool`. The benchmark passes one that renders on the
   * main thread, its baseline for the pool (bench/render.ts).
   */
  renderPool?: RenderPool;
}

/**
 * Bumped whenever conversation code changes shape, so state saved by an older release is
 * discarded instead of being replayed against different code.
 */
export const CONVERSATION_STATE_VERSION = 8;

/**
 * The features, in the order their commands are tried (stage by stage: see `core/feature.ts`).
 * The consent gate (privacy) runs before every feature's commands whatever its place here;
 * unhandled is the catch-all, last.
 */
const FEATURES: readonly ((deps: FeatureDeps) => Feature)[] = [
  authFeature,
  helpFeature,
  languageFeature,
  accountsFeature,
  balanceFeature,
  paymentsFeature,
  receiptsFeature,
  profileFeature,
  privacyFeature,
  readingsFeature,
  appealsFeature,
  adminFeature,
  unhandledFeature,
];

/** The main menu's reply-keyboard buttons: inside a flow each acts like a command. */
const MAIN_MENU_BUTTON_KEYS = [
  'button-balance',
  'button-reading',
  'button-accounts',
  'button-profile',
  'button-appeal',
  'button-help',
  'button-logout',
] as const;

/**
 * Builds the bot: every middleware and feature, nothing started. `main.ts` decides how updates
 * arrive (polling, webhook, sandbox); tests drive it the same way.
 */
export function createBot(deps: AppDeps, options: BotOptions): Bot<BotContext> {
  return createApp(deps, options).bot;
}

/** The bot, its services and its background work, sharing one set of services. Nothing started. */
export interface App {
  bot: Bot<BotContext>;
  services: Services;
  background: Background;
  /**
   * The render workers (PDFs, the chart): unstarted until the first render (or `warm()`, which
   * only the sandbox calls); idle threads exit; `close()` on stop, after the bot and background.
   */
  renderPool: RenderPool;
}

export function createApp(deps: AppDeps, options: BotOptions): App {
  const { config, db, logger } = deps;
  const stateDb = deps.stateDb ?? db;
  const texts = createI18n(config.defaultLocale, async () => undefined);
  const translate: Translate = (locale, key, vars) => texts.t(locale, key, vars);
  const mailer = createMailer(config.mail, deps.clock, logger, options.onMailSent);
  const renderPool = options.renderPool ?? new RenderPool();
  const services = createServices({ ...deps, mailer, translate });
  const bot = new Bot<BotContext>(options.token, {
    botInfo: options.botInfo,
    client: clientOptions(options),
  });
  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 });
  bot.api.config.use(retry);
  bot.api.config.use(followAdminChatMigration(services.adminChat, logger));

  // Who the sender is and which language they chose: read at most once per update.
  const residents = new Residents({
    user: async (telegramUserId) => {
      const user = await services.auth.currentUser(telegramUserId);
      return user ? { id: user.id, fullName: user.fullName, email: user.email } : undefined;
    },
    locale: (telegramUserId) => services.languages.chosenLocale(telegramUserId),
  });
  // The chosen language, else Telegram's — remembered for residents (at login and on their
  // updates), so notices to this chat caused by someone else (a logout everywhere, a co-holder)
  // are rendered in it too (LanguageService#localeOf). A guest's is not written: a guest gets no
  // notices, and a write on the main database per new chat would cost guest /start a disk sync.
  const telegramLocale = (ctx: Context) =>
    localeFromTelegram(ctx.from?.language_code, config.defaultLocale);
  const chosenLocale = async (ctx: Context): Promise<Locale | undefined> => {
    if (!ctx.from) return undefined;
    const chosen = await residents.locale(ctx.from.id);
    if (chosen) return chosen;
    const telegram = telegramLocale(ctx);
    if (services.languages.mayNote(ctx.from.id, telegram) && (await residents.user(ctx.from.id))) {
      await services.languages.noteTelegramLocale(ctx.from.id, telegram);
    }
    return telegram;
  };
  const i18n = createI18n<BotContext>(config.defaultLocale, chosenLocale);

  // One chat's updates strictly in order (the runner handles chats concurrently).
  bot.use(sequentialize((ctx) => [ctx.chat?.id, ctx.from?.id].filter(Boolean).map(String)));
  // Several instances on one PostgreSQL: one chat's updates one at a time across all of them.
  if (dialectOf(config.databaseUrl) === 'postgres')
    bot.use(createChatLock(config.databaseUrl, logger));
  bot.use((ctx, next) => {
    ctx.log = logger.child({ update_id: ctx.update.update_id });
    return next();
  });
  // Telegram always names the sender of what the bot handles; a crafted update without one is
  // dropped here rather than failing in every feature that (rightly) relies on `ctx.from`.
  bot.use((ctx, next) => {
    if (ctx.from) return next();
    ctx.log.info('update without a sender ignored');
    return Promise.resolve();
  });
  if (options.dedupeUpdates) bot.use(dedupeUpdates(db, deps.clock));
  bot.use(residents.middleware());
  bot.catch(
    apologiseForFailedUpdate({
      logger,
      translate: (locale, key, vars) => i18n.t(locale, key, vars),
      defaultLocale: config.defaultLocale,
      closeFlow: (ctx) => afterFailedUpdate(kit, ctx),
    }),
  );
  // Lazy: the row is read only by a handler that asks for it, not on every update.
  // In memory too (write-through) where this process owns the state (issue 12).
  const cached = ownsItsState(stateDb);
  const sessionStorage = new KnexStorageAdapter<SessionData>(stateDb, 'session:', deps.clock, {
    cached,
  });
  bot.use(lazySession<SessionData, BotContext>({ initial: () => ({}), storage: sessionStorage }));
  bot.use(i18n);

  // The menu a person is left with: the main menu for a resident, the welcome for a guest.
  const whoIs = async (telegramUserId: number): Promise<Who> =>
    (await residents.user(telegramUserId)) ? 'resident' : 'guest';
  const leave: KitDeps['leave'] = async (ctx, text, who, extra) => {
    if (who === 'resident') {
      // Just logged in or registered: their language is noted now, not at their next update.
      // Idempotent (a no-op when known), so safe where a conversation may run it again.
      if (ctx.from) await services.languages.noteTelegramLocale(ctx.from.id, telegramLocale(ctx));
      await ctx.reply(text, { reply_markup: extra?.markup ?? mainMenuKeyboard(ctx) });
      return;
    }
    await ctx.reply(text, { reply_markup: extra?.markup ?? { remove_keyboard: true } });
    if (extra?.welcome === false) return;
    await ctx.reply(ctx.t('start-welcome', { operator: config.operator.name }), {
      reply_markup: guestKeyboard(ctx),
    });
  };
  const showMenu = async (ctx: BotContext) => {
    if (ctx.chat?.type !== 'private' || !ctx.from) return;
    residents.forget(ctx.from.id); // shown after a logout: who they were a moment ago is stale
    if ((await whoIs(ctx.from.id)) === 'resident') return;
    await ctx.reply(ctx.t('start-welcome', { operator: config.operator.name }), {
      reply_markup: guestKeyboard(ctx),
    });
  };
  // Passwords, codes and linking proofs are taken out of updates before any conversation can
  // store them (see core/secret-input); the conversation kit arms and clears the mark.
  const gate = new SecretInputGate(stateDb, deps.clock, { cached });
  const vault = new SecretVault(deps.clock);
  const residentOf = async (telegramUserId: number) => {
    const resident = await residents.user(telegramUserId);
    return resident ? { userId: resident.id } : undefined;
  };
  const flowMessages = new FlowMessages(stateDb, deps.clock, { cached });
  const kit = createConversationKit({
    ...{ gate, vault, whoIs, residentOf, leave, flowMessages },
    ...{ outbox: services.outbox, residentMenu: mainMenuKeyboard },
  });

  const downloadFile = async (fileId: string): Promise<Readable> => {
    const file = await bot.api.getFile(fileId);
    if (!file.file_path) throw new Error('Telegram gave no file path');
    const root = options.apiRoot ?? 'https://api.telegram.org';
    const url = `${root}/file/bot${options.token}/${file.file_path}`;
    const response = await (options.fetch ?? fetch)(url);
    if (!response.ok || !response.body) throw new Error(`file download: ${response.status}`);
    return Readable.fromWeb(response.body as ReadableStream);
  };
  const featureDeps = { ...deps, services, kit, translate, renderPool, showMenu, downloadFile };
  const features = FEATURES.map((feature) => feature(featureDeps));

  // Money first: a payment that arrives while the resident is inside a flow is still recorded.
  installStage(bot, features, 'beforeFlows');
  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: 'key',
        version: CONVERSATION_STATE_VERSION,
        prefix: 'conv:',
        getStorageKey: conversationStorageKey,
        // Read on every update: from memory after the first, where this process owns the state.
        adapter: new KnexStorageAdapter(stateDb, '', deps.clock, { cached }),
      },
      plugins: [
        (ctx, next) => {
          ctx.log = logger.child({ update_id: ctx.update.update_id });
          // Conversations build their own Api object: transformers must be installed again.
          ctx.api.config.use(retry);
          return next();
        },
        createI18n<ConversationContext>(config.defaultLocale, chosenLocale),
      ],
      onExit: onFlowExit(kit),
    }),
  );
  bot.use(secretInput(gate, vault, PRIVATE_COMMANDS));
  // One exit path in front of every flow: cancel, a command or a main-menu button leaves it.
  bot.use(createExitPath({ kit, whoIs, leave, menuButtonKeys: MAIN_MENU_BUTTON_KEYS }));
  installStage(bot, features, 'conversations');
  bot.use(secretLeftovers(vault));
  installStage(bot, features, 'gate');
  installStage(bot, features, 'commands');
  installStage(bot, features, 'unhandled');

  const background = createBackground(deps, options, { ...services, jobs: jobsOf(features) });
  return { bot, services, background, renderPool };
}
