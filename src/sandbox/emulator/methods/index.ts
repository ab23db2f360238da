import { botSettingsMethods } from './bot-settings.js';
import { chatMethods } from './chats.js';
import { mediaMethods } from './media.js';
import { messageMethods } from './messages.js';
import type { MethodHandler } from './method.js';
import { paymentMethods } from './payments.js';
import { updateMethods } from './updates.js';

/**
 * Every supported Bot API method, keyed by lower-case name: Telegram matches
 * method names case-insensitively.
 */
export function methodTable(): Map<string, MethodHandler> {
  const all = {
    ...updateMethods,
    ...messageMethods,
    ...mediaMethods,
    ...paymentMethods,
    ...botSettingsMethods,
    ...chatMethods,
  };
  return new Map(Object.entries(all).map(([name, handler]) => [name.toLowerCase(), handler]));
}
