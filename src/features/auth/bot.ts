import { hearsButton } from '../../core/i18n';
import { Composer } from 'grammy';
import type { BotContext } from '../../core/context';
import { startButtons } from '../help/keyboards';
import { enterLogin, enterRecover, enterRegister } from './conversations';
import type { AuthService } from './service';

export interface AuthFeatureDeps {
  auth: AuthService;
  /** What to show after logging out (the guest menu). */
  afterLogout: (ctx: BotContext) => Promise<unknown>;
}

/** /register, /login, /recover, /logout and the start buttons. Conversations are in the app. */
export function createAuthFeature({ auth, afterLogout }: AuthFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  privateChat.command('register', enterRegister);
  privateChat.command('login', enterLogin);
  privateChat.command('recover', enterRecover);
  privateChat.callbackQuery(startButtons.register, async (ctx) => {
    await ctx.answerCallbackQuery();
    await enterRegister(ctx);
  });
  privateChat.callbackQuery(startButtons.login, async (ctx) => {
    await ctx.answerCallbackQuery();
    await enterLogin(ctx);
  });

  const logout = async (ctx: BotContext) => {
    if (!ctx.from) return;
    const wasIn = await auth.logout(ctx.from.id);
    await ctx.reply(ctx.t(wasIn ? 'auth-logged-out' : 'auth-not-logged-in'), {
      reply_markup: { remove_keyboard: true },
    });
    await afterLogout(ctx);
  };
  privateChat.command('logout', logout);
  privateChat.filter(hearsButton('button-logout'), logout);
  return feature;
}
