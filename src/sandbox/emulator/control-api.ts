import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ControlError } from './api-error.js';
import type { EmulatorCore } from './core.js';
import { commandsForChat } from './command-menu.js';
import { readBody } from './request-body.js';
import type { ChatState } from './state.js';
import { toTranscriptEntry } from './transcript.js';
import type { User } from './types.js';
import {
  editUserMessage,
  payInvoice,
  pressCallback,
  sendUserMessage,
  shareContact,
} from './user-actions.js';

/** What the host injects into the control API (see EmulatorOptions). */
export interface ControlHooks {
  mailbox?: {
    list(): Promise<Array<{ id: string; to: string; subject: string; text: string; date: string }>>;
  };
  info?: () => unknown;
}

const fileInput = z.object({
  filename: z.string().min(1),
  mime_type: z.string().min(1),
  base64: z.string(),
});

const schemas = {
  user: z.object({
    first_name: z.string().min(1).max(64),
    last_name: z.string().max(64).optional(),
    username: z
      .string()
      .regex(/^[a-zA-Z0-9_]{5,32}$/)
      .optional(),
    language_code: z.string().optional(),
  }),
  block: z.object({ blocked: z.boolean() }),
  group: z.object({ title: z.string().min(1).max(128), member_ids: z.array(z.number().int()) }),
  message: z.object({
    from: z.number().int(),
    text: z.string().optional(),
    reply_to_message_id: z.number().int().optional(),
    photo: fileInput.optional(),
    document: fileInput.optional(),
    caption: z.string().optional(),
    forward_from: z.number().int().optional(),
  }),
  contact: z.object({
    from: z.number().int(),
    phone_number: z.string().min(1),
    first_name: z.string().min(1),
    last_name: z.string().optional(),
    user_id: z.number().int().optional(),
    reply_to_message_id: z.number().int().optional(),
  }),
  callback: z.object({ from: z.number().int(), message_id: z.number().int(), data: z.string() }),
  edit: z.object({ from: z.number().int(), text: z.string().min(1).max(4096) }),
  pay: z.object({ from: z.number().int(), message_id: z.number().int() }),
  settings: z.object({ rate_limits: z.boolean().optional() }),
};

export type FileInput = z.infer<typeof fileInput>;
export type UserMessageInput = z.infer<typeof schemas.message>;
export type UserEditInput = z.infer<typeof schemas.edit>;
export type ContactInput = z.infer<typeof schemas.contact>;

