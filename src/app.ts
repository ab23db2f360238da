import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import { Api, type ApiClientOptions, Bot, type Context, lazySession } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from './config';
import { AuditLog } from './core/audit';
import type { Clock } from './core/clock';
import { PRIVATE_COMMANDS } from './core/commands';
import {
  type ConversationKit,
  createConversationKit,
  FLOW_IDLE_MS,
  type FlowContext,
  KIT_CANCEL,
  type Markup,
  type Who,
} from './core/conversation-kit/index';
import { createExitPath } from './core/conversation-kit/exit';
import type { BotContext, ConversationContext, SessionData } from './core/context';
import type { Db } from './core/db/index';
import { createChatLock } from './core/chat-lock';
import { dialectOf, ownsItsState } from './core/db/index';
import { dedupeUpdates } from './core/dedupe-updates';
import { createI18n, type Locale } from './core/i18n';
import type { Logger } from './core/logger';
import { createMailer, type Mailer } from './core/mail/mailer';
import type { OutboxMail } from './core/mail/outbox';
import { OUTBOX_PRIORITY, Outbox } from './core/outbox/outbox';
import type { PacingOptions } from './core/outbox/pacer';
import { OutboxWorker } from './core/outbox/worker';
import { RateLimiter } from './core/rate-limit';
import { type RenderPdf, RenderPool } from './core/render-pool/index';
import { Scheduler } from './core/scheduler';
import { SecretInputGate, SecretVault, secretInput } from './core/secret-input';
import { Residents } from './core/resident';
import { KnexStorageAdapter } from './core/storage';
import { createAccountsFeature } from './features/accounts/bot';
import { createLinkConversation, LINK_CONVERSATION } from './features/accounts/conversations';
import {
  LINK_MAX_FAILURES_PER_ACCOUNT,
  LINK_MAX_FAILURES_PER_USER,
  LINK_WINDOW_MS,
} from './features/accounts/rules';
import { AccountsService } from './features/accounts/service';
import { createAdminFeature } from './features/admin/bot';
import { createAppealsFeature } from './features/appeals/bot';
import { exportData } from './features/billing/exchange/export';
import { APPEAL_CONVERSATION, createAppealConversation } from './features/appeals/conversations';
import { AppealsService } from './features/appeals/service';
import { followAdminChatMigration } from './features/staff/follow-migration';
import { StaffLookup } from './features/staff/lookup';
import { AdminChat, StaffService } from './features/staff/service';
import { BroadcastProgressLine } from './features/broadcast/progress';
import { BroadcastService } from './features/broadcast/service';
import { progressText } from './features/broadcast/views';
import { importStream } from './features/billing/exchange/import';
import { Readable } from 'node:stream';
import { createAuthFeature } from './features/auth/bot';
import {
  createLoginConversation,
  createRecoverConversation,
  createRegisterConversation,
  LOGIN_CONVERSATION,
  RECOVER_CONVERSATION,
  REGISTER_CONVERSATION,
} from './features/auth/conversations';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, PasswordPolicy } from './features/auth/rules';
import { mainMenuKeyboard } from './features/auth/keyboards';
import { AuthService, createAuthLimiters, type Translate } from './features/auth/service';
import { createBalanceFeature } from './features/balance/bot';
import { BalanceService } from './features/balance/service';
import { createHelpFeature } from './features/help/bot';
import { guestKeyboard } from './features/help/keyboards';
import { createLanguageFeature } from './features/language/bot';
import {
  createLanguageConversation,
  LANGUAGE_CONVERSATION,
} from './features/language/conversations';
import { LanguageService } from './features/language/service';
import { createConsentGate } from './features/privacy/bot';
import { createRightsFeature } from './features/privacy/rights/bot';
import {
  createWithdrawConversation,
  WITHDRAW_CONVERSATION,
  WITHDRAW_IDLE_MS,
} from './features/privacy/rights/conversations';
import { RightsService } from './features/privacy/rights/service';
import { ConsentService } from './features/privacy/service';
import { LedgerService } from './features/ledger/service';
import { createPaymentsFeature, createPaymentUpdates } from './features/payments/bot';
import {
  createPayAmountConversation,
  PAY_AMOUNT_CONVERSATION,
} from './features/payments/conversations';
import { qrPayeeOverBudget } from './features/payments/rules';
import { payeeOf, PaymentsService } from './features/payments/service';
import { createProfileFeature } from './features/profile/bot';
import { createReceiptsFeature } from './features/receipts/bot';
import { ReceiptDelivery } from './features/receipts/delivery';
import { ReceiptsService } from './features/receipts/service';
import {
  createProfileEditConversation,
  createProfileEmailConversation,
  createProfilePasswordConversation,
  PROFILE_EDIT_CONVERSATION,
  PROFILE_EMAIL_CONVERSATION,
  PROFILE_PASSWORD_CONVERSATION,
} from './features/profile/conversations';
import { ProfileService } from './features/profile/service';
import { createReadingsFeature } from './features/readings/bot';
import { createReadingConversation, READING_CONVERSATION } from './features/readings/conversations';
import { ReadingReviews } from './features/readings/review';
import { ReadingReminders, ReadingsService } from './features/readings/service';
import { createUnhandledFeature } from './features/unhandled/bot';

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
}

