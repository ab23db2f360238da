import { z } from 'zod';

/**
 * Every setting of the process, read once from the environment (and `.env`).
 * One schema, so a bad deployment fails at start with one readable line per
 * bad variable instead of a stack trace in the middle of the night.
 */
const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const dayOfMonth = z.coerce.number().int().min(1).max(31);

const isoDateList = z
  .string()
  .regex(/^$|^\d{4}-\d{2}-\d{2}(,\d{4}-\d{2}-\d{2})*$/, 'must be YYYY-MM-DD dates, comma-separated')
  .default('');

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = z
  .object({
    BOT_TOKEN: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC-DEF… (from @BotFather)')
        .optional(),
    ),
    BOT_MODE: z.preprocess(emptyToUndefined, z.enum(['polling', 'webhook', 'sandbox']).optional()),
    TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, z.url().optional()),
    WEBHOOK_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    WEBHOOK_SECRET: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A–Z, a–z, 0–9, _ and -')
        .optional(),
    ),
    WEBHOOK_HOST: z.string().default('0.0.0.0'),
    WEBHOOK_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
    SANDBOX_HOST: z.string().default('127.0.0.1'),
    SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
    DATABASE_URL: z
      .string()
      .regex(
        /^(sqlite:|postgres(ql)?:\/\/)/,
        'must start with sqlite: (e.g. sqlite:data/abonent.db) or postgres://',
      )
      .default('sqlite:data/abonent.db'),
    ADMIN_CHAT_ID: z.preprocess(emptyToUndefined, z.coerce.number().int().optional()),
    TIME_ZONE: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Asia/Kamchatka')
      .default('Asia/Kamchatka'),
    READINGS_WINDOW_START_DAY: dayOfMonth.default(15),
    READINGS_WINDOW_END_DAY: dayOfMonth.default(25),
    READINGS_LATE_POLICY: z.enum(['next-period', 'refuse']).default('next-period'),
    READINGS_REMINDER_DAY: z.preprocess(emptyToUndefined, dayOfMonth.optional()),
    READINGS_DAILY_CAP_KWH: z.coerce.number().int().min(1).max(100_000).default(150),
    APPEAL_ANSWER_WORKING_DAYS: z.coerce.number().int().min(1).max(60).default(3),
    APPEAL_ANSWER_WORKING_DAYS_BY_TOPIC: z
      .string()
      .regex(
        /^$|^[a-z-]+=\d{1,2}(,[a-z-]+=\d{1,2})*$/,
        'must be topic=days pairs, e.g. billing=10,quality=3',
      )
      .default(''),
    CALENDAR_DAYS_OFF: isoDateList,
    CALENDAR_WORKDAYS: isoDateList,
    ACCOUNT_LINK_PROOF: z.enum(['meter-serial', 'last-charge', 'either']).default('either'),
    PAYMENT_DUE_DAY: z.coerce.number().int().min(1).max(28).default(10),
    DEFAULT_LOCALE: z.enum(['ru', 'en']).default('ru'),
    LOG_LEVEL: z.enum(logLevels).default('info'),
    SMTP_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    MAIL_FROM: z.string().default('Абонент <no-reply@example.invalid>'),
    MAIL_OUTBOX_DIR: z.string().default('data/outbox'),
    PAYMENT_PROVIDER_TOKEN: optionalString,
    // The acquirer's and Telegram's limits for RUB, kopecks (Telegram: about 1 USD to 10 000 USD).
    PAYMENT_MIN_KOPECKS: z.coerce.number().int().min(1).default(100_00),
    PAYMENT_MAX_KOPECKS: z.coerce.number().int().min(1).default(500_000_00),
    // 54-ФЗ: ask for the payer's e-mail and pass the receipt item to the acquirer (ЮKassa format).
    PAYMENT_FISCAL_RECEIPT: z.stringbool().default(false),
    PAYMENT_VAT_CODE: z.coerce.number().int().min(1).max(12).default(1),
    PAYMENT_RECEIPT_ITEM: z.string().min(1).max(128).default('Электроэнергия'),
    // ГОСТ Р 56042-2014 caps the QR's data at 300 bytes; raise only for a known modern reader.
    PAYMENT_QR_MAX_BYTES: z.coerce.number().int().min(200).max(2000).default(300),
    // Put the payer's names and address in the QR (ЖКХ fields) when they fit.
    PAYMENT_QR_PAYER_DETAILS: z.stringbool().default(true),
    // Monthly receipts wait here as PDFs until the outbox worker has sent them.
    RECEIPTS_DIR: z.string().min(1).default('data/receipts'),
    // Short names, as on a bank transfer: with the account numbers they must leave room in the
    // payment QR's 300 UTF-8 bytes for the purpose (a warning at start says when they do not).
    OPERATOR_NAME: z.string().min(1).default('АО «КЭСК» (демо)'),
    OPERATOR_INN: z
      .string()
      .regex(/^\d{10}$/, 'must be 10 digits')
      .default('4100000000'),
    OPERATOR_KPP: z
      .string()
      .regex(/^\d{9}$/, 'must be 9 digits')
      .default('410001001'),
    OPERATOR_ACCOUNT: z
      .string()
      .regex(/^\d{20}$/, 'must be 20 digits (расчётный счёт)')
      .default('40702810000000000001'),
    OPERATOR_BANK: z.string().min(1).default('Демо-банк'),
    OPERATOR_BIC: z
      .string()
      .regex(/^\d{9}$/, 'must be 9 digits')
      .default('043000000'),
    OPERATOR_CORR_ACCOUNT: z
      .string()
      .regex(/^\d{20}$/, 'must be 20 digits (корр. счёт)')
      .default('30101810000000000000'),
    OPERATOR_LEGAL_ADDRESS: z
      .string()
      .min(1)
      .default('683000, г. Петропавловск-Камчатский, ул. Примерная, д. 1'),
    OPERATOR_POSTAL_ADDRESS: z
      .string()
      .min(1)
      .default('683000, г. Петропавловск-Камчатский, а/я 1'),
    OPERATOR_PHONE: z.string().min(1).default('+7 (4152) 00-00-00'),
    OPERATOR_EMAIL: z.email().default('info@example.invalid'),
    OPERATOR_SITE: z.string().min(1).default('https://example.invalid'),
  })
  .superRefine((env, ctx) => {
    if (env.PAYMENT_MIN_KOPECKS > env.PAYMENT_MAX_KOPECKS) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYMENT_MIN_KOPECKS'],
        message: 'must not exceed PAYMENT_MAX_KOPECKS',
      });
    }
    const mode = env.BOT_MODE ?? (env.BOT_TOKEN ? 'polling' : 'sandbox');
    if (mode !== 'sandbox' && !env.BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOT_TOKEN'],
        message: `is required in ${mode} mode`,
      });
    }
    if (mode === 'webhook' && !env.WEBHOOK_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_URL'],
        message: 'is required in webhook mode',
      });
    }
    if (mode === 'webhook' && !env.WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET'],
        message: 'is required in webhook mode',
      });
    }
  });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

