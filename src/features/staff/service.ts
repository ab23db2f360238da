import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import { stripInvisibleControls } from '../../core/untrusted-text';

/** What a staff member may do: operators answer appeals and review readings; admins also broadcast. */
export const STAFF_ROLES = ['operator', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

export interface StaffMember {
  telegramUserId: number;
  role: StaffRole;
  addedAt: string;
  /** Their Telegram first and last name as last seen in the admin chat; null before they acted. */
  name: string | null;
}

/**
 * The staff registry (`staff`): who may act in the admin chat, and with which role. Managed from
 * the command line (`abonent staff add|remove|list`), never from a chat, so a compromised
 * Telegram account cannot make itself staff.
 */
export class StaffService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** Adds a member, or changes the role of an existing one. */
  async add(telegramUserId: number, role: StaffRole): Promise<StaffMember> {
    const addedAt = nowIso(this.clock);
    await this.db('staff')
      .insert({ telegram_user_id: telegramUserId, role, added_at: addedAt })
      .onConflict('telegram_user_id')
      .merge({ role });
    await this.audit.record({
      action: 'staff.add',
      telegramUserId,
      details: { role },
    });
    const member = await this.member(telegramUserId);
    if (!member) throw new Error('staff member vanished after insert');
    return member;
  }

  /** Removes a member; false when there was none. */
  async remove(telegramUserId: number): Promise<boolean> {
    const deleted = await this.db('staff').where({ telegram_user_id: telegramUserId }).delete();
    if (deleted > 0) await this.audit.record({ action: 'staff.remove', telegramUserId });
    return deleted > 0;
  }

  async list(): Promise<StaffMember[]> {
    const rows = await this.db('staff').orderBy('telegram_user_id');
    return rows.map(toMember);
  }

  /**
   * Remembers the name a member goes by in Telegram (first and last name, controls stripped), so
   * cards name them; written only when it changed. Nothing happens for anybody not in the registry.
   */
  async noteName(telegramUserId: number, name: string): Promise<void> {
    const clean = stripInvisibleControls(name).trim().slice(0, 200);
    if (clean === '') return;
    await this.db('staff')
      .where({ telegram_user_id: telegramUserId })
      .andWhere((q) => q.whereNull('display_name').orWhereNot('display_name', clean))
      .update({ display_name: clean });
  }

  /** The member with this Telegram id, or undefined for anybody else. */
  async member(telegramUserId: number): Promise<StaffMember | undefined> {
    const row = await this.db('staff').where({ telegram_user_id: telegramUserId }).first();
    return row ? toMember(row) : undefined;
  }
}

function toMember(row: Record<string, unknown>): StaffMember {
  const role = String(row.role);
  return {
    telegramUserId: Number(row.telegram_user_id),
    role: isStaffRole(role) ? role : 'operator',
    addedAt: String(row.added_at),
    name: row.display_name == null ? null : String(row.display_name),
  };
}

/** Where the admin chat is now, and whether the bot can reach it; for `/healthz` and the log. */
export interface AdminChatHealth {
  configured: boolean;
  chatId?: number;
  /** The configured id was upgraded to a supergroup and the bot follows the new id. */
  migratedFrom?: number;
  /** Set when Telegram said the chat is gone or the bot was removed: what to fix. */
  problem?: string;
}

const MIGRATED_KEY = 'admin-chat:migrated';
const PROBLEM_KEY = 'admin-chat:problem';

/**
 * The admin chat's id as it is now. A group upgraded to a supergroup gets a new id
 * (`migrate_to_chat_id`); the bot follows it (kept in `kv_store`, so every instance and a
 * restart agree) instead of writing to a chat that no longer exists. Staff work stays possible
 * there; residents are served whatever happens to the admin chat.
 */
export class AdminChat {
  constructor(
    private readonly db: Db,
    private readonly configured: number | undefined,
    private readonly clock: Clock,
  ) {}

  /** The id to write to, or undefined when no admin chat is configured. */
  async id(): Promise<number | undefined> {
    if (this.configured === undefined) return undefined;
    const migrated = await this.read(MIGRATED_KEY);
    if (migrated) {
      const { from, to } = JSON.parse(migrated) as { from: number; to: number };
      if (from === this.configured) return to;
    }
    return this.configured;
  }

  /** Whether `chatId` is the admin chat (the configured id or the one it migrated to). */
  async is(chatId: number): Promise<boolean> {
    return this.configured !== undefined && chatId === (await this.id());
  }

  /** Follows an upgrade to a supergroup; clears a recorded problem. */
  async migrated(from: number, to: number): Promise<void> {
    if (this.configured === undefined || from !== (await this.id())) return;
    await this.write(MIGRATED_KEY, JSON.stringify({ from: this.configured, to }));
    await this.db('kv_store').where({ key: PROBLEM_KEY }).delete();
  }

  /** Records what is wrong (chat not found, bot kicked) for `/healthz`; null clears it. */
  async problem(description: string | null): Promise<void> {
    if (description === null) await this.db('kv_store').where({ key: PROBLEM_KEY }).delete();
    else await this.write(PROBLEM_KEY, description);
  }

  async health(): Promise<AdminChatHealth> {
    if (this.configured === undefined) return { configured: false };
    const chatId = await this.id();
    const problem = await this.read(PROBLEM_KEY);
    return {
      configured: true,
      chatId,
      ...(chatId !== this.configured ? { migratedFrom: this.configured } : {}),
      ...(problem ? { problem } : {}),
    };
  }

  private async read(key: string): Promise<string | undefined> {
    const row = await this.db('kv_store').where({ key }).first();
    return row ? String(row.value) : undefined;
  }

  private async write(key: string, value: string): Promise<void> {
    await this.db('kv_store')
      .insert({ key, value, updated_at: nowIso(this.clock) })
      .onConflict('key')
      .merge({ value, updated_at: nowIso(this.clock) });
  }
}
