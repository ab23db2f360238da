import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import { type Background, type BotOptions, createApp } from '../../src/app';
import type { RenderPool } from '../../src/core/render-pool/index';
import { type Config, loadConfig } from '../../src/config';
import { registerCommands } from '../../src/core/commands';
import type { BotContext } from '../../src/core/context';
import { runningFrom, systemClock } from '../../src/core/clock';
import { createLogger } from '../../src/core/logger';
import type { PacingOptions } from '../../src/core/outbox/pacer';
import { startPolling } from '../../src/run/polling';
import { SandboxClient, type TranscriptEntry } from '../../src/sandbox/client';
import { type BotApiEmulator, createBotApiEmulator } from '../../src/sandbox/emulator';
import { type TestDatabase, withTestDatabase } from './database';

export const TEST_BOT = {
  id: 7000000001,
  username: 'abonent_test_bot',
  first_name: 'Абонент',
  token: '7000000001:TEST-abonent-token-for-the-emulator',
};

/** A resident (or staff member) played through the emulator's control API. */
export interface Person {
  id: number;
  /** Sends a text (commands get entities) and returns the bot's next message. */
  say(text: string): Promise<TranscriptEntry>;
  /** Presses an inline button of `message` by its text; returns the callback id. */
  press(message: TranscriptEntry, buttonText: string | RegExp): Promise<string>;
  /** The bot's next message in this person's private chat. */
  next(): Promise<TranscriptEntry>;
}

export interface Harness {
  config: Config;
  database: TestDatabase;
  emulator: BotApiEmulator;
  client: SandboxClient;
  /** Every log line the bot wrote (JSON), for leak checks. */
  logs: string[];
  bot(): Bot<BotContext>;
  startBot(): Promise<void>;
  stopBot(): Promise<void>;
  person(input?: { first_name?: string; language_code?: string }): Promise<Person>;
  stop(): Promise<void>;
}

/**
 * The real bot on a real database, polling the sandbox emulator over HTTP through grammY's runner,
 * exactly as it polls Telegram. Each call makes its own database and emulator.
 */
export async function startHarness(
  env: Record<string, string> = {},
  /** `clock`: "now" for the app's time-dependent use cases (e.g. the readings window). */
  options: {
    clock?: () => Date;
    rateLimits?: boolean;
    /** The outbox worker's pacing (e.g. faster than the emulator allows, to provoke 429s). */
    outboxPacing?: Partial<PacingOptions>;
    /** Every Bot API call of the bot goes through it (e.g. to fail one reply on purpose). */
    fetch?: BotOptions['fetch'];
    /** The render pool the app uses (e.g. one that is always busy); closed with the bot. */
    renderPool?: RenderPool;
  } = {},
): Promise<Harness> {
  const database = await withTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    MAIL_OUTBOX_DIR: join(mkdtempSync(join(tmpdir(), 'abonent-outbox-')), 'outbox'),
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const emulator = createBotApiEmulator({
    bot: TEST_BOT,
    ...(options.rateLimits ? { rateLimits: true } : {}),
  });
  await emulator.start();
  const client = new SandboxClient(emulator.url);

  let bot: Bot<BotContext> | undefined;
  let runner: RunnerHandle | undefined;
  let background: Background | undefined;
  let renderPool: RenderPool | undefined;
  // As in every run mode: the bot polling and the outbox worker beside it. The scheduler stays
  // off: its jobs run on the real clock and would drop reminders into unrelated tests (its own
  // tests drive it with a clock).
  const startBot = async () => {
    const app = createApp(
      {
        config,
        db: database.db,
        logger,
        // A chosen day still runs, so the outbox worker beside the bot sees seconds pass.
        clock: options.clock ? runningFrom(options.clock) : systemClock,
      },
      {
        token: TEST_BOT.token,
        apiRoot: emulator.apiRoot,
        ...(options.outboxPacing ? { outboxPacing: options.outboxPacing } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.renderPool ? { renderPool: options.renderPool } : {}),
      },
    );
    bot = app.bot;
    background = app.background;
    renderPool = app.renderPool;
    await registerCommands(bot.api, config, { adminChat: app.services.adminChat, logger });
    runner = await startPolling(bot, logger);
    background.worker.start();
  };
  const stopBot = async () => {
    if (runner?.isRunning()) await runner.stop();
    runner = undefined;
    await background?.worker.stop();
    background = undefined;
    // The render threads (started by the first PDF or chart) stop with the bot.
    await renderPool?.close();
    renderPool = undefined;
  };
  await startBot();

  return {
    config,
    database,
    emulator,
    client,
    logs,
    bot: () => {
      if (!bot) throw new Error('the bot is not started');
      return bot;
    },
    startBot,
    stopBot,
    async person(input = {}) {
      const user = await client.createUser({
        first_name: input.first_name ?? 'Анна',
        language_code: input.language_code ?? 'ru',
      });
      return {
        id: user.id,
        async say(text) {
          await client.sendText(user.id, user.id, text);
          return client.nextBotMessage(user.id);
        },
        press: (message, buttonText) => client.pressButton(user.id, user.id, message, buttonText),
        next: () => client.nextBotMessage(user.id),
      };
    },
    async stop() {
      await stopBot();
      await emulator.stop();
      await database.cleanup();
    },
  };
}

/** The texts of an inline keyboard, row by row. */
export function buttonTexts(message: TranscriptEntry): string[] {
  const markup = message.reply_markup;
  if (!markup || !('inline_keyboard' in markup)) return [];
  return markup.inline_keyboard.flat().map((button) => button.text);
}

/** The texts of a reply keyboard (the big buttons under the input field), row by row. */
export function replyButtonTexts(message: TranscriptEntry): string[] {
  const markup = message.reply_markup;
  if (!markup || !('keyboard' in markup)) return [];
  return markup.keyboard.flat().map((button) => button.text);
}

/** The logged-in resident's main menu in Russian, row by row. */
export const MAIN_MENU_RU = [
  '💰 Баланс',
  '📟 Передать показания',
  '📋 Мои счета',
  '👤 Профиль',
  '✉️ Написать нам',
  '❓ Помощь',
  '🚪 Выйти',
];

/** The guest's inline buttons in Russian (`guestKeyboard`), one per row. */
export const GUEST_BUTTONS_RU = ['🔑 Войти', '📝 Зарегистрироваться', '❓ Помощь'];