type Env = z.infer<typeof configSchema>;

/** The operator's requisites: printed on receipts, in the consent text and in the payment QR. */
export interface OperatorRequisites {
  name: string;
  inn: string;
  kpp: string;
  account: string;
  bank: string;
  bic: string;
  corrAccount: string;
  legalAddress: string;
  postalAddress: string;
  phone: string;
  email: string;
  site: string;
}

/** How the process talks to Telegram; a discriminated union so each mode carries only what it needs. */
export type RunMode =
  | { kind: 'polling'; token: string; apiRoot?: string }
  | {
      kind: 'webhook';
      token: string;
      apiRoot?: string;
      url: string;
      secret: string;
      host: string;
      port: number;
    }
  | { kind: 'sandbox'; token?: string; host: string; port: number };

export interface Config {
  mode: RunMode;
  databaseUrl: string;
  adminChatId?: number;
  timeZone: string;
  readingsWindow: { startDay: number; endDay: number };
  /**
   * Readings beyond the window: a late reading counts for the next period or is refused; the
   * reminder day (inside the window); the per-day cap (kWh) above which a value asks to confirm.
   */
  readings: { latePolicy: 'next-period' | 'refuse'; reminderDay: number; dailyCapKwh: number };
  /**
   * Appeals: the answer deadline in working days (ПП 354 п. 31 «к»: 3), per topic where set, and
   * the production calendar's transfers decreed for particular years (`YYYY-MM-DD`).
   */
  appeals: { answerWorkingDays: number; answerWorkingDaysByTopic: Record<string, number> };
  calendar: { daysOff: string[]; workdays: string[] };
  /** What proves ownership when linking an account: a meter's serial, the last charge, or either. */
  accountLinkProof: 'meter-serial' | 'last-charge' | 'either';
  /** Day of the month after the billing period by which the bill is due (ПП 354: the 10th). */
  paymentDueDay: number;
  defaultLocale: 'ru' | 'en';
  logLevel: (typeof logLevels)[number];
  mail: { smtpUrl?: string; from: string; outboxDir: string };
  paymentProviderToken?: string;
  /** Paying through the bot: limits (kopecks), 54-ФЗ receipt data, the payment QR's budget. */
  payments: PaymentsConfig;
  operator: OperatorRequisites;
}

export interface PaymentsConfig {
  minKopecks: number;
  maxKopecks: number;
  fiscal: { enabled: boolean; vatCode: number; itemName: string };
  qrMaxBytes: number;
  qrPayerDetails: boolean;
  /** Monthly receipts wait here as PDFs until sent. */
  receiptsDir: string;
}

