import type { InlineKeyboardMarkup } from 'grammy/types';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import { addPagingRow } from '../../core/paging';

/** Buttons of the resident's side (`appeal|…`) and of the staff card (`appeal-staff|…`). */
export const appealCallbacks = {
  open: (id: number) => callbackData('appeal', 'open', id),
  thread: (id: number, page: number) => callbackData('appeal', 'thread', id, page),
  reply: (id: number) => callbackData('appeal', 'reply', id),
  close: (id: number) => callbackData('appeal', 'close', id),
  page: (page: number) => callbackData('appeal', 'page', page),
  start: callbackData('appeal', 'start'),
  fromText: callbackData('appeal', 'from-text'),
  take: (id: number) => callbackData('appeal-staff', 'take', id),
  answer: (id: number) => callbackData('appeal-staff', 'answer', id),
  staffClose: (id: number) => callbackData('appeal-staff', 'close', id),
  files: (id: number) => callbackData('appeal-staff', 'files', id),
};

export const appealPatterns = {
  open: callbackPattern('appeal', 'open', ['\\d{1,15}']),
  thread: callbackPattern('appeal', 'thread', ['\\d{1,15}', '\\d{1,4}']),
  reply: callbackPattern('appeal', 'reply', ['\\d{1,15}']),
  close: callbackPattern('appeal', 'close', ['\\d{1,15}']),
  page: callbackPattern('appeal', 'page', ['\\d{1,6}']),
  start: callbackPattern('appeal', 'start'),
  fromText: callbackPattern('appeal', 'from-text'),
  staff: callbackPattern('appeal-staff', '(take|answer|close|files)', ['\\d{1,15}']),
};

type T = (key: string, vars?: Record<string, string | number>) => string;

/** Under the staff card: take, answer, close, and the attachments when there are any. */
export function staffCardKeyboard(
  t: T,
  appeal: { id: number; status: string },
  attachments: number,
): InlineKeyboardMarkup {
  const rows: InlineKeyboardMarkup['inline_keyboard'] = [];
  if (appeal.status === 'closed') {
    if (attachments > 0) {
      rows.push([
        {
          text: t('appeals-staff-files', { n: attachments }),
          callback_data: appealCallbacks.files(appeal.id),
        },
      ]);
    }
    return { inline_keyboard: rows };
  }
  if (appeal.status === 'new') {
    rows.push([{ text: t('appeals-staff-take'), callback_data: appealCallbacks.take(appeal.id) }]);
  }
  rows.push([
    { text: t('appeals-staff-answer'), callback_data: appealCallbacks.answer(appeal.id) },
    { text: t('appeals-staff-close'), callback_data: appealCallbacks.staffClose(appeal.id) },
  ]);
  if (attachments > 0) {
    rows.push([
      {
        text: t('appeals-staff-files', { n: attachments }),
        callback_data: appealCallbacks.files(appeal.id),
      },
    ]);
  }
  return { inline_keyboard: rows };
}

/**
 * Under one page of an appeal's thread: «◀ Раньше» / «Позже ▶» between its pages (core paging),
 * then answer and close while the appeal is open.
 */
export function threadKeyboard(
  t: T,
  thread: { id: number; status: string },
  page: number,
  pages: number,
): InlineKeyboardMarkup {
  const keyboard = addPagingRow(
    new InlineKeyboard(),
    { t },
    {
      older: page > 0 ? appealCallbacks.thread(thread.id, page - 1) : undefined,
      newer: page + 1 < pages ? appealCallbacks.thread(thread.id, page + 1) : undefined,
    },
  );
  return {
    inline_keyboard: [
      ...keyboard.inline_keyboard.filter((row) => row.length > 0),
      ...residentAppealKeyboard(t, thread.id, thread.status).inline_keyboard,
    ],
  };
}

/** Under a staff answer the resident receives, and under an open appeal's thread. */
export function residentAppealKeyboard(t: T, id: number, status: string): InlineKeyboardMarkup {
  if (status === 'closed') return { inline_keyboard: [] };
  return {
    inline_keyboard: [
      [{ text: t('appeals-reply-button'), callback_data: appealCallbacks.reply(id) }],
      [{ text: t('appeals-close-button'), callback_data: appealCallbacks.close(id) }],
    ],
  };
}
