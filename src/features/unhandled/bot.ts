import { Composer, type InlineKeyboard } from 'grammy';
import type { BotContext } from '../../core/context';

export interface UnhandledDeps {
  /** The menu to offer with the hint (the guest buttons for someone not logged in). */
  menu: (ctx: BotContext) => Promise<InlineKeyboard | undefined>;
}

/**
 * Registered last: whatever no feature took gets a short hint and the menu, never silence. In
 * groups the bot stays quiet (people talk to each other there), except to clear a stale button.
 */
export function createUnhandledFeature({ menu }: UnhandledDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  // In a group (the staff's admin chat) there is no menu to reopen: the button is only outdated.
  feature.on('callback_query', (ctx) =>
    ctx.answerCallbackQuery({
      text: ctx.t(ctx.chat?.type === 'private' ? 'callback-expired' : 'callback-expired-group'),
      show_alert: true,
    }),
  );
  const privateChat = feature.chatType('private');
  const hint = (key: string) => async (ctx: BotContext) =>
    ctx.reply(ctx.t(key), { reply_markup: await menu(ctx) });
  privateChat.on('message::bot_command', hint('unhandled-command'));
  privateChat.on('message:text', hint('unhandled-text'));
  privateChat.on('message', hint('unhandled-media'));
  return feature;
}
