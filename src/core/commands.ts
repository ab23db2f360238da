import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Config } from '../config';
import { createI18n, SUPPORTED_LOCALES } from './i18n';

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
  'accounts',
  'link',
  'profile',
  'security',
  'privacy',
  'mydata',
  'language',
  'cancel',
] as const;
const ADMIN_COMMANDS = ['help', 'chatid'] as const;

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
 */
export async function registerCommands(api: Api, config: Config): Promise<void> {
  for (const lists of commandLists(config)) {
    const languages =
      lists.locale === config.defaultLocale ? [undefined, lists.locale] : [lists.locale];
    for (const language_code of languages) {
      await api.setMyCommands(lists.private, {
        scope: { type: 'all_private_chats' },
        language_code,
      });
      if (config.adminChatId !== undefined) {
        await api.setMyCommands(lists.admin, {
          scope: { type: 'chat', chat_id: config.adminChatId },
          language_code,
        });
      }
    }
  }
}
