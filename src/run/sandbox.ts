import { dirname, join } from 'node:path';
import { type AppDeps, createApp } from '../app';
import type { RunMode } from '../config';
import { registerCommands } from '../core/commands';
import { formatMoney } from '../core/format';
import { MailOutbox } from '../core/mail/outbox';
import { type DemoAccount, isDatabaseEmpty, seedDemo } from '../demo/seed';
import { createBotApiEmulator } from '../sandbox/emulator';
import { startPolling } from './polling';

export const SANDBOX_BOT = {
  id: 1000000001,
  username: 'abonent_sandbox_bot',
  first_name: 'Абонент (песочница)',
  token: '1000000001:SANDBOX-abonent-local-token',
} as const;

/** The showcase notes in Russian, for the banner and the page's demo box. */
const NOTE_RU: Record<string, string> = {
  'one-zone': 'однотарифный',
  'two-zone': 'день/ночь',
  'three-zone': 'три зоны',
  debtor: 'есть долг',
  advance: 'переплата',
  'automated metering': 'АСКУЭ — показания не нужны',
  'verification expired': 'поверка просрочена',
  'verification due soon': 'скоро поверка',
  'meter near rollover': 'счётчик у перехода через 99 999',
};
const noteRu = (note: string) => NOTE_RU[note] ?? note;

/**
 * Where the emulator keeps its users, chats and messages: beside the SQLite file
 * (`abonent.db` → `abonent.sandbox.json`), or beside the mail outbox for PostgreSQL.
 */
export function sandboxStateFile(databaseUrl: string, outboxDir: string): string {
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/.exec(databaseUrl)?.[1];
  if (sqlite && sqlite !== ':memory:')
    return sqlite.replace(/(\.db|\.sqlite3?)?$/, '.sandbox.json');
  return join(dirname(outboxDir), 'sandbox-state.json');
}

/** The largest Telegram user id the database has seen (cabinets and the audit trail), or 0. */
async function highestTelegramUserId(db: AppDeps['db']): Promise<number> {
  const [identities, audit] = await Promise.all([
    db('telegram_identities').max({ id: 'telegram_user_id' }).first(),
    db('audit_log').max({ id: 'telegram_user_id' }).first(),
  ]);
  return Math.max(Number(identities?.id ?? 0), Number(audit?.id ?? 0));
}

export interface RunningSandbox {
  url: string;
  demoAccounts: DemoAccount[];
  banner: string;
  stop(): Promise<void>;
}

/**
 * `npm start` without a token: the local Bot API emulator and its web chat on 127.0.0.1, demo data
 * on first start, and the real bot polling the emulator, exactly as it polls Telegram.
 */
export async function startSandbox(
  deps: AppDeps,
  mode: Extract<RunMode, { kind: 'sandbox' }>,
): Promise<RunningSandbox> {
  const { config, db, logger } = deps;
  let demoAccounts: DemoAccount[] = [];
  if (await isDatabaseEmpty(db)) {
    logger.info('empty database: seeding demo data');
    demoAccounts = (await seedDemo(db, { now: deps.clock() })).showcase;
  } else {
    demoAccounts = (await seedDemo(db, { dryRun: true, now: deps.clock() })).showcase;
  }
  const token = mode.token ?? SANDBOX_BOT.token;
  const outbox = new MailOutbox(config.mail.outboxDir);
  const emulator = createBotApiEmulator({
    // The page's residents are kept next to the database that remembers them (and ids are never
    // handed out twice, even without the file): a restart must not give a newcomer an old cabinet.
    stateFile: sandboxStateFile(config.databaseUrl, config.mail.outboxDir),
    usedUserIdsUpTo: await highestTelegramUserId(db),
    host: mode.host,
    port: mode.port,
    bot: { ...SANDBOX_BOT, token },
    rateLimits: true,
    mailbox: { list: () => outbox.list() },
    // What the web chat's «Демо-данные» box shows: an account and what proves owning it.
    info: () => ({
      demoAccounts: demoAccounts.map((account) => ({
        number: account.number,
        address: account.address,
        proofHint: `счётчик № ${account.meterSerial}; последнее начисление ${formatMoney(account.lastChargeKopecks)} — ${noteRu(account.note)}`,
      })),
    }),
    logger,
  });
  await emulator.start();
  const { bot, background, services, renderPool } = createApp(deps, {
    token,
    apiRoot: emulator.apiRoot,
    // Sandbox mail goes to the local outbox; the page's «Почта» panel refreshes at once.
    onMailSent: () => emulator.notify({ type: 'mail' }),
  });
  await registerCommands(bot.api, config, { adminChat: services.adminChat, logger });
  const runner = await startPolling(bot, logger);
  background.start();
  renderPool.warmInBackground(logger);

  const lines = demoAccounts.map(
    (account) =>
      `    ${account.number}  счётчик ${account.meterSerial}  (${noteRu(account.note)}) — ${account.address}`,
  );
  const banner = [
    '',
    `  abonent sandbox: open ${emulator.url} in a browser`,
    '  (a local Telegram emulator: no token, no Telegram account needed; Ctrl+C stops)',
    '',
    '  Demo accounts (number, meter serial for linking):',
    ...lines,
    '',
    '',
  ].join('\n');
  return {
    url: emulator.url,
    demoAccounts,
    banner,
    async stop() {
      if (runner.isRunning()) await runner.stop();
      await background.stop();
      await renderPool.close();
      await emulator.stop();
    },
  };
}
