import { type AppDeps, createApp } from '../app';
import type { RunMode } from '../config';
import { registerCommands } from '../core/commands';
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
        proofHint: `счётчик № ${account.meterSerial}; последнее начисление ${(account.lastChargeKopecks / 100).toFixed(2).replace('.', ',')} ₽ — ${noteRu(account.note)}`,
      })),
    }),
    logger,
  });
  await emulator.start();
  const { bot, background, services } = createApp(deps, {
    token,
    apiRoot: emulator.apiRoot,
    // Sandbox mail goes to the local outbox; the page's «Почта» panel refreshes at once.
    onMailSent: () => emulator.notify({ type: 'mail' }),
  });
  await registerCommands(bot.api, config, { adminChat: services.adminChat, logger });
  const runner = await startPolling(bot, logger);
  background.start();

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
      await emulator.stop();
    },
  };
}
