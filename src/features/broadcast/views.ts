import type { InlineKeyboardMarkup } from 'grammy/types';
import { shorten, TELEGRAM_TEXT_LIMIT } from '../../core/paging';
import { formatIdentifier } from '../../core/format';
import type { BroadcastProgress } from './service';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** The progress line the bot keeps editing in the admin chat. */
export function progressText(t: T, p: BroadcastProgress): string {
  const vars = {
    id: formatIdentifier(p.id),
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
  const vars = { filter: draft.filter || 'none', count: draft.recipients };
  // A text near the limit does not fit beside the header: its start is shown, visibly cut («…»);
  // residents get it whole.
  const room = TELEGRAM_TEXT_LIMIT - t('broadcast-preview', { ...vars, text: '' }).length;
  return {
    text: t('broadcast-preview', { ...vars, text: shorten(text, room) }),
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
