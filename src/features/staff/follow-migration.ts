import type { Transformer } from 'grammy';
import type { Logger } from '../../core/logger';
import type { AdminChat } from './service';

/**
 * An API transformer: when Telegram answers a call to the admin chat with `migrate_to_chat_id`
 * (the group became a supergroup), the bot records the new id and repeats the call there, so a
 * card or notice queued before the upgrade still reaches staff. Installed on the bot's `Api` and
 * on the outbox worker's.
 */
export function followAdminChatMigration(adminChat: AdminChat, logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (result.ok) return result;
    const to = result.parameters?.migrate_to_chat_id;
    const from = (payload as { chat_id?: unknown }).chat_id;
    if (to === undefined || typeof from !== 'number' || !(await adminChat.is(from))) return result;
    await adminChat.migrated(from, to);
    logger.warn(
      { from, to },
      'the admin chat was upgraded to a supergroup; following it (set ADMIN_CHAT_ID to the new id)',
    );
    return prev(method, { ...payload, chat_id: to } as typeof payload, signal);
  };
}
