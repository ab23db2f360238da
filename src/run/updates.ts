/** The update kinds the bot handles; asked for explicitly so Telegram sends nothing else. */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'pre_checkout_query',
  'my_chat_member',
] as const;
