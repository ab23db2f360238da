import { badRequest } from '../api-error.js';
import { isRecord, Params } from '../params.js';
import type { BotCommand } from '../types.js';
import type { MethodTable } from './method.js';

const SCOPES = new Set([
  'default',
  'all_private_chats',
  'all_group_chats',
  'all_chat_administrators',
  'chat',
  'chat_administrators',
  'chat_member',
]);

/** The storage key of a command list: scope (with its ids) and language. */
export function commandKey(scope: Record<string, unknown>, language: string): string {
  return `${String(scope.type)}:${String(scope.chat_id ?? '')}:${String(scope.user_id ?? '')}|${language}`;
}

function scopeAndLanguage(p: Params): string {
  const raw = p.json('scope') ?? { type: 'default' };
  if (!isRecord(raw) || typeof raw.type !== 'string' || !SCOPES.has(raw.type)) {
    throw badRequest("can't parse BotCommandScope JSON object");
  }
  if (
    ['chat', 'chat_administrators', 'chat_member'].includes(raw.type) &&
    raw.chat_id === undefined
  ) {
    throw badRequest('chat_id is empty');
  }
  if (raw.type === 'chat_member' && raw.user_id === undefined) throw badRequest('user_id is empty');
  const language = p.string('language_code') ?? '';
  if (language !== '' && !/^[a-z]{2}$/.test(language)) throw badRequest('LANG_CODE_INVALID');
  return commandKey(raw, language);
}

function commands(raw: unknown): BotCommand[] {
  if (!Array.isArray(raw)) throw badRequest("can't parse commands JSON object");
  if (raw.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  return raw.map((c) => {
    if (!isRecord(c) || typeof c.command !== 'string' || typeof c.description !== 'string') {
      throw badRequest("can't parse BotCommand JSON object");
    }
    if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest('BOT_COMMAND_INVALID');
    if (c.description.trim().length < 1 || c.description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    return { command: c.command, description: c.description };
  });
}

/** Bot commands, descriptions, name and menu button (stored, echoed back). */
export const botSettingsMethods: MethodTable = {
  setMyCommands: (core, p) => {
    const list = commands(p.json('commands'));
    // A chat scope names a chat the bot must be in (or it was upgraded: the new id is given).
    const scope = p.json('scope');
    if (isRecord(scope) && scope.type === 'chat' && scope.chat_id !== undefined) {
      core.targetChat(new Params({ chat_id: scope.chat_id }));
    }
    const key = scopeAndLanguage(p);
    if (list.length === 0) core.state.commands.delete(key);
    else core.state.commands.set(key, list);
    core.markDirty();
    core.events.emit({ type: 'chat' });
    return true;
  },
  getMyCommands: (core, p) => core.state.commands.get(scopeAndLanguage(p)) ?? [],
  deleteMyCommands: (core, p) => {
    core.state.commands.delete(scopeAndLanguage(p));
    core.markDirty();
    core.events.emit({ type: 'chat' });
    return true;
  },

  setMyName: (core, p) => setProfile(core.state.profile, 'name', p.string('name'), 64, p),
  getMyName: (core, p) => ({ name: profile(core.state.profile, 'name', p) ?? core.bot.first_name }),
  setMyDescription: (core, p) =>
    setProfile(core.state.profile, 'description', p.string('description'), 512, p),
  getMyDescription: (core, p) => ({
    description: profile(core.state.profile, 'description', p) ?? '',
  }),
  setMyShortDescription: (core, p) =>
    setProfile(core.state.profile, 'short_description', p.string('short_description'), 120, p),
  getMyShortDescription: (core, p) => ({
    short_description: profile(core.state.profile, 'short_description', p) ?? '',
  }),
  setChatMenuButton: (core, p) => {
    const button = p.json('menu_button') ?? { type: 'default' };
    if (!isRecord(button) || typeof button.type !== 'string')
      throw badRequest("can't parse MenuButton JSON object");
    core.state.profile[`menu_button:${p.string('chat_id') ?? ''}`] = button;
    return true;
  },
  getChatMenuButton: (core, p) =>
    core.state.profile[`menu_button:${p.string('chat_id') ?? ''}`] ?? { type: 'commands' },
  setMyDefaultAdministratorRights: () => true,
};

function setProfile(
  store: Record<string, unknown>,
  field: string,
  value: string | undefined,
  max: number,
  p: Params,
): true {
  if (value !== undefined && value.length > max) throw badRequest(`${field} is too long`);
  store[`${field}:${p.string('language_code') ?? ''}`] = value ?? '';
  return true;
}

function profile(store: Record<string, unknown>, field: string, p: Params): string | undefined {
  const v = store[`${field}:${p.string('language_code') ?? ''}`] ?? store[`${field}:`];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
