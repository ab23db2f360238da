import { hearsButton } from '../../core/i18n';
import { Composer } from 'grammy';
import type { Config } from '../../config';
import { PRIVATE_COMMANDS } from '../../core/commands';
import type { BotContext } from '../../core/context';
import { formatGreetingName } from '../../core/format';
import { mainMenuKeyboard } from '../auth/keyboards';
import { guestKeyboard, startButtons } from './keyboards';

export interface HelpDeps {
  config: Config;
}

/** /start and /help in private chats: what the bot can do and where to begin. */
export function createHelpFeature({ config }: HelpDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  const showStart = async (ctx: BotContext) => {
    const user = await ctx.resident();
    if (user) {
      // By name and patronymic from the ФИО; without one, Telegram's first name: never the
      // e-mail, which is not a name to greet by.
      const name = formatGreetingName(user.fullName) ?? ctx.from?.first_name ?? '';
      await ctx.reply(ctx.t('start-welcome-back', { name }), {
        reply_markup: mainMenuKeyboard(ctx),
      });
      return;
    }
    await ctx.reply(ctx.t('start-welcome', { operator: config.operator.name }), {
      reply_markup: guestKeyboard(ctx),
    });
  };
  // Built from the command menu itself, so /help never disagrees with what Telegram shows.
  const showHelp = (ctx: BotContext) =>
    ctx.reply(
      ctx.t('help-text', {
        commands: PRIVATE_COMMANDS.map(
          (command) => `/${command} — ${lowerFirst(ctx.t(`command-${command}`))}`,
        ).join('\n'),
        operator: config.operator.name,
        phone: config.operator.phone,
      }),
    );

  privateChat.command('start', showStart);
  privateChat.command('help', showHelp);
  privateChat.callbackQuery(startButtons.help, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showHelp(ctx);
  });
  // The main menu's big «Помощь» button (a reply keyboard sends its text).
  privateChat.filter(hearsButton('button-help'), showHelp);
  return feature;
}

/** «Справка» → «справка» in a list; an abbreviation such as «ФИО» stays as it is. */
function lowerFirst(text: string): string {
  const [first = '', second = ''] = text;
  return second && second === second.toLowerCase() ? first.toLowerCase() + text.slice(1) : text;
}
