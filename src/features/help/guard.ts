import type { BotContext } from '../../core/context';
import type { Resident } from '../../core/resident';
import { guestKeyboard } from './keyboards';

/**
 * The logged-in resident of this update (`ctx.resident()`), or undefined after telling a guest
 * to log in first: an alert for a button, a message with the guest buttons for a command. Every
 * command and button asks again, so a button left in an old message never acts for a cabinet
 * the person has since left; services still check that ids belong to the cabinet.
 */
export async function residentOrLoginHint(
  ctx: BotContext,
  loginFirstKey = 'accounts-login-first',
): Promise<Resident | undefined> {
  const user = await ctx.resident();
  if (user) return user;
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: ctx.t(loginFirstKey), show_alert: true });
    return undefined;
  }
  await ctx.reply(ctx.t(loginFirstKey), { reply_markup: guestKeyboard(ctx) });
  return undefined;
}
