import { config as loadDotenv } from 'dotenv';
import { createApp } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { systemClock } from './core/clock';
import { registerCommands } from './core/commands';
import { createDatabase, type Db, migrateLatest, openStateDatabase } from './core/db/index';
import { createLogger, type Logger, scrubSecrets } from './core/logger';
import { startPolling } from './run/polling';
import { startWebhook } from './run/webhook';

/** Something that was started and must be stopped, in reverse order, on SIGINT/SIGTERM. */
type Stoppable = () => Promise<void>;

/**
 * Process entry: config → database → migrations → the chosen run mode; signals stop it
 * gracefully (updates in flight finish, the database closes). Startup problems end the process
 * with exit code 1 and a readable message, never a stack trace.
 */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`abonent: ${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const db = createDatabase(config.databaseUrl);
  try {
    const applied = await migrateLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  } catch (error) {
    process.stderr.write(
      `abonent: cannot open or migrate the database (${describeDatabase(config.databaseUrl)}): ${scrubSecrets(errorMessage(error))}\n`,
    );
    await db.destroy().catch(() => {});
    process.exit(1);
  }

  const stops: Stoppable[] = [() => db.destroy()];
  try {
    const stateDb = await openStateDatabase(config.databaseUrl, db);
    if (stateDb !== db) stops.push(() => stateDb.destroy());
    stops.push(...(await startMode(config, db, stateDb, logger)));
  } catch (error) {
    logger.fatal({ err: error }, 'could not start');
    process.stderr.write(`abonent: could not start: ${scrubSecrets(errorMessage(error))}\n`);
    await db.destroy().catch(() => {});
    process.exit(1);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    for (const stop of stops.reverse()) {
      await stop().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

async function startMode(
  config: Config,
  db: Db,
  stateDb: Db,
  logger: Logger,
): Promise<Stoppable[]> {
  const deps = { config, db, stateDb, logger, clock: systemClock };
  const mode = config.mode;
  switch (mode.kind) {
    case 'polling': {
      const { bot, background, services, renderPool } = createApp(deps, {
        token: mode.token,
        apiRoot: mode.apiRoot,
      });
      await registerCommands(bot.api, config, { adminChat: services.adminChat, logger });
      const runner = await startPolling(bot, logger);
      background.start();
      // The render pool is not warmed: its threads start on the first render (issue 12, RSS).
      // Stopped in reverse: the runner, the background, then the render threads.
      return [() => renderPool.close(), () => runner.stop(), () => background.stop()];
    }
    case 'webhook': {
      const { bot, background, services, renderPool } = createApp(deps, {
        token: mode.token,
        apiRoot: mode.apiRoot,
        dedupeUpdates: true,
      });
      await registerCommands(bot.api, config, { adminChat: services.adminChat, logger });
      const server = await startWebhook(bot, db, logger, mode, systemClock, async () => ({
        adminChat: await services.adminChat.health(),
      }));
      background.start();
      return [() => renderPool.close(), () => server.stop(), () => background.stop()];
    }
    case 'sandbox': {
      // Loaded only here: the emulator and demo data are not part of a production process.
      const { startSandbox } = await import('./run/sandbox');
      const sandbox = await startSandbox(deps, mode);
      process.stdout.write(sandbox.banner);
      return [() => sandbox.stop()];
    }
  }
}

function describeDatabase(url: string): string {
  return url.startsWith('sqlite:') ? url : url.replace(/\/\/[^@/]*@/, '//***@');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

await main();