/** The use cases, framework-free; a future Mini App or web cabinet reuses them unchanged. */
export interface Services {
  auth: AuthService;
  consents: ConsentService;
  languages: LanguageService;
  accounts: AccountsService;
  balance: BalanceService;
  profile: ProfileService;
  rights: RightsService;
  readings: ReadingsService;
  staff: StaffService;
  adminChat: AdminChat;
  appeals: AppealsService;
  readingReviews: ReadingReviews;
  lookup: StaffLookup;
  /** Charges, payments and adjustments: the one owner of the `ledger` table. */
  ledger: LedgerService;
  payments: PaymentsService;
  receipts: ReceiptsService;
  /** Durable notifications; the background worker shares this instance and wakes on enqueue. */
  outbox: Outbox;
  audit: AuditLog;
  /** `/broadcast` from the admin chat (admins only), delivered through the outbox. */
  broadcasts: BroadcastService;
}

/**
 * Bumped whenever conversation code changes shape, so state saved by an older release is
 * discarded instead of being replayed against different code.
 */
export const CONVERSATION_STATE_VERSION = 3;

/** Leaving a conversation idle this long ends it; the next message is handled afresh. */
const CONVERSATION_IDLE_MS = FLOW_IDLE_MS;

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

/** Everything services need from outside: the database, and (optionally) mail and texts. */
export interface ServiceDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  translate: Translate;
  clock: Clock;
  /**
   * PDF rendering off the event loop (the app's `RenderPool`). Tests of services that render
   * nothing may leave it out; a render then fails with a clear error.
   */
  renderPdf?: RenderPdf;
}

/** Stands in where no render pool was given: says so instead of rendering on the event loop. */
const noRenderPool: RenderPdf = async () => {
  throw new Error('no render pool: pass renderPdf (RenderPool#renderPdf) to createServices');
};

