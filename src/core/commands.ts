import { type Api, GrammyError } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Config } from '../config';
import { createI18n, SUPPORTED_LOCALES } from './i18n';
import type { Logger } from './logger';

/** Where the admin chat is now; the staff feature's `AdminChat` is one. */
export interface AdminChatPort {
  id(): Promise<number | undefined>;
  migrated(from: number, to: number): Promise<void>;
  problem(description: string | null): Promise<void>;
}

/** The commands of private chats, in menu order. */
export const PRIVATE_COMMANDS = [
  'start',
  'help',
  'register',
  'login',
  'recover',
  'logout',
  'balance',
  'pay',
  'receipt',
  'reading',
  'readings',
  'reminders',
  'appeal',
  'appeals',
  'accounts',
  'link',
  'profile',
  'security',
  'privacy',
  'mydata',
  'language',
  'cancel',
] as const;
const ADMIN_COMMANDS = ['help', 'find', 'stats', 'export', 'chatid'] as const;

/** The command menus Telegram shows: residents' in private chats, staff's in the admin chat only. */
export function commandLists(config: Config) {
  const i18n = createI18n(config.defaultLocale, async () => undefined);
  const list = (locale: string, commands: readonly string[], prefix: string): BotCommand[] =>
    commands.map((command) => ({
      command,
      description: i18n.t(locale, `${prefix}${command}`),
    }));
  return SUPPORTED_LOCALES.map((locale) => ({
    locale,
    private: list(locale, PRIVATE_COMMANDS, 'command-'),
    admin: list(locale, ADMIN_COMMANDS, 'command-admin-'),
  }));
}

/**
 * Publishes the command menus, per language. The default (no language) list is the configured
 * default locale's, for clients whose language we have no translation for.
 *
 * The residents' menu must publish (a failure there is a bad token or an unreachable Bot API,
 * and start-up stops). The admin chat's menu must not stop the bot: when the group was upgraded
 * to a supergroup, the new id is followed; when the chat is gone or the bot was removed, the
 * problem is logged with what to fix and kept for `/healthz`, and residents are served anyway.
 */
export async function registerCommands(
  api: Api,
  config: Config,
  options: { adminChat?: AdminChatPort; logger?: Logger } = {},
): Promise<void> {
  const lists = commandLists(config);
  const languagesOf = (locale: (typeof SUPPORTED_LOCALES)[number]) =>
    locale === config.defaultLocale ? [undefined, locale] : [locale];
  for (const list of lists) {
    for (const language_code of languagesOf(list.locale)) {
      await api.setMyCommands(list.private, {
        scope: { type: 'all_private_chats' },
        language_code,
      });
    }
  }
  let chatId = options.adminChat ? await options.adminChat.id() : config.adminChatId;
  if (chatId === undefined) return;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      for (const list of lists) {
        for (const language_code of languagesOf(list.locale)) {
          await api.setMyCommands(list.admin, {
            scope: { type: 'chat', chat_id: chatId },
            language_code,
          });
        }
      }
      await options.adminChat?.problem(null);
      return;
    } catch (error) {
      if (!(error instanceof GrammyError)) throw error;
      const to = error.parameters.migrate_to_chat_id;
      if (to !== undefined && attempt === 0) {
        await options.adminChat?.migrated(chatId, to);
        options.logger?.warn(
          { from: chatId, to },
          `the admin chat was upgraded to a supergroup; following it. Set ADMIN_CHAT_ID=${to}`,
        );
        chatId = to;
        continue;
      }
      const fix = `the admin chat ${chatId} is not reachable (${error.description}): add the bot to the staff group, send /chatid there and set ADMIN_CHAT_ID to the id it tells`;
      await options.adminChat?.problem(fix);
      options.logger?.error({ chatId, error: error.description }, fix);
      return;
    }
  }
}
