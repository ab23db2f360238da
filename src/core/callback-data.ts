/**
 * Inline-button payloads: `v1|<feature>|<action>[|<arg>…]`.
 *
 * The version lets a new release recognise buttons left in old messages and answer them politely
 * instead of misreading them. Arguments are data from the chat, so handlers validate them again
 * (and services re-check ownership): a client can send any `callback_data` it likes.
 */
export const CALLBACK_VERSION = 'v1';
const MAX_CALLBACK_BYTES = 64;

export function callbackData(
  feature: string,
  action: string,
  ...args: (string | number)[]
): string {
  const data = [CALLBACK_VERSION, feature, action, ...args.map(String)].join('|');
  if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES) {
    throw new RangeError(`callback data over ${MAX_CALLBACK_BYTES} bytes: ${feature}|${action}`);
  }
  return data;
}

/** A pattern for `bot.callbackQuery` matching one feature's action; arguments in capture groups. */
export function callbackPattern(
  feature: string,
  action: string,
  argPatterns: string[] = [],
): RegExp {
  const parts = [CALLBACK_VERSION, feature, action, ...argPatterns.map((p) => `(${p})`)];
  return new RegExp(`^${parts.join('\\|')}$`);
}