export function createServices({
  config,
  db,
  mailer,
  translate,
  clock,
  renderPdf = noRenderPool,
}: ServiceDeps): Services {
  const audit = new AuditLog(db, clock);
  const outbox = new Outbox(db, clock);
  const consents = new ConsentService(db, config.operator, clock);
  const auth = new AuthService({
    db,
    mailer,
    translate,
    consents,
    audit,
    ...createAuthLimiters(db, clock),
    passwordPolicy: new PasswordPolicy(),
    clock,
  });
  const profile = new ProfileService({
    db,
    auth,
    audit,
    mailer,
    translate,
    passwordLimiter: new RateLimiter(db, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, clock),
    emailLimiter: new RateLimiter(db, 5, 60 * 60 * 1000, clock),
    clock,
  });
  const rights = new RightsService({
    db,
    consents,
    audit,
    translate,
    operatorName: config.operator.name,
    timeZone: config.timeZone,
    clock,
    renderPdf,
  });
  // The bot's one instance: it both reads the choice on every update and writes it.
  const languages = new LanguageService(db, clock, { cached: ownsItsState(db) });
  const accounts = new AccountsService({
    db,
    audit,
    userLimiter: new RateLimiter(db, LINK_MAX_FAILURES_PER_USER, LINK_WINDOW_MS, clock),
    accountLimiter: new RateLimiter(db, LINK_MAX_FAILURES_PER_ACCOUNT, LINK_WINDOW_MS, clock),
    // Notices to co-holders go through the durable outbox, in the same transaction as the link.
    outbox,
    translate,
    localeOf: async (telegramUserId) =>
      (await languages.chosenLocale(telegramUserId)) ?? config.defaultLocale,
    proofPolicy: config.accountLinkProof,
    timeZone: config.timeZone,
    operatorPhone: config.operator.phone,
    clock,
  });
  const ledger = new LedgerService(db);
  const balance = new BalanceService({
    db,
    ledger,
    accounts,
    timeZone: config.timeZone,
    paymentDueDay: config.paymentDueDay,
    clock,
  });
  const readings = new ReadingsService({
    db,
    accounts,
    timeZone: config.timeZone,
    window: config.readingsWindow,
    latePolicy: config.readings.latePolicy,
    dailyCapKwh: config.readings.dailyCapKwh,
    clock,
  });
  const staff = new StaffService(db, audit, clock);
  const adminChat = new AdminChat(db, config.adminChatId, clock);
  const appeals = new AppealsService({
    db,
    accounts,
    staff,
    adminChat,
    audit,
    outbox,
    translate,
    localeOf: async (telegramUserId) =>
      (await languages.chosenLocale(telegramUserId)) ?? config.defaultLocale,
    staffLocale: config.defaultLocale,
    contactOf: async (userId) => {
      const p = await profile.profile(userId);
      return { fullName: p?.fullName ?? null, email: p?.email ?? null, phone: p?.phone ?? null };
    },
    timeZone: config.timeZone,
    deadlines: {
      workingDays: config.appeals.answerWorkingDays,
      byTopic: config.appeals.answerWorkingDaysByTopic,
    },
    calendar: config.calendar,
    clock,
  });
  const readingReviews = new ReadingReviews({
    db,
    outbox,
    audit,
    translate,
    staffLocale: config.defaultLocale,
    localeOf: async (telegramUserId) =>
      (await languages.chosenLocale(telegramUserId)) ?? config.defaultLocale,
    isStaff: async (telegramUserId) => (await staff.member(telegramUserId)) !== undefined,
    telegramUsersOf: (userId) => auth.telegramUsersOf(userId),
    adminChatId: () => adminChat.id(),
    clock,
  });
  const payments = new PaymentsService({
    db,
    accounts,
    ledger,
    outbox,
    audit,
    translate,
    localeOf: async (telegramUserId) =>
      (await languages.chosenLocale(telegramUserId)) ?? config.defaultLocale,
    cabinetOf: async (telegramUserId) => (await auth.currentUser(telegramUserId))?.id,
    limits: { minKopecks: config.payments.minKopecks, maxKopecks: config.payments.maxKopecks },
    operator: config.operator,
    qr: { maxBytes: config.payments.qrMaxBytes, payerDetails: config.payments.qrPayerDetails },
    timeZone: config.timeZone,
    adminChatId: config.adminChatId,
    clock,
  });
  const receipts = new ReceiptsService({
    db,
    accounts,
    ledger,
    readings,
    payments,
    operator: config.operator,
    paymentDueDay: config.paymentDueDay,
    clock,
  });
  return {
    receipts,
    auth,
    consents,
    languages,
    accounts,
    balance,
    profile,
    rights,
    readings,
    staff,
    adminChat,
    appeals,
    readingReviews,
    lookup: new StaffLookup(db, config.timeZone, clock),
    ledger,
    payments,
    outbox,
    audit,
    broadcasts: new BroadcastService(db, staff, outbox, audit, clock),
  };
}

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
  /** Monthly receipts after a charges import (a scheduler job; tests run it directly). */
  receiptDelivery: ReceiptDelivery;
  /**
   * The render workers (PDFs, the chart): unstarted until the first render (or `warm()`, which
   * only the sandbox calls); idle threads exit; `close()` on stop, after the bot and background.
   */
  renderPool: RenderPool;
}

