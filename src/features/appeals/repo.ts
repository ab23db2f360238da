import type { Knex } from 'knex';
import type { Db } from '../../core/db/index';
import type { AppealStatus, AppealTopic } from './rules';

/** An appeal row as the service uses it (both dialects parsed the same way). */
export interface AppealRow {
  id: number;
  number: string;
  userId: number | null;
  telegramUserId: number | null;
  /** The name the resident went by in Telegram when filing (first and last), if known. */
  telegramName: string | null;
  accountId: number | null;
  accountNumber: string | null;
  topic: AppealTopic;
  status: AppealStatus;
  dueAt: string;
  takenBy: number | null;
  firstAnsweredAt: string | null;
  closedAt: string | null;
  /** The staff member who closed it (Telegram id); null when open or closed by the resident. */
  closedBy: number | null;
  overdueFlaggedAt: string | null;
  createdAt: string;
}

export interface AttachmentInput {
  kind: 'photo' | 'document';
  fileId: string;
  fileName?: string | null;
  /** The MIME type Telegram reported for a document (the name alone can lie). */
  mimeType?: string | null;
  /** What the sender wrote under the photo or document. */
  caption?: string | null;
}

export interface MessageRow {
  id: number;
  author: 'resident' | 'staff';
  staffTelegramId: number | null;
  text: string;
  createdAt: string;
  attachments: AttachmentInput[];
}

const iso = (value: unknown): string | null =>
  value == null ? null : value instanceof Date ? value.toISOString() : String(value);
const num = (value: unknown): number | null => (value == null ? null : Number(value));

const COLUMNS = [
  'a.id',
  'a.number',
  'a.user_id',
  'a.telegram_user_id',
  'a.account_id',
  'acc.number as account_number',
  'a.topic',
  'a.status',
  'a.due_at',
  'a.taken_by',
  'a.first_answered_at',
  'a.closed_at',
  'a.closed_by',
  'a.telegram_name',
  'a.overdue_flagged_at',
  'a.created_at',
];

function toRow(row: Record<string, unknown>): AppealRow {
  return {
    id: Number(row.id),
    number: String(row.number),
    userId: num(row.user_id),
    telegramUserId: num(row.telegram_user_id),
    telegramName: row.telegram_name == null ? null : String(row.telegram_name),
    accountId: num(row.account_id),
    accountNumber: row.account_number == null ? null : String(row.account_number),
    topic: String(row.topic) as AppealTopic,
    status: String(row.status) as AppealStatus,
    dueAt: iso(row.due_at) ?? '',
    takenBy: num(row.taken_by),
    firstAnsweredAt: iso(row.first_answered_at),
    closedAt: iso(row.closed_at),
    closedBy: num(row.closed_by),
    overdueFlaggedAt: iso(row.overdue_flagged_at),
    createdAt: iso(row.created_at) ?? '',
  };
}

/** Queries of `appeals`, `appeal_messages`, `appeal_attachments` and `appeal_counters`. */
export class AppealsRepo {
  constructor(private readonly db: Db) {}

  /**
   * The next sequence number of `year`, atomically: one upsert that both SQLite (3.35+) and
   * PostgreSQL run as a single statement, so two appeals in the same instant never share one.
   */
  async nextSeq(trx: Knex.Transaction, year: number): Promise<number> {
    const result = await trx.raw(
      'insert into appeal_counters (year, last) values (?, 1) on conflict (year) do update set last = appeal_counters.last + 1 returning last',
      [year],
    );
    const rows: { last: number | string }[] = Array.isArray(result) ? result : result.rows;
    const last = rows[0]?.last;
    if (last === undefined) throw new Error('appeal counter returned nothing');
    return Number(last);
  }

