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

function serializeError(error: unknown) {
  const serialized = pino.stdSerializers.err(error as Error);
  if (typeof serialized.message === 'string') serialized.message = scrubSecrets(serialized.message);
  if (typeof serialized.stack === 'string') serialized.stack = scrubSecrets(serialized.stack);
  return serialized;
}

/** The process logger: JSON lines to stdout (or `destination`), personal data redacted. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'abonent' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
    },
    destination,
  );
}