export function createApp(deps: AppDeps, options: BotOptions): App {
  const { config, db, logger } = deps;
  const textsI18n = createI18n(config.defaultLocale, async () => undefined);
  const translate: Translate = (locale, key, vars) => textsI18n.t(locale, key, vars);
  const mailer = createMailer(config.mail, deps.clock, logger, options.onMailSent);
  const renderPool = new RenderPool();
  const services = createServices({
    config,
    db,
    mailer,
    translate,
    clock: deps.clock,
    renderPdf: renderPool.renderPdf,
  });
  const overrun = qrPayeeOverBudget(payeeOf(config.operator), config.payments.qrMaxBytes);
  if (overrun > 0)
    logger.warn(
      { bytes: overrun, limit: config.payments.qrMaxBytes },
      'payment QR: the operator requisites exceed the ГОСТ Р 56042-2014 budget; the purpose and payer fields are left out',
    );
  const bot = buildBot(deps, options, services, translate, renderPool);
  const background = createBackground(deps, options, services);
  const receiptDelivery = new ReceiptDelivery({
    db,
    receipts: services.receipts,
    ledger: services.ledger,
    accounts: services.accounts,
    outbox: services.outbox,
    translate,
    localeOf: async (telegramUserId) =>
      (await services.languages.chosenLocale(telegramUserId)) ?? config.defaultLocale,
    dir: config.payments.receiptsDir,
    clock: deps.clock,
    renderPdf: renderPool.renderPdf,
  });
  // After a charges import (by the CLI, in another process) the next pass delivers the receipts.
  background.scheduler.every('receipt-delivery', 10 * 60_000, async () => {
    await receiptDelivery.run();
  });
  return { bot, services, background, receiptDelivery, renderPool };
}

