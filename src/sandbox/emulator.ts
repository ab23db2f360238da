import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './emulator/api-error.js';
import { controlApi } from './emulator/control-api.js';
import { type EmulatorLogger, EmulatorCore } from './emulator/core.js';
import { EventHub } from './emulator/events.js';
import type { MethodHandler } from './emulator/methods/method.js';
import { methodTable } from './emulator/methods/index.js';
import { isRecord, Params } from './emulator/params.js';
import { StatePersistence } from './emulator/persistence.js';
import { RateLimiter } from './emulator/rate-limiter.js';
import { readRequestInput, RequestTooLarge } from './emulator/request-body.js';
import { SandboxState } from './emulator/state.js';
import { serveStatic } from './emulator/static-files.js';
import { UpdateStore } from './emulator/update-store.js';
import { WebhookDeliverer } from './emulator/webhook-deliverer.js';
import { fromRoot } from '../paths.js';

export type { TranscriptEntry } from './emulator/transcript.js';
export type * from './emulator/types.js';

/** A mail item the host's outbox exposes to the web chat (CONTRACT.md). */
export interface SandboxMailItem {
  id: string;
  to: string;
  subject: string;
  text: string;
  date: string;
}

/** How to run one emulator; see CONTRACT.md for the surface it serves. */
export interface EmulatorOptions {
  /** Interface to bind; default 127.0.0.1 (never exposed beyond the machine by default). */
  host?: string;
  /** Port; default 0 (any free port, for tests). The sandbox run mode passes a fixed one. */
  port?: number;
  /** The one bot this server hosts; any other token gets 401. */
  bot: { id: number; username: string; first_name: string; token: string };
  /**
   * As Telegram: a bot can't write first in a private chat — any send (or
   * other chat-addressed call) to a user who never wrote to the bot gets 403
   * "Forbidden: bot can't initiate conversation with a user". Default false:
   * the sandbox lets the bot message any user it knows.
   */
  strictPrivateChats?: boolean;
  /** Telegram's flood limits (429 + retry_after); default off, switchable at runtime. */
  rateLimits?: boolean;
  /** JSON file for users/chats/messages/files, so the sandbox survives restarts. */
  stateFile?: string;
  /**
   * New users get ids above this, even if the state file was lost: the bot's database remembers
   * Telegram users, and a reused id would hand a newcomer someone else's cabinet.
   */
  usedUserIdsUpTo?: number;
  /** Directory of the web chat; default src/sandbox/web next to this file. */
  webRoot?: string;
  /** The host's captured outgoing mail, shown by the web chat. */
  mailbox?: { list(): Promise<SandboxMailItem[]> };
  /** Extra data for GET /sandbox/api/info (e.g. demo logins). */
  info?: () => unknown;
  logger?: EmulatorLogger;
}

/** A running (or startable) local Telegram Bot API server. */
export interface BotApiEmulator {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `http://host:port`, valid after start(). */
  readonly url: string;
  /** Same as url; for grammY: `new Bot(token, { client: { apiRoot } })`. */
  readonly apiRoot: string;
  /** Pushes an SSE hint to the web chat, e.g. `{type:'mail'}` after the host sent mail. */
  notify(event: { type: string; chat_id?: number }): void;
}

const silentLogger: EmulatorLogger = { info: () => {}, warn: () => {} };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Creates a local Bot API emulator: the Telegram wire protocol for one bot
 * plus the user-side control API and web chat. Nothing starts until
 * `start()`; all state lives in the returned instance.
 */
