import type { MiddlewareFn } from 'grammy';
import { createRequire } from 'node:module';
import type { BotContext } from './context';
import type { Logger } from './logger';

/**
 * One chat's updates handled one at a time across every bot instance on one PostgreSQL.
 *
 * `sequentialize` orders a chat's updates inside one process only; with several webhook
 * instances, two updates of one chat can be handled at once by two processes, and the session
 * and conversation storage (read at the start, written at the end) would lose one of the two
 * steps. This middleware holds a PostgreSQL advisory lock keyed by the chat id for the whole
 * handling, on a small pool of its own (so handlers never wait for a connection the lock holds).
 * A dead process's lock goes with its connection. Mutual exclusion, not order: Telegram itself
 * sends a chat's next update only when the previous was answered, so order follows.
 */
export function createChatLock(
  databaseUrl: string,
  logger: Logger,
  options: { maxConcurrentChats?: number } = {},
): MiddlewareFn<BotContext> {
  // Loaded here, not at import: a bot on SQLite never needs the driver (issue 12, RSS).
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg');
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.maxConcurrentChats ?? 20,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'chat lock connection lost'));
  return async (ctx, next) => {
    const chatId = ctx.chat?.id ?? ctx.from?.id;
    if (chatId === undefined) return next();
    const client = await pool.connect();
    let healthy = true;
    // The pool listens for errors on idle connections only; a connection lost while it holds
    // the lock (the server restarted, the database dropped) must not crash the process.
    const lost = (error: Error) => {
      healthy = false;
      logger.warn({ err: error }, 'chat lock connection lost while held');
    };
    client.on('error', lost);
    try {
      await client.query('select pg_advisory_lock($1::bigint)', [chatId]);
      await next();
    } catch (error) {
      healthy = !(error instanceof Error && /connection|terminat/i.test(error.message));
      throw error;
    } finally {
      if (healthy) {
        await client.query('select pg_advisory_unlock($1::bigint)', [chatId]).catch(() => {
          healthy = false;
        });
      }
      client.off('error', lost);
      // A connection in doubt is closed: its session lock goes with it.
      client.release(!healthy);
    }
  };
}