function buildBot(
  deps: AppDeps,
  options: BotOptions,
  services: Services,
  translate: Translate,
  renderPool: RenderPool,
): Bot<BotContext> {
  const { config, db, logger } = deps;
  const stateDb = deps.stateDb ?? db;
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
  const chosenLocale = async (ctx: Context): Promise<Locale | undefined> =>
    ctx.from ? residents.locale(ctx.from.id) : undefined;
  const i18n = createI18n<BotContext>(config.defaultLocale, chosenLocale);
  const conversationI18n = createI18n<ConversationContext>(config.defaultLocale, chosenLocale);

  // One chat's updates strictly in order (the runner handles chats concurrently).
  bot.use(sequentialize((ctx) => [ctx.chat?.id, ctx.from?.id].filter(Boolean).map(String)));
  // Several instances on one PostgreSQL: one chat's updates one at a time across all of them.
  if (dialectOf(config.databaseUrl) === 'postgres') {
    bot.use(createChatLock(config.databaseUrl, logger));
  }
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
    // Lazy: the row is read only by a handler that asks for it, not on every update.
    lazySession<SessionData, BotContext>({
      initial: () => ({}),
      storage: new KnexStorageAdapter<SessionData>(stateDb, 'session:', deps.clock, {
        cached: ownsItsState(stateDb),
      }),
    }),
  );
  bot.use(i18n);
  // Money first: a payment that arrives while the resident is inside a flow is still recorded.
  bot.use(createPaymentUpdates(services.payments));
  // Passwords, codes and linking proofs are taken out of updates before any conversation can
  // store them (see core/secret-input); the conversation kit arms and clears the mark.
  const gate = new SecretInputGate(stateDb, deps.clock, { cached: ownsItsState(stateDb) });
  const vault = new SecretVault(deps.clock);
  // Once per update; a flow that changes who the person is (login, withdrawal) says so itself.
  const whoIs = async (telegramUserId: number): Promise<Who> =>
    (await residents.user(telegramUserId)) ? 'resident' : 'guest';
  const residentOf = async (telegramUserId: number) => {
    const resident = await residents.user(telegramUserId);
    return resident ? { userId: resident.id } : undefined;
  };
  const leave = async (ctx: FlowContext, text: string, who: Who, extra?: { markup?: Markup }) => {
    if (who === 'resident') {
      await ctx.reply(text, { reply_markup: extra?.markup ?? mainMenuKeyboard(ctx) });
      return;
    }
    await ctx.reply(text, { reply_markup: extra?.markup ?? { remove_keyboard: true } });
    await ctx.reply(ctx.t('start-welcome', { operator: config.operator.name }), {
      reply_markup: guestKeyboard(ctx),
    });
  };
  const kit: ConversationKit = createConversationKit({ gate, vault, whoIs, residentOf, leave });

  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: 'key',
        version: CONVERSATION_STATE_VERSION,
        prefix: 'conv:',
        // Read on every update: from memory after the first, where this process owns the state.
        adapter: new KnexStorageAdapter(stateDb, '', deps.clock, {
          cached: ownsItsState(stateDb),
        }),
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
      // Every way a flow is left from outside (exit, halt, the idle timeout) clears the mark.
      onExit: async (_id, ctx) => {
        if (ctx.chat && ctx.from) await kit.clearSecretMark(ctx.chat.id, ctx.from.id);
      },
    }),
  );
  bot.use(secretInput(gate, vault, PRIVATE_COMMANDS));
  bot.use(createExitPath({ kit, whoIs, leave, menuButtonKeys: MAIN_MENU_BUTTON_KEYS }));

  const showMenu = async (ctx: BotContext) => {
    if (ctx.chat?.type !== 'private' || !ctx.from) return;
    residents.forget(ctx.from.id); // shown after a logout: who they were a moment ago is stale
    if ((await whoIs(ctx.from.id)) === 'resident') return;
    await ctx.reply(ctx.t('start-welcome', { operator: config.operator.name }), {
      reply_markup: guestKeyboard(ctx),
    });
  };

  bot.use(
    createConversation(createLanguageConversation(services.languages, kit), {
      id: LANGUAGE_CONVERSATION,
      maxMillisecondsToWait: CONVERSATION_IDLE_MS,
    }),
  );
  bot.use(
    createConversation(
      createLinkConversation({
        accounts: services.accounts,
        auth: services.auth,
        kit,
        operatorPhone: config.operator.phone,
      }),
      { id: LINK_CONVERSATION, maxMillisecondsToWait: CONVERSATION_IDLE_MS },
    ),
  );
  bot.use(
    createConversation(
      createReadingConversation({
        auth: services.auth,
        readings: services.readings,
        kit,
        operatorPhone: config.operator.phone,
        window: config.readingsWindow,
      }),
      { id: READING_CONVERSATION, maxMillisecondsToWait: CONVERSATION_IDLE_MS },
    ),
  );
  bot.use(
    createConversation(
      createAppealConversation({
        auth: services.auth,
        accounts: services.accounts,
        appeals: services.appeals,
        kit,
        timeZone: config.timeZone,
      }),
      { id: APPEAL_CONVERSATION, maxMillisecondsToWait: CONVERSATION_IDLE_MS },
    ),
  );

  const payDeps = {
    auth: services.auth,
    payments: services.payments,
    providerToken: config.paymentProviderToken,
    fiscal: config.payments.fiscal,
    cancelData: KIT_CANCEL,
    kit,
  };
  bot.use(
    createConversation(createPayAmountConversation(payDeps), {
      id: PAY_AMOUNT_CONVERSATION,
      maxMillisecondsToWait: CONVERSATION_IDLE_MS,
    }),
  );

  // «Your session here has ended» to the other devices of a cabinet (recovery, new password,
  // log out everywhere, withdrawal): urgent, durable notices through the outbox, each in the
  // recipient's language, sent by the background worker.
  const notifySessionEnded = async (telegramUserIds: number[], key: string): Promise<void> => {
    const notices = await Promise.all(
      telegramUserIds.map(async (chatId) => {
        const locale = (await services.languages.chosenLocale(chatId)) ?? config.defaultLocale;
        return {
          chatId,
          kind: 'security-notice',
          priority: OUTBOX_PRIORITY.urgent,
          payload: {
            text: translate(locale, key),
            reply_markup: { remove_keyboard: true as const },
          },
        };
      }),
    );
    if (notices.length > 0) await services.outbox.enqueue(notices);
  };

  const authDeps = {
    auth: services.auth,
    consents: services.consents,
    kit,
    notifyLoggedOut: (telegramUserId: number) =>
      notifySessionEnded([telegramUserId], 'auth-session-ended'),
  };
  for (const [id, build] of [
    [REGISTER_CONVERSATION, createRegisterConversation],
    [LOGIN_CONVERSATION, createLoginConversation],
    [RECOVER_CONVERSATION, createRecoverConversation],
  ] as const) {
    bot.use(
      createConversation(build(authDeps), { id, maxMillisecondsToWait: CONVERSATION_IDLE_MS }),
    );
  }

  // Profile and personal-data rights (issue 4, second half).
  const profileDeps = {
    profile: services.profile,
    auth: services.auth,
    kit,
    notifySessionEnded,
  };
  for (const [id, build] of [
    [PROFILE_EDIT_CONVERSATION, createProfileEditConversation],
    [PROFILE_EMAIL_CONVERSATION, createProfileEmailConversation],
    [PROFILE_PASSWORD_CONVERSATION, createProfilePasswordConversation],
  ] as const) {
    bot.use(
      createConversation(build(profileDeps), { id, maxMillisecondsToWait: CONVERSATION_IDLE_MS }),
    );
  }

  bot.use(
    createConversation(
      createWithdrawConversation({
        auth: services.auth,
        rights: services.rights,
        kit,
        notifySessionEnded,
      }),
      { id: WITHDRAW_CONVERSATION, maxMillisecondsToWait: WITHDRAW_IDLE_MS },
    ),
  );

  bot.use(createConsentGate({ consents: services.consents }));
  bot.use(createAuthFeature({ auth: services.auth, afterLogout: showMenu }));
  bot.use(createHelpFeature({ config }));
  bot.use(createLanguageFeature());
  bot.use(
    createAccountsFeature({
      accounts: services.accounts,
      operatorPhone: config.operator.phone,
    }),
  );
  bot.use(
    createBalanceFeature({
      balance: services.balance,
      renderPool,
    }),
  );
  bot.use(createPaymentsFeature({ ...payDeps, accounts: services.accounts }));
  bot.use(
    createReceiptsFeature({
      accounts: services.accounts,
      auth: services.auth,
      receipts: services.receipts,
      cancelData: KIT_CANCEL,
      renderPdf: renderPool.renderPdf,
    }),
  );
  bot.use(
    createProfileFeature({
      profile: services.profile,
      languages: services.languages,
      timeZone: config.timeZone,
      notifySessionEnded,
    }),
  );
  bot.use(
    createRightsFeature({
      rights: services.rights,
      timeZone: config.timeZone,
    }),
  );
  bot.use(createReadingsFeature({ readings: services.readings }));
  bot.use(
    createAppealsFeature({
      auth: services.auth,
      appeals: services.appeals,
      timeZone: config.timeZone,
    }),
  );
  bot.use(
    createAdminFeature({
      config,
      staff: services.staff,
      adminChat: services.adminChat,
      appeals: services.appeals,
      readingReviews: services.readingReviews,
      lookup: services.lookup,
      exportFile: async (kind, period) => {
        const dir = await mkdtemp(join(tmpdir(), 'abonent-export-'));
        const path = join(dir, `${kind}-${period}.csv`);
        const report = await exportData(db, kind, { period, out: path, clock: deps.clock });
        return { path, rows: report.rows, heldForReview: report.heldForReview };
      },
      audit: services.audit,
      translate,
      broadcasts: services.broadcasts,
      importCsv: (kind, input, fileName) =>
        importStream(db, kind, input, fileName, { clock: deps.clock, maxListedErrors: 10 }),
      downloadFile: async (fileId) => {
        const file = await bot.api.getFile(fileId);
        if (!file.file_path) throw new Error('Telegram gave no file path');
        const root = options.apiRoot ?? 'https://api.telegram.org';
        const response = await (options.fetch ?? fetch)(
          `${root}/file/bot${options.token}/${file.file_path}`,
        );
        if (!response.ok || !response.body) throw new Error(`file download: ${response.status}`);
        return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
      },
    }),
  );
  bot.use(createUnhandledFeature({ menu: guestMenuFor() }));
  return bot;
}

