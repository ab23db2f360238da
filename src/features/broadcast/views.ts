import type { InlineKeyboardMarkup } from 'grammy/types';
import { TELEGRAM_TEXT_LIMIT } from '../../core/paging';
import type { BroadcastProgress } from './service';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** The progress line the bot keeps editing in the admin chat. */
export function progressText(t: T, p: BroadcastProgress): string {
  const vars = {
    id: p.id,
    sent: p.sent,
    total: p.recipients,
    blocked: p.blocked,
    failed: p.failed,
    left: p.left,
  };
  return t(p.left === 0 ? 'broadcast-progress-done' : 'broadcast-progress', vars);
}

/** Callback data of the preview's buttons; the id is re-checked by the service. */
export const broadcastCallbacks = {
  send: (id: number) => `v1|bcast|send|${id}`,
  cancel: (id: number) => `v1|bcast|cancel|${id}`,
  pattern: /^v1\|bcast\|(send|cancel)\|(\d{1,15})$/,
};

/**
 * The preview of a drafted broadcast: who gets it, how many, the text as residents will read it,
 * with «Отправить» / «Отмена» (the draft's id is re-checked by the service on the way back).
 */
export function previewMessage(
  t: T,
  draft: { id: number; filter: string; recipients: number },
  text: string,
): { text: string; reply_markup: InlineKeyboardMarkup } {
  return {
    text: t('broadcast-preview', {
      filter: draft.filter || 'none',
      count: draft.recipients,
      text,
    }).slice(0, TELEGRAM_TEXT_LIMIT),
    reply_markup: {
      inline_keyboard: [
        [
          { text: t('broadcast-button-send'), callback_data: broadcastCallbacks.send(draft.id) },
          {
            text: t('broadcast-button-cancel'),
            callback_data: broadcastCallbacks.cancel(draft.id),
          },
        ],
      ],
    },
  };
}
