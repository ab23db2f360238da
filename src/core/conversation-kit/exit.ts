import { hearsButton } from '../i18n';
import { Composer, type Context } from 'grammy';
import type { BotContext } from '../context';
import { isCancelWord } from './cancel-words';
import type { ConversationKit, KitDeps } from './index';
import { CANCEL_PATTERN } from './index';

export interface ExitPathDeps {
  kit: Pick<ConversationKit, 'clearSecretMark' | 'closeOpenQuestion' | 'outcomeOf'>;
  whoIs: KitDeps['whoIs'];
  leave: KitDeps['leave'];
  /**
   * Locale keys of the main menu's reply-keyboard buttons: pressing one inside a flow is like
   * typing a command (it leaves the flow, then runs).
   */
  menuButtonKeys: readonly string[];
}

/**
 * The conversations plugin's `onExit`: every way a flow is left from outside (exit, halt, the
 * idle timeout, an error) clears the chat's "a secret is expected" mark and edits away the
 * buttons of the flow's open question.
 */
export function onFlowExit(kit: Pick<ConversationKit, 'clearSecretMark' | 'closeOpenQuestion'>) {
  return async (_conversationId: string, ctx: Context): Promise<void> => {
    if (!ctx.chat || !ctx.from) return;
    await kit.clearSecretMark(ctx.chat.id, ctx.from.id);
    await kit.closeOpenQuestion(ctx);
  };
}

/**
 * The error handler's part of the exit path: an update whose handling failed (inside a flow, the
 * flow is over) leaves no secret mark and no live buttons of the flow's open question.
 */
export async function afterFailedUpdate(
  kit: Pick<ConversationKit, 'clearSecretMark' | 'closeOpenQuestion'>,
  ctx: Context,
): Promise<void> {
  await onFlowExit(kit)('', ctx);
}

/** A callback answer is at most 200 characters (Bot API `answerCallbackQuery`). */
const CALLBACK_TEXT_MAX = 200;

/**
 * The one exit path of every flow, installed after the conversations plugin and before every
 * conversation, so no flow can swallow it:
 *
 * - /cancel, any Cancel button (`v1|…|cancel`, also from old messages) and, while a flow is
 *   active, «✖️ Отмена» typed from a reply keyboard: the flow ends, the secret mark is cleared,
 *   the pressed message and the open question lose their buttons, and the person is told and
 *   left with their menu.
 * - Any other command, or a main-menu button, inside a flow: the flow ends, the person is told
 *   which one in its own words (`flow-left-<conversation id>`, e.g. «Ввод показаний отменён.»)
 *   with their menu, the open question loses its buttons, and then the command runs.
 * - A press of a button of a flow that already ended on that message (a double tap on a confirm
 *   button, a late press): a quiet callback answer with what was done («Уже сделано: …»), never
 *   a new message saying it was not.
 * - In groups only the sender's own flow is ended (flows there are per person); with none,
 *   nothing here answers: the bot speaks in groups only where it has work to do.
 *
 * The idle timeout ends the flow through conversations' `onExit` (which also clears the mark).
 */