/**
 * Starts the render threads and makes one dummy render on each, in the background, so the first
 * resident's receipt or chart does not wait for the libraries and fonts to load (5–9 s cold).
 * Only the sandbox does this: a production bot starts them on the first render (issue 12: RSS
 * after start), and they exit again when idle.
 */
export function warmRenderPool(renderPool: RenderPool, logger: Logger): void {
  renderPool
    .warm()
    .then(() => logger.info({ threads: renderPool.threads }, 'render pool warm'))
    .catch((error: unknown) => logger.warn({ err: error }, 'render pool warm-up failed'));
}

/** The background side of the process: the notification outbox, its worker, periodic jobs. */
export interface Background {
  outbox: Outbox;
  worker: OutboxWorker;
  scheduler: Scheduler;
  start(): void;
  /** Stops jobs, then the worker (its send in flight finishes); call before the database closes. */
  stop(): Promise<void>;
}

/**
 * Builds the outbox worker and the scheduler, unstarted; `main.ts` starts them in every run mode.
 * The worker gets a plain `Api` of its own: it honours 429 `retry_after` itself by rescheduling
 * the row, whereas auto-retry (installed on `bot.api`) would sleep inside the send.
 */
export function createBackground(
  deps: AppDeps,
  options: Pick<BotOptions, 'token' | 'apiRoot' | 'fetch' | 'outboxPacing'>,
  services?: Pick<Services, 'outbox' | 'adminChat'> &
    Partial<Pick<Services, 'appeals' | 'readingReviews' | 'broadcasts'>>,
): Background {
  const { db, logger } = deps;
  const outbox = services?.outbox ?? new Outbox(db, deps.clock);
  const api = new Api(options.token, clientOptions(options));
  // A card queued before the admin group became a supergroup still reaches staff.
  api.config.use(
    followAdminChatMigration(
      services?.adminChat ?? new AdminChat(db, deps.config.adminChatId, deps.clock),
      logger,
    ),
  );
  // The admin chat's broadcast progress lines follow the worker's outcomes (after a restart too).
  const broadcastTexts = createI18n(deps.config.defaultLocale, async () => undefined);
  const progressLine = services?.broadcasts
    ? new BroadcastProgressLine(
        services.broadcasts,
        api,
        (progress) =>
          progressText(
            (key, vars) => broadcastTexts.t(deps.config.defaultLocale, key, vars),
            progress,
          ),
        deps.clock,
        logger,
      )
    : undefined;
  const worker = new OutboxWorker(db, api, {
    outbox,
    logger: logger.child({ module: 'outbox' }),
    clock: () => deps.clock().getTime(),
    ...(progressLine ? { onEvent: progressLine.onEvent } : {}),
    ...(options.outboxPacing ? { pacing: options.outboxPacing } : {}),
  });
  const scheduler = new Scheduler(db, {
    logger: logger.child({ module: 'scheduler' }),
    clock: () => deps.clock().getTime(),
  });
  // Periodic jobs are registered here, e.g. scheduler.every('reading-reminders', 10 * 60_000, job).
  const reminders = readingReminders(deps, outbox);
  scheduler.every('reading-reminders', 10 * 60_000, async ({ now }) => {
    await reminders.run(now);
  });
  // Staff: flagged readings to check, overdue appeals flagged once, the morning summary.
  const { appeals, readingReviews } = services ?? {};
  if (readingReviews) {
    scheduler.every('reading-review-cards', 60_000, async () => {
      await readingReviews.queueCards();
    });
  }
  if (appeals) {
    scheduler.every('appeals-overdue', 10 * 60_000, async () => {
      await appeals.flagOverdue();
      await appeals.dailySummary();
    });
  }
  return {
    outbox,
    worker,
    scheduler,
    start() {
      worker.start();
      scheduler.start();
    },
    async stop() {
      await scheduler.stop();
      await worker.stop();
    },
  };
}

/** The reading reminders job, rendering texts in each recipient's language. */
export function readingReminders(deps: AppDeps, outbox: Outbox): ReadingReminders {
  const { config, db } = deps;
  const texts = createI18n(config.defaultLocale, async () => undefined);
  const languages = new LanguageService(db, deps.clock);
  return new ReadingReminders({
    db,
    outbox,
    translate: (locale, key, vars) => texts.t(locale, key, vars),
    localeOf: async (telegramUserId) =>
      (await languages.chosenLocale(telegramUserId)) ?? config.defaultLocale,
    timeZone: config.timeZone,
    window: config.readingsWindow,
    latePolicy: config.readings.latePolicy,
    reminderDay: config.readings.reminderDay,
  });
}

/** grammY client options from ours: a custom API root and HTTP client, when given. */
function clientOptions(
  options: Pick<BotOptions, 'apiRoot' | 'fetch'>,
): ApiClientOptions | undefined {
  if (!options.apiRoot && !options.fetch) return undefined;
  return {
    ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
}

function guestMenuFor() {
  return async (ctx: BotContext) => (!(await ctx.resident()) ? guestKeyboard(ctx) : undefined);
}
