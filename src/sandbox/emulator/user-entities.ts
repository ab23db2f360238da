import { findAutoEntities } from './auto-entities.js';
import type { MessageEntity } from './types.js';

/**
 * Entities of plain user text: what Telegram detects itself (bot commands
 * with an optional @botname, mentions, URLs, e-mails, hashtags, cashtags,
 * phone numbers — see auto-entities.ts). Offsets are UTF-16 code units.
 */
export function detectUserEntities(text: string): MessageEntity[] {
  return findAutoEntities(text);
}