  async insertAppeal(
    trx: Knex.Transaction,
    row: {
      number: string;
      year: number;
      seq: number;
      userId: number;
      telegramUserId: number;
      telegramName?: string | null;
      accountId: number | null;
      topic: AppealTopic;
      dueAt: string;
      now: string;
    },
  ): Promise<number> {
    const [inserted] = (await trx('appeals')
      .insert({
        number: row.number,
        year: row.year,
        seq: row.seq,
        user_id: row.userId,
        telegram_user_id: row.telegramUserId,
        telegram_name: row.telegramName ?? null,
        account_id: row.accountId,
        topic: row.topic,
        status: 'new',
        due_at: row.dueAt,
        created_at: row.now,
        updated_at: row.now,
      })
      .returning('id')) as ({ id: number } | number)[];
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async insertMessage(
    trx: Knex.Transaction,
    row: {
      appealId: number;
      author: 'resident' | 'staff';
      staffTelegramId?: number | null;
      text: string;
      attachments: readonly AttachmentInput[];
      now: string;
      /** A staff answer's own message in the admin chat (its later edits are corrections). */
      adminMessageId?: number | null;
    },
  ): Promise<number> {
    const [inserted] = (await trx('appeal_messages')
      .insert({
        appeal_id: row.appealId,
        author: row.author,
        staff_telegram_id: row.staffTelegramId ?? null,
        text: row.text,
        admin_message_id: row.adminMessageId ?? null,
        created_at: row.now,
      })
      .returning('id')) as ({ id: number } | number)[];
    const messageId = Number(typeof inserted === 'object' ? inserted.id : inserted);
    if (row.attachments.length > 0) {
      await trx('appeal_attachments').insert(
        row.attachments.map((a) => ({
          message_id: messageId,
          kind: a.kind,
          file_id: a.fileId,
          file_name: a.fileName ?? null,
          mime_type: a.mimeType ?? null,
          caption: a.caption ?? null,
        })),
      );
    }
    return messageId;
  }

  /**
   * The staff answer that was the admin chat's message `adminMessageId`, written by
   * `staffTelegramId` (only its author can edit a Telegram message).
   */
  async staffAnswerByAdminMessage(
    adminMessageId: number,
    staffTelegramId: number,
  ): Promise<{ id: number; appealId: number; text: string } | undefined> {
    const row = await this.db('appeal_messages')
      .where({
        admin_message_id: adminMessageId,
        staff_telegram_id: staffTelegramId,
        author: 'staff',
      })
      .orderBy('id', 'desc')
      .first('id', 'appeal_id', 'text');
    return row
      ? { id: Number(row.id), appealId: Number(row.appeal_id), text: String(row.text) }
      : undefined;
  }

  async byId(id: number, db: Db = this.db): Promise<AppealRow | undefined> {
    const row = await db('appeals as a')
      .leftJoin('accounts as acc', 'acc.id', 'a.account_id')
      .where('a.id', id)
      .first(COLUMNS);
    return row ? toRow(row) : undefined;
  }

  async byNumber(number: string): Promise<AppealRow | undefined> {
    const row = await this.db('appeals as a')
      .leftJoin('accounts as acc', 'acc.id', 'a.account_id')
      .where('a.number', number)
      .first(COLUMNS);
    return row ? toRow(row) : undefined;
  }

  /** A page of the cabinet's appeals, newest first, and the total count. */
  async pageOfUser(
    userId: number,
    offset: number,
    limit: number,
  ): Promise<{ rows: AppealRow[]; total: number }> {
    const [count] = await this.db('appeals').where({ user_id: userId }).count({ n: '*' });
    const rows = await this.db('appeals as a')
      .leftJoin('accounts as acc', 'acc.id', 'a.account_id')
      .where('a.user_id', userId)
      .orderBy('a.id', 'desc')
      .offset(offset)
      .limit(limit)
      .select(COLUMNS);
    return { rows: rows.map(toRow), total: Number(count?.n ?? 0) };
  }

  async messages(appealId: number): Promise<MessageRow[]> {
    const rows = await this.db('appeal_messages').where({ appeal_id: appealId }).orderBy('id');
    const attachments = await this.db('appeal_attachments as t')
      .join('appeal_messages as m', 'm.id', 't.message_id')
      .where('m.appeal_id', appealId)
      .orderBy('t.id')
      .select('t.message_id', 't.kind', 't.file_id', 't.file_name', 't.mime_type', 't.caption');
    return rows.map((row) => ({
      id: Number(row.id),
      author: row.author === 'staff' ? 'staff' : 'resident',
      staffTelegramId: num(row.staff_telegram_id),
      text: String(row.text),
      createdAt: iso(row.created_at) ?? '',
      attachments: attachments
        .filter((a) => Number(a.message_id) === Number(row.id))
        .map((a) => ({
          kind: a.kind === 'photo' ? 'photo' : 'document',
          fileId: String(a.file_id),
          fileName: a.file_name == null ? null : String(a.file_name),
          mimeType: a.mime_type == null ? null : String(a.mime_type),
          caption: a.caption == null ? null : String(a.caption),
        })),
    }));
  }

  /**
   * Moves the appeal from one of `from` to `to`, only if it is still in one of them (a
   * compare-and-set: two operators pressing «Взять в работу» at once, one wins). Returns whether
   * this call changed it.
   */
  async transition(
    trx: Knex.Transaction,
    id: number,
    from: readonly string[],
    changes: Record<string, unknown>,
  ): Promise<boolean> {
    const updated = await trx('appeals').where({ id }).whereIn('status', from).update(changes);
    return updated > 0;
  }

  /** Open appeals past their deadline and not yet flagged. */
  async overdueUnflagged(nowIso: string): Promise<AppealRow[]> {
    const rows = await this.db('appeals as a')
      .leftJoin('accounts as acc', 'acc.id', 'a.account_id')
      .whereIn('a.status', ['new', 'in_progress'])
      .andWhere('a.due_at', '<=', nowIso)
      .whereNull('a.overdue_flagged_at')
      .orderBy('a.id')
      .select(COLUMNS);
    return rows.map(toRow);
  }

  /** Marks an appeal flagged as overdue, once; false if another worker did it first. */
  async markOverdueFlagged(trx: Knex.Transaction, id: number, nowIso: string): Promise<boolean> {
    const n = await trx('appeals')
      .where({ id })
      .whereNull('overdue_flagged_at')
      .update({ overdue_flagged_at: nowIso });
    return n > 0;
  }

  /** Open appeals (new, in work, answered), oldest first. */
  async open(): Promise<AppealRow[]> {
    const rows = await this.db('appeals as a')
      .leftJoin('accounts as acc', 'acc.id', 'a.account_id')
      .whereIn('a.status', ['new', 'in_progress', 'answered'])
      .orderBy('a.id')
      .select(COLUMNS);
    return rows.map(toRow);
  }

  /** Times from receipt to first answer (ms), for the median in /stats. */
  async answerDurations(): Promise<number[]> {
    const rows = await this.db('appeals')
      .whereNotNull('first_answered_at')
      .select('created_at', 'first_answered_at');
    return rows.map(
      (r) => Date.parse(iso(r.first_answered_at) ?? '') - Date.parse(iso(r.created_at) ?? ''),
    );
  }

  /** The Telegram message id the outbox recorded for a message it sent (the card), if sent. */
  async sentMessageId(dedupeKey: string): Promise<number | undefined> {
    const row = await this.db('outbox')
      .where({ dedupe_key: dedupeKey, status: 'sent' })
      .first('telegram_message_id');
    return row?.telegram_message_id == null ? undefined : Number(row.telegram_message_id);
  }
}
