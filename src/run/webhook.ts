import { createServer, type Server } from 'node:http';
import { type Bot, webhookCallback } from 'grammy';
import type { BotContext } from '../core/context';
import { type Db, isReachable } from '../core/db/index';
import type { Logger } from '../core/logger';
import { ALLOWED_UPDATES } from './updates';
import type { Clock } from '../core/clock';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** Telegram gives up redelivering an update after about a day; remembering two is plenty. */
const REMEMBER_UPDATES_MS = 2 * 24 * 60 * 60 * 1000;

/** Forgets processed `update_id`s older than Telegram could redeliver. Returns how many went. */
export async function pruneProcessedUpdates(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - REMEMBER_UPDATES_MS).toISOString();
  return db('processed_updates').where('at', '<', cutoff).delete();
}

export interface WebhookOptions {
  url: string;
  secret: string;
  host: string;
  port: number;
  /** Tell Telegram about the URL (production); tests that deliver updates themselves skip it. */
  register?: boolean;
}

export interface WebhookServer {
  server: Server;
  port: number;
  stop(): Promise<void>;
}

/**
 * The webhook endpoint: POSTs to the webhook URL's path are updates, accepted only with the
 * right `X-Telegram-Bot-Api-Secret-Token` (401 otherwise, nothing processed); `GET /healthz`
 * reports whether the database answers, for the load balancer.
 */
export async function startWebhook(
  bot: Bot<BotContext>,
  db: Db,
  logger: Logger,
  options: WebhookOptions,
  /** The app's one clock: prunes remembered update ids older than two days. */
  clock: Clock,
): Promise<WebhookServer> {
  await bot.init();
  const path = new URL(options.url).pathname || '/';
  const handleUpdate = webhookCallback(bot, 'http', {
    secretToken: options.secret,
    onTimeout: 'return',
    timeoutMilliseconds: 55_000,
  });
  const server = createServer(async (req, res) => {
    const requestPath = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && requestPath === '/healthz') {
      const database = await isReachable(db);
      res.writeHead(database ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: database, database: database ? 'up' : 'down' }));
      return;
    }
    if (req.method === 'POST' && requestPath === path) {
      try {
        await handleUpdate(req, res);
      } catch (error) {
        logger.error({ err: error }, 'webhook request failed');
        if (!res.headersSent) res.writeHead(500).end();
      }
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  if (options.register !== false) {
    await bot.api.setWebhook(options.url, {
      secret_token: options.secret,
      allowed_updates: [...ALLOWED_UPDATES],
      drop_pending_updates: false,
    });
  }
  logger.info({ port, path }, 'webhook server listening');
  const prune = setInterval(() => {
    pruneProcessedUpdates(db, clock()).catch((error: unknown) =>
      logger.warn({ err: error }, 'could not prune processed updates'),
    );
  }, PRUNE_INTERVAL_MS);
  prune.unref();
  return {
    server,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(prune);
        // Stop accepting; requests in flight finish. The webhook stays set, so Telegram queues.
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