export function createBotApiEmulator(options: EmulatorOptions): BotApiEmulator {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const webRoot = options.webRoot ?? fromRoot('src', 'sandbox', 'web');
  const { token, ...botInfo } = options.bot;
  const state = new SandboxState({ ...botInfo, is_bot: true });
  const persistence = new StatePersistence(options.stateFile, state, logger);
  const updates = new UpdateStore();
  const events = new EventHub();
  const limiter = new RateLimiter(options.rateLimits ?? false);
  const methods = methodTable();
  let core: EmulatorCore | undefined;

  const execute = async (
    handler: MethodHandler,
    params: Params,
    signal: AbortSignal,
  ): Promise<unknown> => {
    if (!core) throw new Error('emulator not started');
    return handler(core, params, signal);
  };

  const webhook = new WebhookDeliverer(
    updates,
    async (body) => {
      // A webhook reply: the update's response body is itself an API call.
      if (!isRecord(body) || typeof body.method !== 'string') return;
      const handler = methods.get(body.method.toLowerCase());
      if (handler) await execute(handler, new Params(body), new AbortController().signal);
    },
    (obj, msg) => logger.warn(obj, msg),
  );
  core = new EmulatorCore(
    state,
    updates,
    events,
    limiter,
    webhook,
    logger,
    () => persistence.markDirty(),
    { strictPrivateChats: options.strictPrivateChats ?? false },
  );
  const control = controlApi(core, { mailbox: options.mailbox, info: options.info });

  async function handleBotApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    m: RegExpExecArray,
  ): Promise<void> {
    if (m[1] !== token) return sendJson(res, 401, new ApiError(401, 'Unauthorized').toJSON());
    const handler = methods.get((m[2] ?? '').toLowerCase());
    if (!handler) return sendJson(res, 404, new ApiError(404, 'Not Found').toJSON());
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      const input = await readRequestInput(req, url);
      const result = await execute(handler, new Params(input.params, input.files), abort.signal);
      sendJson(res, 200, { ok: true, result });
    } catch (err) {
      if (err instanceof ApiError) return sendJson(res, err.code, err.toJSON());
      if (err instanceof RequestTooLarge)
        return sendJson(res, 413, new ApiError(413, 'Request Entity Too Large').toJSON());
      logger.warn({ err, method: m[2] }, 'sandbox Bot API method failed');
      sendJson(res, 500, new ApiError(500, 'Internal Server Error').toJSON());
    }
  }

  function handleFileDownload(res: ServerResponse, m: RegExpExecArray): void {
    const path = decodeURIComponent(m[2] ?? '');
    const file = [...state.files.values()].find((f) => f.file_path === path);
    if (m[1] !== token) {
      sendJson(res, 401, new ApiError(401, 'Unauthorized').toJSON());
    } else if (!file) {
      sendJson(res, 404, new ApiError(404, 'Not Found').toJSON());
    } else {
      res.writeHead(200, { 'content-type': file.mime_type, 'content-length': file.bytes.length });
      res.end(file.bytes);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const bot = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    if (bot) return handleBotApi(req, res, url, bot);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return handleFileDownload(res, file);
    if (url.pathname === '/sandbox/api' || url.pathname.startsWith('/sandbox/api/'))
      return control(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { ok: false, error: 'method not allowed' });
    return serveStatic(webRoot, url.pathname, res);
  }

  let server: Server | undefined;
  let address = '';

  return {
    async start() {
      if (server) return;
      await persistence.load();
      if (options.usedUserIdsUpTo !== undefined && state.nextUserId <= options.usedUserIdsUpTo)
        state.nextUserId = options.usedUserIdsUpTo + 1;
      const srv = createServer((req, res) => {
        handle(req, res).catch((err: unknown) => {
          logger.warn({ err }, 'sandbox request failed');
          sendJson(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
        });
      });
      srv.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(options.port ?? 0, host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      server = srv;
      const { port } = srv.address() as AddressInfo;
      address = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      logger.info({ url: address }, 'sandbox Bot API emulator listening');
    },
    async stop() {
      const srv = server;
      if (!srv) return;
      server = undefined;
      webhook.stop();
      updates.releasePoller();
      events.close();
      for (const [id, pending] of core.preCheckouts) {
        pending.settle({ ok: false, error: 'sandbox stopped' });
        core.preCheckouts.delete(id);
      }
      await new Promise<void>((resolve) => {
        srv.close(() => resolve());
        srv.closeAllConnections();
      });
      await persistence.flush();
    },
    get url() {
      if (!address) throw new Error('emulator not started');
      return address;
    },
    get apiRoot() {
      return this.url;
    },
    notify(event) {
      events.emit(event);
    },
  };
}
