import { Composer } from 'grammy';
import type { Config } from '../../config';
import type { BotContext } from '../../core/context';

/**
 * The staff side, in the admin group chat only. `/chatid` answers in any group so that whoever
 * sets the bot up can learn the id to put into ADMIN_CHAT_ID; it reveals nothing else.
 */
export function createAdminFeature({ config }: { config: Config }): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const groups = feature.chatType(['group', 'supergroup']);
  groups.command('chatid', (ctx) => ctx.reply(ctx.t('admin-chat-id', { id: String(ctx.chat.id) })));

  const adminChat = groups.filter((ctx) => ctx.chat.id === config.adminChatId);
  adminChat.command(['help', 'start'], (ctx) => ctx.reply(ctx.t('admin-help')));
  return feature;
}
