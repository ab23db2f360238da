import type { IncomingMessage } from 'node:http';
import { badRequest } from './api-error.js';
import { multipartBoundary, parseMultipart, type UploadedFile } from './multipart.js';

/** Telegram's upload limit for bots on the public Bot API server. */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** Raw parameters of a request plus any uploaded files. */
export interface RequestInput {
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

/** Reads the whole body, refusing anything over the Bot API upload limit. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new RequestTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Signals a body over the limit; the router answers 413 like Telegram. */
export class RequestTooLarge extends Error {}

/**
 * Collects Bot API parameters the three ways Telegram accepts them (query
 * string, JSON, url-encoded, multipart). Form values stay strings; handlers
 * decode JSON-encoded objects through `Params`.
 */
export async function readRequestInput(req: IncomingMessage, url: URL): Promise<RequestInput> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files = new Map<string, UploadedFile>();
  if (req.method !== 'POST') return { params, files };
  const body = await readBody(req);
  if (body.length === 0) return { params, files };
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest('parameters must be a JSON object');
    }
    Object.assign(params, parsed);
  } else if (type.startsWith('multipart/form-data')) {
    const boundary = multipartBoundary(req.headers['content-type'] ?? '');
    if (!boundary) throw badRequest('multipart boundary is missing');
    try {
      const result = parseMultipart(body, boundary);
      Object.assign(params, result.fields);
      for (const [k, v] of result.files) files.set(k, v);
    } catch {
      throw badRequest("can't parse multipart/form-data body");
    }
  } else {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  }
  return { params, files };
}
