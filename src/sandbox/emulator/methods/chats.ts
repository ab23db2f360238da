import { badRequest } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import type { Params } from '../params.js';
import type { ChatState } from '../state.js';
import type { User } from '../types.js';
import type { MethodTable } from './method.js';

function knownChat(core: EmulatorCore, p: Params): ChatState {
  const chat = core.state.findChat(p.string('chat_id'));
  if (!chat) throw badRequest('chat not found');
  return chat;
}

function member(core: EmulatorCore, chat: ChatState, user: User): object {
  if (user.id === core.bot.id) {
    return chat.chat.type === 'private'
      ? { status: 'member', user }
      : {
          status: 'administrator',
          user,
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: true,
          can_manage_video_chats: false,
          can_restrict_members: true,
          can_promote_members: false,
          can_change_info: false,
          can_invite_users: true,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
          can_pin_messages: true,
        };
  }
  if (!core.state.isMember(chat, user.id)) return { status: 'left', user };
  if (chat.chat.type !== 'private' && chat.member_ids?.[0] === user.id) {
    return { status: 'creator', user, is_anonymous: false };
  }
  return { status: 'member', user };
}

/** getChat and chat membership; group members come from the control API. */
export const chatMethods: MethodTable = {
  getChat: (core, p) => {
    const chat = knownChat(core, p);
    return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} };
  },
  getChatMember: (core, p) => {
    const chat = knownChat(core, p);
    const userId = p.requireInt('user_id', 'user_id is empty');
    const user = userId === core.bot.id ? core.bot : core.state.users.get(userId)?.user;
    if (!user) throw badRequest('user not found');
    return member(core, chat, user);
  },
  getChatAdministrators: (core, p) => {
    const chat = knownChat(core, p);
    if (chat.chat.type === 'private') return [];
    const creator = chat.member_ids?.[0];
    const creatorUser = creator === undefined ? undefined : core.state.users.get(creator)?.user;
    return [
      member(core, chat, core.bot),
      ...(creatorUser ? [member(core, chat, creatorUser)] : []),
    ];
  },
  getChatMemberCount: (core, p) => {
    const chat = knownChat(core, p);
    return chat.chat.type === 'private' ? 2 : (chat.member_ids?.length ?? 0) + 1;
  },
};
