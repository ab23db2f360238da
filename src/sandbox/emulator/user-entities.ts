import type { MessageEntity } from './types.js';

/**
 * Entities Telegram's clients attach to plain user text: bot commands (with an
 * optional @botname), mentions, URLs and e-mails. Offsets are UTF-16 code
 * units, which is what JavaScript string indices already are.
 */
export function detectUserEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const patterns: Array<[RegExp, string]> = [
    [/(?<![\w/])\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/])/g, 'bot_command'],
    [/(?<![\w@])@[a-zA-Z0-9_]{5,32}(?!\w)/g, 'mention'],
    [/(?<![\w@.])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, 'email'],
    [/\bhttps?:\/\/[^\s]+/g, 'url'],
  ];
  for (const [re, type] of patterns) {
    for (const m of text.matchAll(re)) {
      const offset = m.index ?? 0;
      if (entities.some((e) => offset < e.offset + e.length && e.offset < offset + m[0].length))
        continue;
      entities.push({ type, offset, length: m[0].length });
    }
  }
  return entities.sort((a, b) => a.offset - b.offset);
}
