import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { Outbox } from '../../core/outbox/outbox';
import type { StaffService } from '../staff/service';
import { BLOCKED_ERROR_PREFIX, type BroadcastFilter, filterFromLabel, filterLabel } from './rules';

/** How far a broadcast got: counted from its outbox rows. */
export interface BroadcastProgress {
  id: number;
  recipients: number;
  sent: number;
  /** Residents who blocked the bot (Telegram answered 403); recorded on the row, not retried. */
  blocked: number;
  /** Other permanent failures. */
  failed: number;
  /** Not sent yet (pending or being sent). */
  left: number;
  /** Where the progress line is in the admin chat, when it was posted. */
  chatId: number | null;
  messageId: number | null;
}

export type DraftResult =
  | { kind: 'draft'; id: number; recipients: number; filter: string }
  | { kind: 'not-allowed' };

export type ConfirmResult =
  | { kind: 'started'; id: number; recipients: number }
  | { kind: 'not-allowed' }
  | { kind: 'not-found' };

/** The outbox dedupe key of one recipient's copy: a restart never sends it twice. */
export function broadcastKey(broadcastId: number, telegramUserId: number): string {
  return `broadcast:${broadcastId}:${telegramUserId}`;
}

/**
 * Broadcasts from the admin chat. Only staff with the `admin` role may draft, confirm or cancel
 * (checked here, not in the handler: a button's id is untrusted). On confirm one transaction
 * writes the broadcast's status and one outbox row per recipient, so the messages exist iff the
 * broadcast does, and a restart resumes from the outbox without duplicates.
 */