async function jsonBody<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = await readBody(req);
  let data: unknown = {};
  if (raw.length > 0) {
    try {
      data = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ControlError(400, 'body must be JSON');
    }
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ControlError(
      400,
      parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

function chatOf(core: EmulatorCore, id: string): ChatState {
  const chat = core.state.chats.get(Number(id));
  if (!chat) throw new ControlError(404, `chat ${id} not found`);
  return chat;
}

/** The user `from` if they exist and belong to the chat. */
export function memberOf(core: EmulatorCore, chat: ChatState, from: number): User {
  const user = core.state.users.get(from)?.user;
  if (!user) throw new ControlError(404, `user ${from} not found`);
  if (!core.state.isMember(chat, from))
    throw new ControlError(403, `user ${from} is not a member of chat ${chat.chat.id}`);
  return user;
}

function chatView(chat: ChatState): object {
  return chat.member_ids ? { ...chat.chat, member_ids: chat.member_ids } : chat.chat;
}

type Route = (
  m: RegExpExecArray,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<unknown>;

/**
 * The user-side control API of CONTRACT.md: what a human does in a Telegram
 * client (create accounts, write, press buttons, pay), plus observation
 * endpoints for the web chat and tests (transcript, files, wait, events).
 */
export function controlApi(
  core: EmulatorCore,
  hooks: ControlHooks,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const routes: Array<[string, RegExp, Route]> = [
    [
      'GET',
      /^info$/,
      async () => ({
        bot: { id: core.bot.id, username: core.bot.username, first_name: core.bot.first_name },
        extra: hooks.info?.() ?? null,
      }),
    ],
    [
      'GET',
      /^users$/,
      async () => [...core.state.users.values()].map((u) => ({ ...u.user, blocked: u.blocked })),
    ],
    [
      'POST',
      /^users$/,
      async (_m, req) => {
        const user = core.state.createUser(await jsonBody(req, schemas.user));
        core.markDirty();
        core.events.emit({ type: 'user' });
        core.events.emit({ type: 'chat', chat_id: user.id });
        return user;
      },
    ],
    [
      'POST',
      /^users\/(-?\d+)\/block$/,
      async (m, req) => {
        const entry = core.state.users.get(Number(m[1]));
        if (!entry) throw new ControlError(404, `user ${m[1]} not found`);
        entry.blocked = (await jsonBody(req, schemas.block)).blocked;
        core.markDirty();
        core.events.emit({ type: 'user', chat_id: entry.user.id });
        return { ok: true };
      },
    ],
    ['GET', /^chats$/, async () => [...core.state.chats.values()].map(chatView)],
    [
      'POST',
      /^groups$/,
      async (_m, req) => {
        const body = await jsonBody(req, schemas.group);
        for (const id of body.member_ids) {
          if (!core.state.users.has(id)) throw new ControlError(404, `user ${id} not found`);
        }
        const chat = core.state.createGroup(body.title, body.member_ids);
        core.markDirty();
        core.events.emit({ type: 'chat', chat_id: chat.chat.id });
        return chatView(chat);
      },
    ],
    [
      'POST',
      /^groups\/(-?\d+)\/migrate$/,
      async (m) => {
        const fresh = core.state.migrateGroup(Number(m[1]));
        if (!fresh) throw new ControlError(404, `group ${m[1]} not found or already migrated`);
        core.markDirty();
        core.events.emit({ type: 'chat', chat_id: fresh.chat.id });
        return chatView(fresh);
      },
    ],
    [
      'POST',
      /^chats\/(-?\d+)\/messages$/,
      async (m, req) =>
        sendUserMessage(core, chatOf(core, m[1] ?? ''), await jsonBody(req, schemas.message)),
    ],
    [
      'POST',
      /^chats\/(-?\d+)\/messages\/(\d+)\/edit$/,
      async (m, req) =>
        editUserMessage(
          core,
          chatOf(core, m[1] ?? ''),
          Number(m[2]),
          await jsonBody(req, schemas.edit),
        ),
    ],
    [
      'POST',
      /^chats\/(-?\d+)\/contact$/,
      async (m, req) =>
        shareContact(core, chatOf(core, m[1] ?? ''), await jsonBody(req, schemas.contact)),
    ],
    [
      'POST',
      /^chats\/(-?\d+)\/callback$/,
      async (m, req) =>
        pressCallback(core, chatOf(core, m[1] ?? ''), await jsonBody(req, schemas.callback)),
    ],
    [
      'GET',
      /^callbacks\/([^/]+)$/,
      async (m) => {
        const record = core.callbacks.get(decodeURIComponent(m[1] ?? ''));
        if (!record) throw new ControlError(404, 'callback query not found');
        const { chatId: _c, createdAt: _t, ...answer } = record;
        return answer;
      },
    ],
    [
      'POST',
      /^chats\/(-?\d+)\/pay$/,
      async (m, req) =>
        payInvoice(core, chatOf(core, m[1] ?? ''), await jsonBody(req, schemas.pay)),
    ],
    [
      'GET',
      /^chats\/(-?\d+)\/transcript$/,
      async (m) => chatOf(core, m[1] ?? '').messages.map((s) => toTranscriptEntry(s, core.bot)),
    ],
    [
      'GET',
      /^chats\/(-?\d+)\/commands$/,
      async (m, _req, _res, u) =>
        commandsForChat(
          core,
          chatOf(core, m[1] ?? ''),
          Number(u.searchParams.get('user_id')) || undefined,
          u.searchParams.get('language_code') ?? '',
        ),
    ],
    [
      'GET',
      /^chats\/(-?\d+)\/wait$/,
      async (m, _req, res, u) => {
        const chat = chatOf(core, m[1] ?? '');
        const after = Number(u.searchParams.get('after') ?? '0') || 0;
        const timeout = Math.min(
          Math.max(Number(u.searchParams.get('timeout') ?? '10000') || 10000, 0),
          120_000,
        );
        const find = () =>
          chat.messages.find((s) => s.direction === 'out' && s.message.message_id > after);
        let found = find();
        if (!found) {
          const abort = new AbortController();
          res.on('close', () => abort.abort());
          await core.events.waitForBotMessage(chat.chat.id, after, timeout, abort.signal);
          found = find();
        }
        if (!found) throw new ControlError(408, 'timeout');
        return toTranscriptEntry(found, core.bot);
      },
    ],
    [
      'GET',
      /^mail$/,
      async () => {
        const items = (await hooks.mailbox?.list()) ?? [];
        return [...items].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
      },
    ],
    ['GET', /^settings$/, async () => ({ rate_limits: core.limiter.enabled })],
    [
      'POST',
      /^settings$/,
      async (_m, req) => {
        const body = await jsonBody(req, schemas.settings);
        if (body.rate_limits !== undefined) core.limiter.enabled = body.rate_limits;
        return { rate_limits: core.limiter.enabled };
      },
    ],
  ];

  return async (req, res, u) => {
    const path = u.pathname.replace(/^\/sandbox\/api\/?/, '').replace(/\/$/, '');
    try {
      if (req.method === 'GET' && path === 'events') {
        core.events.subscribe(res);
        return;
      }
      const fileMatch = /^files\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && fileMatch) {
        const file = core.state.files.get(decodeURIComponent(fileMatch[1] ?? ''));
        if (!file) throw new ControlError(404, 'file not found');
        const name = file.file_name ?? file.file_path.split('/').pop() ?? 'file';
        res.writeHead(200, {
          'content-type': file.mime_type,
          'content-length': file.bytes.length,
          'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(name)}`,
          'cache-control': 'private, max-age=3600',
        });
        res.end(file.bytes);
        return;
      }
      let methodMismatch = false;
      for (const [method, re, route] of routes) {
        const m = re.exec(path);
        if (!m) continue;
        if (method !== req.method) {
          methodMismatch = true;
          continue;
        }
        send(res, 200, await route(m, req, res, u));
        return;
      }
      throw new ControlError(
        methodMismatch ? 405 : 404,
        methodMismatch ? 'method not allowed' : `unknown endpoint /sandbox/api/${path}`,
      );
    } catch (err) {
      if (res.headersSent) return;
      if (err instanceof ControlError) {
        send(res, err.status, { ok: false, error: err.message });
        return;
      }
      core.logger.warn({ err }, 'sandbox control API failed');
      send(res, 500, { ok: false, error: err instanceof Error ? err.message : 'internal error' });
    }
  };
}