export function createExitPath(deps: ExitPathDeps): Composer<BotContext> {
  const exit = new Composer<BotContext>();
  const privateChat = exit.chatType('private');

  const activeFlow = async (ctx: BotContext) =>
    Object.keys(await ctx.conversation.active()).length > 0;

  const cancel = async (ctx: BotContext) => {
    if (!ctx.from || !ctx.chat) return;
    const active = await activeFlow(ctx);
    if (active) await ctx.conversation.exitAll();
    await deps.kit.clearSecretMark(ctx.chat.id, ctx.from.id);
    // A picker shown outside a flow (e.g. /pay's) is cancelled like a flow.
    const closed = await deps.kit.closeOpenQuestion(ctx);
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery().catch(() => {});
      await ctx.editMessageReplyMarkup().catch(() => {});
    }
    const who = await deps.whoIs(ctx.from.id);
    const cancelled = active || closed;
    await deps.leave(ctx, ctx.t(cancelled ? 'cancelled' : 'nothing-to-cancel'), who);
  };

  privateChat.command('cancel', cancel);
  privateChat.callbackQuery(CANCEL_PATTERN, cancel);
  // A confirm button pressed again after its flow ended on it: say quietly what was done.
  privateChat.on('callback_query:data', async (ctx, next) => {
    const messageId = ctx.callbackQuery.message?.message_id;
    if (messageId === undefined || (await activeFlow(ctx))) return next();
    const outcome = await deps.kit.outcomeOf(ctx, messageId, ctx.callbackQuery.data);
    if (outcome === undefined) return next();
    const text = outcome ? ctx.t('kit-already-done', { outcome }) : ctx.t('kit-already-answered');
    await ctx
      .answerCallbackQuery({
        text: text.length > CALLBACK_TEXT_MAX ? `${text.slice(0, CALLBACK_TEXT_MAX - 1)}…` : text,
      })
      .catch(() => {});
    await ctx.editMessageReplyMarkup().catch(() => {});
  });

  // In a group (the admin chat) flows are per person: /cancel or Cancel ends the sender's own
  // flow with a plain word (no resident menu there); any other command ends it, says which flow
  // ended, and then runs.
  // With no flow of theirs nothing is answered, and a Cancel press only stops spinning.
  const groups = exit.chatType(['group', 'supergroup']);
  const cancelInGroup = async (ctx: BotContext) => {
    await ctx.conversation.exitAll();
    await deps.kit.closeOpenQuestion(ctx);
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery().catch(() => {});
      await ctx.editMessageReplyMarkup().catch(() => {});
    }
    await ctx.reply(ctx.t('cancelled-plain'));
  };
  groups.callbackQuery(CANCEL_PATTERN, async (ctx) => {
    if (await activeFlow(ctx)) return cancelInGroup(ctx);
    await ctx.answerCallbackQuery().catch(() => {});
  });
  groups.on('message:text', async (ctx, next) => {
    const isCommand = ctx.message.entities?.some(
      (entity) => entity.type === 'bot_command' && entity.offset === 0,
    );
    if (!isCommand || !(await activeFlow(ctx))) return next();
    if (/^\/cancel(@\w+)?(\s|$)/.test(ctx.message.text)) return cancelInGroup(ctx);
    // As in a private chat: say which flow ended (no menu in a group), then run the command.
    const [left] = Object.keys(await ctx.conversation.active());
    await ctx.conversation.exitAll();
    await deps.kit.closeOpenQuestion(ctx);
    await ctx.reply(ctx.t(`flow-left-${left}`));
    return next();
  });

  privateChat.on('message:text', async (ctx, next) => {
    const isCommand = ctx.message.entities?.some(
      (entity) => entity.type === 'bot_command' && entity.offset === 0,
    );
    // Button texts in any language: a keyboard sent before a language change still works.
    const isCancelText = hearsButton('button-cancel')(ctx) || isCancelWord(ctx.message.text);
    const isMenuButton = deps.menuButtonKeys.some((key) => hearsButton(key)(ctx));
    if (!isCommand && !isCancelText && !isMenuButton) return next();
    if (!(await activeFlow(ctx))) {
      // No flow, but maybe a picker's buttons on screen (/pay, /receipt): they go first, so the
      // command (which may show a new picker) runs on a clean screen.
      if (isCommand || isMenuButton) await deps.kit.closeOpenQuestion(ctx);
      return next();
    }
    if (isCancelText) return cancel(ctx);
    // A command inside a flow: leave the flow, say so, then let the command run as usual.
    const [left] = Object.keys(await ctx.conversation.active());
    await ctx.conversation.exitAll();
    await deps.kit.clearSecretMark(ctx.chat.id, ctx.from.id);
    await deps.kit.closeOpenQuestion(ctx);
    const who = await deps.whoIs(ctx.from.id);
    await deps.leave(ctx, ctx.t(`flow-left-${left}`), who, { welcome: false });
    return next();
  });
  return exit;
}