export class BroadcastService {
  constructor(
    private readonly db: Db,
    private readonly staff: Pick<StaffService, 'member'>,
    private readonly outbox: Outbox,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  private async isAdmin(telegramUserId: number): Promise<boolean> {
    return (await this.staff.member(telegramUserId))?.role === 'admin';
  }

  /**
   * Whether this staff member may broadcast (the `admin` role), asked before the bot asks for a
   * text; a refusal is audited like a refused draft. `draft` and `confirm` check again.
   */
  async mayBroadcast(staffTelegramId: number): Promise<boolean> {
    if (await this.isAdmin(staffTelegramId)) return true;
    await this.audit.record({ action: 'broadcast.denied', telegramUserId: staffTelegramId });
    return false;
  }

  /**
   * Telegram ids of active residents logged in to a cabinet with at least one linked account that
   * passes the filter (settlement as on the account; debt = ledger balance in kopecks).
   */
  async recipients(filter: BroadcastFilter, db: Db = this.db): Promise<number[]> {
    const query = db('telegram_identities as t')
      .join('users as u', 'u.id', 't.user_id')
      .where('u.status', 'active')
      .whereExists(function linked() {
        this.select(db.raw('1'))
          .from('account_links as l')
          .join('accounts as a', 'a.id', 'l.account_id')
          .whereRaw('l.user_id = u.id');
        if (filter.kind === 'settlement') this.where('a.settlement', filter.name);
        if (filter.kind === 'debtors') {
          this.whereIn(
            'a.id',
            db('ledger')
              .select('account_id')
              .groupBy('account_id')
              .havingRaw(
                "sum(case when kind = 'payment' then -amount_kopecks else amount_kopecks end) >= ?",
                [filter.minKopecks],
              ),
          );
        }
      })
      .distinct('t.telegram_user_id')
      .orderBy('t.telegram_user_id');
    const rows = (await query) as { telegram_user_id: number | string }[];
    return rows.map((r) => Number(r.telegram_user_id));
  }

  /** Saves a draft for the preview and counts its recipients. */
  async draft(input: {
    staffTelegramId: number;
    filter: BroadcastFilter;
    text: string;
  }): Promise<DraftResult> {
    if (!(await this.isAdmin(input.staffTelegramId))) {
      await this.audit.record({
        action: 'broadcast.denied',
        telegramUserId: input.staffTelegramId,
      });
      return { kind: 'not-allowed' };
    }
    const recipients = (await this.recipients(input.filter)).length;
    const [row] = (await this.db('broadcasts')
      .insert({
        created_by: input.staffTelegramId,
        text: input.text,
        filter: filterLabel(input.filter),
        status: 'draft',
        recipients,
        created_at: nowIso(this.clock),
      })
      .returning('id')) as ({ id: number } | number)[];
    const id = Number(typeof row === 'object' ? row.id : row);
    return { kind: 'draft', id, recipients, filter: filterLabel(input.filter) };
  }

  /**
   * Starts a draft: in one transaction the broadcast becomes `sending` with its progress line's
   * place, and every recipient (counted again now) gets an outbox row keyed
   * `broadcast:<id>:<telegram user id>`. A second confirm of the same draft finds it no longer a
   * draft and answers not-found.
   */
  async confirm(input: {
    staffTelegramId: number;
    broadcastId: number;
    progressChatId: number;
    progressMessageId: number;
  }): Promise<ConfirmResult> {
    if (!(await this.isAdmin(input.staffTelegramId))) {
      await this.audit.record({
        action: 'broadcast.denied',
        telegramUserId: input.staffTelegramId,
        subject: String(input.broadcastId),
      });
      return { kind: 'not-allowed' };
    }
    const result = await this.db.transaction(async (trx) => {
      const taken = await trx('broadcasts')
        .where({ id: input.broadcastId, status: 'draft' })
        .update({
          status: 'sending',
          confirmed_at: nowIso(this.clock),
          progress_chat_id: input.progressChatId,
          progress_message_id: input.progressMessageId,
        });
      if (taken === 0) return { kind: 'not-found' } as const;
      const row = await trx('broadcasts').where({ id: input.broadcastId }).first();
      const ids = await this.recipients(filterFromLabel(String(row.filter)), trx);
      await trx('broadcasts').where({ id: input.broadcastId }).update({ recipients: ids.length });
      await this.outbox.enqueue(
        ids.map((chatId) => ({
          chatId,
          kind: 'broadcast',
          payload: { text: String(row.text) },
          dedupeKey: broadcastKey(input.broadcastId, chatId),
        })),
        { trx },
      );
      return { kind: 'started', id: input.broadcastId, recipients: ids.length } as const;
    });
    if (result.kind === 'started') {
      await this.audit.record({
        action: 'broadcast.start',
        telegramUserId: input.staffTelegramId,
        subject: String(input.broadcastId),
        details: { recipients: result.recipients },
      });
    }
    return result;
  }

  /** Whether the broadcast is still a draft waiting for «Отправить» (false: sent, cancelled, gone). */
  async isDraft(broadcastId: number): Promise<boolean> {
    const row = await this.db('broadcasts').where({ id: broadcastId }).first('status');
    return row?.status === 'draft';
  }

  /** Drops a draft (admins only); false when it was not a draft any more. */
  async cancel(staffTelegramId: number, broadcastId: number): Promise<boolean> {
    if (!(await this.isAdmin(staffTelegramId))) return false;
    const n = await this.db('broadcasts')
      .where({ id: broadcastId, status: 'draft' })
      .update({ status: 'cancelled' });
    return n > 0;
  }

  /** The counts of a broadcast from its outbox rows; marks it `done` when nothing is left. */
  async progress(broadcastId: number): Promise<BroadcastProgress | undefined> {
    const row = await this.db('broadcasts').where({ id: broadcastId }).first();
    if (!row || row.status === 'draft' || row.status === 'cancelled') return undefined;
    const ofThis = () =>
      this.db('outbox')
        .where('kind', 'broadcast')
        .andWhere('dedupe_key', 'like', `broadcast:${broadcastId}:%`);
    const counts = (await ofThis().select('status').count({ n: '*' }).groupBy('status')) as {
      status: string;
      n: number | string;
    }[];
    const [blockedRow] = (await ofThis()
      .where('status', 'failed')
      .andWhere('last_error', 'like', `${BLOCKED_ERROR_PREFIX}%`)
      .count({ n: '*' })) as { n: number | string }[];
    const blocked = Number(blockedRow?.n ?? 0);
    const progress: BroadcastProgress = {
      id: broadcastId,
      recipients: Number(row.recipients),
      sent: 0,
      blocked,
      failed: 0,
      left: 0,
      chatId: row.progress_chat_id === null ? null : Number(row.progress_chat_id),
      messageId: row.progress_message_id === null ? null : Number(row.progress_message_id),
    };
    for (const c of counts) {
      const n = Number(c.n);
      if (c.status === 'sent') progress.sent += n;
      else if (c.status === 'failed') progress.failed += n - blocked;
      else if (c.status === 'cancelled') progress.failed += n;
      else progress.left += n;
    }
    if (progress.left === 0 && row.status === 'sending') {
      await this.db('broadcasts').where({ id: broadcastId }).update({ status: 'done' });
    }
    return progress;
  }

  /** The broadcast an outbox dedupe key belongs to, or undefined for other keys. */
  static idOfKey(dedupeKey: string | null): number | undefined {
    const match = dedupeKey?.match(/^broadcast:(\d+):/);
    return match ? Number(match[1]) : undefined;
  }
}
