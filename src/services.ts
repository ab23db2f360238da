import type { Readable } from 'node:stream';
import type { Config } from './config';
import { AuditLog } from './core/audit';
import type { Clock } from './core/clock';
import type { BotContext } from './core/context';
import type { ConversationKit } from './core/conversation-kit/index';
import { type Db, ownsItsState } from './core/db/index';
import type { Logger } from './core/logger';
import type { Mailer } from './core/mail/mailer';
import { Outbox } from './core/outbox/outbox';
import { RateLimiter } from './core/rate-limit';
import type { RenderPool } from './core/render-pool/index';
import {
  LINK_MAX_FAILURES_PER_ACCOUNT,
  LINK_MAX_FAILURES_PER_USER,
  LINK_WINDOW_MS,
} from './features/accounts/rules';
import { AccountsService } from './features/accounts/service';
import { AppealsService } from './features/appeals/service';
import { APPEAL_FILING_WINDOW_MS, APPEALS_PER_WINDOW } from './features/appeals/rules';
import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, PasswordPolicy } from './features/auth/rules';
import { AuthService, createAuthLimiters } from './features/auth/service';
import { SessionEndedNotices } from './features/auth/session-ended';
import { BalanceService } from './features/balance/service';
import { BroadcastService } from './features/broadcast/service';
import { LanguageService } from './features/language/service';
import { LedgerService } from './features/ledger/service';
import { PaymentsService } from './features/payments/service';
import { ProfileService } from './features/profile/service';
import { RightsService } from './features/privacy/rights/service';
import { ConsentService } from './features/privacy/service';
import { ReadingReviews } from './features/readings/review';
import { ReadingsService } from './features/readings/service';
import { ReceiptsService } from './features/receipts/service';
import { StaffLookup } from './features/staff/lookup';
import { AdminChat, StaffService } from './features/staff/service';
import type { Translate } from './core/i18n';

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
  /** «Your session here has ended» to a cabinet's other devices, through the outbox. */
  sessionEnded: SessionEndedNotices;
}

/**
 * Everything services need from outside: the database, mail and texts. No renderer: services
 * return data; PDFs and charts are the features' views, rendered in the render pool.
 */
export interface ServiceDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  translate: Translate;
  clock: Clock;
}

export function createServices({ config, db, mailer, translate, clock }: ServiceDeps): Services {
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
    operatorName: config.operator.name,
    timeZone: config.timeZone,
    clock,
  });
  // The bot's one instance: it both reads the choice on every update and writes it.
  const languages = new LanguageService(db, clock, { cached: ownsItsState(db) });
  /** The language a notice is rendered in: chosen, else Telegram's as last seen, else the default. */
  const localeOf = async (telegramUserId: number) =>
    (await languages.localeOf(telegramUserId)) ?? config.defaultLocale;
  const accounts = new AccountsService({
    db,
    audit,
    userLimiter: new RateLimiter(db, LINK_MAX_FAILURES_PER_USER, LINK_WINDOW_MS, clock),
    accountLimiter: new RateLimiter(db, LINK_MAX_FAILURES_PER_ACCOUNT, LINK_WINDOW_MS, clock),
    // Notices to co-holders go through the durable outbox, in the same transaction as the link.
    outbox,
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
    outbox,
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
    localeOf,
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
    filingLimiter: new RateLimiter(db, APPEALS_PER_WINDOW, APPEAL_FILING_WINDOW_MS, clock),
  });
  const readingReviews = new ReadingReviews({
    db,
    outbox,
    audit,
    translate,
    staffLocale: config.defaultLocale,
    localeOf,
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
    localeOf,
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
    sessionEnded: new SessionEndedNotices({
      outbox,
      translate,
      localeOf: (telegramUserId) => languages.localeOf(telegramUserId),
      defaultLocale: config.defaultLocale,
    }),
  };
}

/**
 * What every feature module (`features/<name>/index.ts`) is built from: the app's services and
 * the core parts all features share. Created once in `app.ts`; nothing here is module state.
 */
export interface FeatureDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** The one source of "now" (src/core/clock.ts). */
  clock: Clock;
  services: Services;
  /** The conversation kit every flow asks through (core/conversation-kit). */
  kit: ConversationKit;
  /** Texts of the locales for messages rendered outside a chat's context (outbox, staff). */
  translate: Translate;
  /** PDFs and charts off the event loop. */
  renderPool: RenderPool;
  /** Shows a guest the welcome and its buttons (after a logout); nothing for a resident. */
  showMenu: (ctx: BotContext) => Promise<void>;
  /** Downloads a file a chat sent (its Bot API `file_id`), as a stream. */
  downloadFile: (fileId: string) => Promise<Readable>;
}
