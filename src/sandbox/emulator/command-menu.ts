import type { EmulatorCore } from './core.js';
import { commandKey } from './methods/bot-settings.js';
import type { ChatState } from './state.js';
import type { BotCommand } from './types.js';

/**
 * The command menu a Telegram client would show in this chat: the first
 * non-empty list along the documented scope chain, trying the user's
 * language before the default (core.telegram.org/bots/api#determining-list-of-commands).
 */
export function commandsForChat(
  core: EmulatorCore,
  chat: ChatState,
  userId: number | undefined,
  language: string,
): BotCommand[] {
  const id = chat.chat.id;
  const scopes: Array<Record<string, unknown>> =
    chat.chat.type === 'private'
      ? [{ type: 'chat', chat_id: id }, { type: 'all_private_chats' }, { type: 'default' }]
      : [
          ...(userId ? [{ type: 'chat_member', chat_id: id, user_id: userId }] : []),
          { type: 'chat', chat_id: id },
          { type: 'all_group_chats' },
          { type: 'default' },
        ];
  const languages = language ? [language, ''] : [''];
  for (const scope of scopes) {
    for (const lang of languages) {
      const list = core.state.commands.get(commandKey(scope, lang));
      if (list?.length) return list;
    }
  }
  return [];
}
