import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry personal data or secrets. Logs leave the database's protection (they are
 * shipped, kept longer, read by more people), so these never reach them in clear.
 */
const REDACTED_PATHS = [
  'token',
  'password',
  'secret',
  'email',
  'phone',
  'full_name',
  'name',
  'first_name',
  'last_name',
  'username',
  'address',
  'text',
  'caption',
  'code',
  '*.token',
  '*.password',
  '*.secret',
  '*.email',
  '*.phone',
  '*.full_name',
  '*.first_name',
  '*.last_name',
  '*.username',
  '*.address',
  '*.text',
  '*.caption',
  '*.code',
  'update.message',
  'update.edited_message',
  'update.callback_query',
  'headers.authorization',
  'headers["x-telegram-bot-api-secret-token"]',
];

/** Bot tokens can appear inside error messages (URLs of failed API calls). */
const TOKEN_PATTERN = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

export function scrubSecrets(value: string): string {
  return value.replace(TOKEN_PATTERN, '[token]');
}

/** SQLite (`SQLITE_…`) and PostgreSQL (5-character SQLSTATE) error codes. */
const DATABASE_CODE = /^(SQLITE_[A-Z_]+|[0-9A-Z]{5})$/;
/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()]|\([^()]*\))*\)=\((?:[^()]|\([^()]*\))*\)/g;
/** What of an error reaches the log: never the values a driver attaches (`detail`, bindings, ctx). */
const KEPT_FIELDS = new Set(['type', 'message', 'stack', 'code', 'errno', 'name', 'status']);

/**
 * A database error's message cut at the first quote of the driver's part: what follows a quote
 * may be a stored or typed value (`invalid input syntax for type json: "{…}"`). Knex prefixes the
 * driver's message with the SQL and ` - `; that SQL has placeholders only (`compileSqlOnError:
 * false`) and keeps its identifiers, so a reader still sees which table failed.
 */
function redactValues(message: string): string {
  const split = message.lastIndexOf(' - ');
  const sql = split >= 0 ? message.slice(0, split + 3) : '';
  const native = split >= 0 ? message.slice(split + 3) : message;
  const quote = native.search(/["'`]/);
  return sql + (quote >= 0 ? `${native.slice(0, quote)}[value]` : native);
}

interface SerializedError {
  [field: string]: unknown;
  message?: string;
  stack?: string;
}

/**
 * Errors are logged by a whitelist: type, message, stack, code and the causes, each scrubbed of
 * bot tokens; a database error's quoted values are replaced. Whatever else an error carries is
 * dropped: PostgreSQL's `detail` and `where` (they quote row values), SQL bindings, and grammY's
 * `BotError.ctx` (the whole update: names, typed text). Knex is told not to inline values into
 * messages (`compileSqlOnError: false`); this is the second line.
 */
function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { message: scrubSecrets(String(error)) };
  const raw = pino.stdSerializers.err(error) as SerializedError;
  const database = DATABASE_CODE.test(String((error as { code?: unknown }).code ?? ''));
  const out: SerializedError = {};
  for (const field of KEPT_FIELDS) if (raw[field] !== undefined) out[field] = raw[field];
  const message = typeof raw.message === 'string' ? raw.message : '';
  const safe = database ? redactValues(message) : message;
  if (typeof out.message === 'string') out.message = scrubSecrets(safe);
  if (typeof out.stack === 'string') {
    const stack = message ? out.stack.replace(message, safe) : out.stack;
    out.stack = scrubSecrets(stack);
  }
  // `code` is a redacted path (one-time codes); a driver's error code is not personal.
  if (out.code !== undefined) {
    out.errorCode = out.code;
    delete out.code;
  }
  const inner = (error as { error?: unknown }).error ?? (error as { cause?: unknown }).cause;
  if (inner !== undefined && depth < 3) out.cause = serializeError(inner, depth + 1);
  return out;
}

/** The process logger: JSON lines to stdout (or `destination`), personal data redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'abonent' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        err: (e: unknown) => serializeError(e),
        error: (e: unknown) => serializeError(e),
      },
    },
    destination,
  );
}