/** Thrown by {@link loadConfig}; `lines` holds one readable line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(`Invalid configuration:\n${lines.map((line) => `  ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a {@link Config}, or throws a {@link ConfigError} listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const given = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
      const shown =
        given === undefined || name === 'BOT_TOKEN' || name === 'WEBHOOK_SECRET'
          ? ''
          : ` (got "${given.slice(0, 60)}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(lines);
  }
  return toConfig(parsed.data);
}

function toConfig(env: Env): Config {
  const kind = env.BOT_MODE ?? (env.BOT_TOKEN ? 'polling' : 'sandbox');
  let mode: RunMode;
  if (kind === 'sandbox') {
    mode = { kind, token: env.BOT_TOKEN, host: env.SANDBOX_HOST, port: env.SANDBOX_PORT };
  } else if (kind === 'webhook') {
    mode = {
      kind,
      token: env.BOT_TOKEN!,
      apiRoot: env.TELEGRAM_API_ROOT,
      url: env.WEBHOOK_URL!,
      secret: env.WEBHOOK_SECRET!,
      host: env.WEBHOOK_HOST,
      port: env.WEBHOOK_PORT,
    };
  } else {
    mode = { kind, token: env.BOT_TOKEN!, apiRoot: env.TELEGRAM_API_ROOT };
  }
  return {
    mode,
    databaseUrl: env.DATABASE_URL,
    adminChatId: env.ADMIN_CHAT_ID,
    timeZone: env.TIME_ZONE,
    readingsWindow: {
      startDay: env.READINGS_WINDOW_START_DAY,
      endDay: env.READINGS_WINDOW_END_DAY,
    },
    readings: {
      latePolicy: env.READINGS_LATE_POLICY,
      // Default: five days into the window, so early submitters are never nagged.
      reminderDay: Math.min(
        Math.max(
          env.READINGS_REMINDER_DAY ?? env.READINGS_WINDOW_START_DAY + 5,
          env.READINGS_WINDOW_START_DAY,
        ),
        env.READINGS_WINDOW_END_DAY,
      ),
      dailyCapKwh: env.READINGS_DAILY_CAP_KWH,
    },
    appeals: {
      answerWorkingDays: env.APPEAL_ANSWER_WORKING_DAYS,
      answerWorkingDaysByTopic: Object.fromEntries(
        env.APPEAL_ANSWER_WORKING_DAYS_BY_TOPIC.split(',')
          .filter(Boolean)
          .map((pair) => {
            const [topic = '', days = ''] = pair.split('=');
            return [topic, Number(days)];
          }),
      ),
    },
    calendar: {
      daysOff: env.CALENDAR_DAYS_OFF.split(',').filter(Boolean),
      workdays: env.CALENDAR_WORKDAYS.split(',').filter(Boolean),
    },
    accountLinkProof: env.ACCOUNT_LINK_PROOF,
    paymentDueDay: env.PAYMENT_DUE_DAY,
    defaultLocale: env.DEFAULT_LOCALE,
    logLevel: env.LOG_LEVEL,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, outboxDir: env.MAIL_OUTBOX_DIR },
    // The sandbox's emulator plays the provider: its web chat's «Оплатить» form completes payments.
    paymentProviderToken:
      env.PAYMENT_PROVIDER_TOKEN ?? (kind === 'sandbox' ? 'sandbox-provider' : undefined),
    payments: {
      minKopecks: env.PAYMENT_MIN_KOPECKS,
      maxKopecks: env.PAYMENT_MAX_KOPECKS,
      fiscal: {
        enabled: env.PAYMENT_FISCAL_RECEIPT,
        vatCode: env.PAYMENT_VAT_CODE,
        itemName: env.PAYMENT_RECEIPT_ITEM,
      },
      qrMaxBytes: env.PAYMENT_QR_MAX_BYTES,
      qrPayerDetails: env.PAYMENT_QR_PAYER_DETAILS,
      receiptsDir: env.RECEIPTS_DIR,
    },
    operator: {
      name: env.OPERATOR_NAME,
      inn: env.OPERATOR_INN,
      kpp: env.OPERATOR_KPP,
      account: env.OPERATOR_ACCOUNT,
      bank: env.OPERATOR_BANK,
      bic: env.OPERATOR_BIC,
      corrAccount: env.OPERATOR_CORR_ACCOUNT,
      legalAddress: env.OPERATOR_LEGAL_ADDRESS,
      postalAddress: env.OPERATOR_POSTAL_ADDRESS,
      phone: env.OPERATOR_PHONE,
      email: env.OPERATOR_EMAIL,
      site: env.OPERATOR_SITE,
    },
  };
}
