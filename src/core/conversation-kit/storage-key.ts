import type { Context } from 'grammy';

/**
 * Where a flow's state is kept: per chat in a private chat (the chat is the person, and the keys
 * of flows already stored stay what they were), per chat *and person* in a group, so a staff
 * member's flow in the admin chat (e.g. «the text of the broadcast?») takes only that person's
 * next message, never a colleague's.
 */
export function conversationStorageKey(ctx: Context): string | undefined {
  const chat = ctx.chat;
  if (!chat) return undefined;
  if (chat.type === 'private') return String(chat.id);
  return ctx.from ? `${chat.id}:${ctx.from.id}` : undefined;
}
