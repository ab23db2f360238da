import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type Bot, BotError } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from '../core/context';
import { pruneProcessedUpdates, UpdateInFlight } from './processed-updates';
import { type Db, isReachable } from '../core/db/index';
import type { Logger } from '../core/logger';
import { ALLOWED_UPDATES } from './updates';
import type { Clock } from '../core/clock';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The largest request body taken: Telegram's updates are a few kilobytes (a message is at most
 * 4 096 characters); anything bigger is refused with 413 before it is read whole into memory.
 */
export const MAX_UPDATE_BYTES = 1024 * 1024;
/** Telegram waits about a minute for an answer; past this the update is answered and finishes alone. */
const ANSWER_WITHIN_MS = 55_000;

class BodyTooLarge extends Error {}

/** Reads a request body of at most `limit` bytes; a longer one stops reading at once. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Compares the secret header in constant time. */
function secretMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
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
 * right `X-Telegram-Bot-Api-Secret-Token` (401 otherwise, nothing processed), at most
 * {@link MAX_UPDATE_BYTES} long (413), valid JSON (400); a handling that fails answers 500 so
 * Telegram redelivers. `GET /healthz` reports whether the database answers, for the load balancer.
 */
export async function startWebhook(
  bot: Bot<BotContext>,
  db: Db,
  logger: Logger,
  options: WebhookOptions,
  /** The app's one clock: prunes remembered update ids older than two days. */
  clock: Clock,
  /** More to report on `/healthz` (the admin chat: where it is, and what to fix). */
  extraHealth?: () => Promise<Record<string, unknown>>,
): Promise<WebhookServer> {
  await bot.init();
  const path = new URL(options.url).pathname || '/';
  const handle = async (req: IncomingMessage): Promise<number> => {
    if (!secretMatches(req.headers['x-telegram-bot-api-secret-token'], options.secret)) return 401;
    let update: Update;
    try {
      update = JSON.parse((await readBody(req, MAX_UPDATE_BYTES)).toString('utf8')) as Update;
    } catch (error) {
      if (error instanceof BodyTooLarge) return 413;
      return 400;
    }
    if (typeof update?.update_id !== 'number') return 400;
    // An update whose handling fails answers 500 and is not remembered as processed (see
    // dedupeUpdates), so Telegram delivers it again. A slow one is answered 200 after 55 s and
    // finishes on its own, as Telegram would otherwise resend it while it is still running.
    const handled = bot.handleUpdate(update).then(
      () => 200,
      (error: unknown) => {
        const cause = error instanceof BotError ? error.error : error;
        if (cause instanceof UpdateInFlight) return 503;
        logger.error({ err: cause, update_id: update.update_id }, 'update handling failed');
        return 500;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<number>((resolve) => {
      timer = setTimeout(() => resolve(200), ANSWER_WITHIN_MS);
    });
    try {
      return await Promise.race([handled, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  const server = createServer(async (req, res) => {
    const requestPath = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && requestPath === '/healthz') {
      const database = await isReachable(db);
      res.writeHead(database ? 200 : 503, { 'content-type': 'application/json' });
      const extra = extraHealth ? await extraHealth().catch(() => ({})) : {};
      res.end(JSON.stringify({ ok: database, database: database ? 'up' : 'down', ...extra }));
      return;
    }
    if (req.method === 'POST' && requestPath === path) {
      const status = await handle(req).catch((error: unknown) => {
        logger.error({ err: error }, 'webhook request failed');
        return 500;
      });
      // A refused body is not drained: the connection closes instead of reading 200 MB.
      if (status === 413) res.setHeader('connection', 'close');
      res.writeHead(status).end();
      if (status === 413) req.destroy();
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
