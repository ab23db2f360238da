import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import type { ConversationKit } from '../../core/conversation-kit/index';
import { BROADCAST_TEXT_LIMIT, filterFromLabel } from '../broadcast/rules';
import type { BroadcastService } from '../broadcast/service';
import { previewMessage } from '../broadcast/views';

export const BROADCAST_CONVERSATION = 'broadcast-text';

/** What `/broadcast` without a text carries into the flow: the filter line, as stored. */
export interface BroadcastArgs {
  filter: string;
}

export interface BroadcastConversationDeps {
  broadcasts: Pick<BroadcastService, 'draft'>;
  kit: ConversationKit;
  /** The admin chat's texts (its configured language, as everywhere in the staff chat). */
  t: (key: string, vars?: Record<string, string | number>) => string;
}

/**
 * `/broadcast` with no text, in the admin chat: the bot asks for the text (only the admin who
 * asked can answer it: flows in groups are per person), then shows the preview with the number
 * of recipients and «Отправить» / «Отмена». Cancel and /cancel end it; nothing is drafted before
 * the text is given, and nothing is sent before «Отправить» (the service checks the role again).
 */
export function createBroadcastConversation(deps: BroadcastConversationDeps) {
  const { broadcasts, kit, t } = deps;
  return async function broadcastConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
    args?: BroadcastArgs,
  ): Promise<void> {
    const staffTelegramId = ctx.from?.id;
    if (staffTelegramId === undefined) return;
    const asked = await kit.ask<string>(conversation, ctx, {
      prompt: t('broadcast-ask-text'),
      otherwise: { key: 'kit-text-expected' },
      parse: (input) => {
        if (input.kind !== 'text' || input.text.trim() === '') {
          return { ok: false, say: { key: 'kit-text-expected' } };
        }
        if (input.text.trim().length > BROADCAST_TEXT_LIMIT) {
          return { ok: false, say: { key: 'broadcast-too-long' } };
        }
        return { ok: true, value: input.text.trim() };
      },
    });
    if (!asked) return;
    const text = asked.value;
    const filter = filterFromLabel(args?.filter ?? '');
    const draft = await conversation.external(() =>
      broadcasts.draft({ staffTelegramId, filter, text }),
    );
    if (draft.kind !== 'draft') {
      await kit.finish(conversation, asked.ctx, t('broadcast-admin-only'));
      return;
    }
    const preview = previewMessage(t, draft, text);
    await asked.ctx.reply(preview.text, { reply_markup: preview.reply_markup });
  };
}

/** Starts the «text of the broadcast?» flow for the staff member who sent `/broadcast`. */
export function enterBroadcast(ctx: BotContext, args: BroadcastArgs) {
  return ctx.conversation.enter(BROADCAST_CONVERSATION, args);
}
