import { stripInvisibleControls } from '../../core/untrusted-text';
import type { AuditLog } from '../../core/audit';
import type { RateLimiter } from '../../core/rate-limit';
import type { Db } from '../../core/db/index';
import type { Locale, Translate } from '../../core/i18n';
import type { ConfirmationRequest, Outbox, OutboxMessage } from '../../core/outbox/outbox';
import type { AccountsService } from '../accounts/service';
import { localPartsOf } from '../readings/rules';
import type { AdminChat, StaffService } from '../staff/service';
import type { CalendarTransfers } from './calendar';
import { type AppealRow, AppealsRepo, type AttachmentInput, type MessageRow } from './repo';
import {
  type AppealEvent,
  type AppealStatus,
  type AppealTopic,
  answerDueAt,
  appealNumber,
  isOverdue,
  MAX_APPEAL_TEXT,
  MAX_ATTACHMENTS,
  median,
  nextStatus,
} from './rules';
import {
  adminCardPayload,
  attachmentCaption,
  correctedNotice,
  attachmentCopy,
  dueDate,
  residentAnswerCopy,
  residentNotice,
  statusLabel,
  type Texts,
} from './views';
import { formatDate, formatLocale } from '../../core/format';

export type { AttachmentInput } from './repo';

/** The daily summary goes out from this local hour on. */
const SUMMARY_HOUR = 9;
/** At most this many appeals listed in the summary (the message stays far below 4 096). */
const SUMMARY_LINES = 40;

/** Appeals per page of `/appeals`. */
export const APPEALS_PAGE_SIZE = 5;

/** What residents and staff see of an appeal. */
export interface AppealView {
  id: number;
  number: string;
  topic: AppealTopic;
  status: AppealStatus;
  accountNumber: string | null;
  /** UTC; the answer is due before this instant. */
  dueAt: string;
  createdAt: string;
  takenBy: number | null;
  overdue: boolean;
}

export interface AppealThread extends AppealView {
  messages: MessageRow[];
}

/** The card staff see in the admin chat. */
export interface AppealCard extends AppealThread {
  resident: { fullName: string | null; email: string | null; phone: string | null };
  /** The name of the staff member who took it (from the staff registry), null if unknown. */
  takenByName: string | null;
  /** Who wrote the latest staff answer (name, or the Telegram id as text), null if none yet. */
  answeredByName: string | null;
  /** Who closed it: a staff member's name, `resident`, or null while it is open. */
  closedByName: string | null;
  /** The name the resident went by in Telegram when filing, shown when the profile has no ФИО. */
  telegramName: string | null;
}

export interface AppealPage {
  items: AppealView[];
  page: number;
  pages: number;
}

export type CreateResult =
  /** `outboxId`: the held «принято» written with the appeal (null when none was asked for). */
  | { kind: 'created'; appeal: AppealView; outboxId: number | null }
  /** The account is not linked to the cabinet (a forged id): refused and audited. */
  | { kind: 'account-denied' }
  | { kind: 'empty-text' }
  | { kind: 'too-long'; max: number }
  | { kind: 'too-many-attachments'; max: number }
  /** The cabinet filed {@link APPEALS_PER_WINDOW} appeals this hour; the next after `retryAfterMs`. */
  | { kind: 'rate-limited'; retryAfterMs: number };

export type ActResult =
  | { kind: 'done'; appeal: AppealView }
  /** Not this person's appeal (or no such appeal): one answer for both. */
  | { kind: 'not-found' }
  /**
   * A repeated tap: the same staff member already did this (took it and it is still in work with
   * them, or closed it). Said quietly as «Уже сделано», not as a refusal.
   */
  | { kind: 'already-done'; appeal: AppealView }
  /** Not allowed in the appeal's status (closed, or already taken). */
  | { kind: 'not-allowed'; appeal: AppealView }
  | { kind: 'empty-text' }
  /** Longer than {@link MAX_APPEAL_TEXT} characters: refused whole, never cut. */
  | { kind: 'too-long'; max: number }
  | { kind: 'not-staff' };

export interface AppealsServiceDeps {
  db: Db;
  accounts: Pick<AccountsService, 'ensureLinked'>;
  staff: Pick<StaffService, 'member'>;
  adminChat: AdminChat;
  audit: AuditLog;
  outbox: Outbox;
  translate: Translate;
  /** The language a Telegram user reads in (their choice, else the default). */
  localeOf: (telegramUserId: number) => Promise<Locale>;
  /** The admin chat's language. */
  staffLocale: Locale;
  /** The resident's name and contact, for the card (from the profile service, which owns them). */
  contactOf: (
    userId: number,
  ) => Promise<{ fullName: string | null; email: string | null; phone: string | null }>;
  timeZone: string;
  /** Answer deadline in working days: the default and per topic. */
  deadlines: { workingDays: number; byTopic: Record<string, number> };
  calendar: CalendarTransfers;
  clock: () => Date;
  /**
   * The per-cabinet limit on new appeals (atomic, in the database): {@link APPEALS_PER_WINDOW}
   * per {@link APPEAL_FILING_WINDOW_MS}. Without it, no limit (unit tests of other rules).
   */
  filingLimiter?: RateLimiter;
}

/**
 * Appeals (обращения): residents send them with a topic, optional account, text and up to five
 * photos or documents; staff take, answer and close them in the admin chat; each side is told of
 * the other's move through the durable outbox, written in the same transaction as the change.
 *
 * Authorization: residents reach appeals only through their cabinet's `userId` (someone else's
 * id gets the same «not found» as a missing one, and is audited); staff methods check the staff
 * registry themselves, whatever the handler did.
 */
export class AppealsService {
  private readonly repo: AppealsRepo;

  constructor(private readonly deps: AppealsServiceDeps) {
    this.repo = new AppealsRepo(deps.db);
  }

  /** Working days to answer an appeal of `topic` (ПП 354 п. 31 «к»: 3 by default). */
  workingDaysFor(topic: AppealTopic): number {
    return this.deps.deadlines.byTopic[topic] ?? this.deps.deadlines.workingDays;
  }

  /**
   * How long (milliseconds) before this cabinet may file another appeal; 0 when it may now. Read
   * only, to say so before the resident writes it; {@link create} is the gate.
   */
  async filingWaitMs(userId: number): Promise<number> {
    const state = await this.deps.filingLimiter?.check([filingScope(userId)]);
    return state?.blocked ? state.retryAfterMs : 0;
  }

  /**
   * Files a new appeal: numbered `А-YYYY-NNNNNN` (year of receipt, local time), due by the
   * working-day deadline of its topic. Committed, with the card for the admin chat in the outbox,
   * before it returns: the caller may then say «принято» and quote the number. `confirmation`,
   * rendered by the caller from the new appeal, is written to the outbox in the same transaction
   * (`Outbox.hold`): a crash after the commit still delivers the number.
   */
  async create(
    input: {
      userId: number;
      telegramUserId: number;
      /** The resident's first and last name in Telegram (for the card when there is no ФИО). */
      telegramName?: string;
      topic: AppealTopic;
      accountId: number | null;
      text: string;
      attachments: readonly AttachmentInput[];
    },
    confirmation?: ConfirmationRequest<AppealView>,
  ): Promise<CreateResult> {
    const text = input.text.trim();
    if (text === '') return { kind: 'empty-text' };
    if (text.length > MAX_APPEAL_TEXT) return { kind: 'too-long', max: MAX_APPEAL_TEXT };
    if (input.attachments.length > MAX_ATTACHMENTS) {
      return { kind: 'too-many-attachments', max: MAX_ATTACHMENTS };
    }
    if (
      input.accountId !== null &&
      !(await this.deps.accounts.ensureLinked(input.userId, input.accountId, input.telegramUserId))
    ) {
      return { kind: 'account-denied' };
    }
    // The slot is taken last, after every check that can refuse: a refused draft costs nothing.
    const gate = await this.deps.filingLimiter?.take([filingScope(input.userId)]);
    if (gate?.blocked) return { kind: 'rate-limited', retryAfterMs: gate.retryAfterMs };
    const now = this.deps.clock();
    const year = Number(
      new Intl.DateTimeFormat('en', { timeZone: this.deps.timeZone, year: 'numeric' }).format(now),
    );
    const dueAt = answerDueAt(
      now,
      this.workingDaysFor(input.topic),
      this.deps.timeZone,
      this.deps.calendar,
    ).toISOString();
    const adminChatId = await this.deps.adminChat.id();
    const contact = await this.deps.contactOf(input.userId);

    const created = await this.deps.db.transaction(async (trx) => {
      const seq = await this.repo.nextSeq(trx, year);
      const appealId = await this.repo.insertAppeal(trx, {
        number: appealNumber(year, seq),
        year,
        seq,
        userId: input.userId,
        telegramUserId: input.telegramUserId,
        telegramName:
          stripInvisibleControls(input.telegramName ?? '')
            .trim()
            .slice(0, 200) || null,
        accountId: input.accountId,
        topic: input.topic,
        dueAt,
        now: now.toISOString(),
      });
      await this.repo.insertMessage(trx, {
        appealId,
        author: 'resident',
        text,
        attachments: input.attachments,
        now: now.toISOString(),
      });
      const card = await this.cardOf(appealId, trx, contact);
      if (adminChatId !== undefined && card) {
        await this.deps.outbox.enqueue(
          {
            chatId: adminChatId,
            kind: 'appeal-card',
            dedupeKey: cardKey(appealId),
            payload: adminCardPayload(this.texts(this.deps.staffLocale), card),
          },
          { trx },
        );
      }
      const row = await this.repo.byId(appealId, trx);
      if (!row) throw new Error('appeal vanished in its own transaction');
      const appeal = this.view(row);
      const outboxId = confirmation
        ? await this.deps.outbox.hold(
            {
              chatId: confirmation.chatId,
              kind: 'appeal-created',
              dedupeKey: `appeal-created:${appealId}`,
              payload: confirmation.render(appeal),
            },
            { trx },
          )
        : null;
      return { appeal, outboxId };
    });
    return { kind: 'created', ...created };
  }

  /** A page (0-based) of the cabinet's appeals, newest first. */
  async listOwn(userId: number, page: number): Promise<AppealPage> {
    const safePage = Math.max(0, Math.floor(page));
    const { rows, total } = await this.repo.pageOfUser(
      userId,
      safePage * APPEALS_PAGE_SIZE,
      APPEALS_PAGE_SIZE,
    );
    const pages = Math.max(1, Math.ceil(total / APPEALS_PAGE_SIZE));
    return { items: rows.map((r) => this.view(r)), page: safePage, pages };
  }

  /** The whole thread of the cabinet's own appeal; undefined (and audited) for anybody else's. */
  async threadOwn(
    userId: number,
    appealId: number,
    telegramUserId: number,
  ): Promise<AppealThread | undefined> {
    const row = await this.ownRow(userId, appealId, telegramUserId);
    if (!row) return undefined;
    return { ...this.view(row), messages: await this.repo.messages(row.id) };
  }

  /**
   * The resident answers a staff reply: the appeal goes back to «в работе» and the answer goes to
   * the admin chat as a reply under the appeal's card.
   */
  async residentAnswer(input: {
    userId: number;
    telegramUserId: number;
    appealId: number;
    text: string;
    attachments?: readonly AttachmentInput[];
  }): Promise<ActResult> {
    const text = input.text.trim();
    if (text === '') return { kind: 'empty-text' };
    if (text.length > MAX_APPEAL_TEXT) return { kind: 'too-long', max: MAX_APPEAL_TEXT };
    const row = await this.ownRow(input.userId, input.appealId, input.telegramUserId);
    if (!row) return { kind: 'not-found' };
    return this.act(row, 'resident-answer', {
      message: { author: 'resident', text },
      attachments: input.attachments ?? [],
    });
  }

  /** The resident closes their own appeal. */
  async residentClose(input: {
    userId: number;
    telegramUserId: number;
    appealId: number;
  }): Promise<ActResult> {
    const row = await this.ownRow(input.userId, input.appealId, input.telegramUserId);
    if (!row) return { kind: 'not-found' };
    return this.act(row, 'resident-close', {});
  }

  /** «Взять в работу»: only a new appeal, by one staff member (the first press wins). */
  async take(staffTelegramId: number, appealId: number): Promise<ActResult> {
    return this.staffAct(staffTelegramId, appealId, 'staff-take', {});
  }

  /**
   * A staff answer: sent to the resident with its photos or documents (by `file_id`, through the
   * outbox), the appeal becomes «есть ответ».
   */
  async answer(
    staffTelegramId: number,
    appealId: number,
    text: string,
    attachments: readonly AttachmentInput[] = [],
    adminMessageId?: number,
  ): Promise<ActResult> {
    const trimmed = text.trim();
    if (trimmed === '') return { kind: 'empty-text' };
    if (trimmed.length > MAX_APPEAL_TEXT) return { kind: 'too-long', max: MAX_APPEAL_TEXT };
    return this.staffAct(staffTelegramId, appealId, 'staff-answer', {
      message: { author: 'staff', text: trimmed, adminMessageId },
      attachments: attachments.slice(0, MAX_ATTACHMENTS),
    });
  }

  /**
   * A staff member edited the admin-chat message that was their answer (`adminMessageId`): the
   * thread keeps the corrected text and the resident is sent it, marked «Исправлено», through the
   * outbox in the same transaction. `not-found` when that message was no answer of theirs (an
   * edit of anything else changes nothing); `too-long` over {@link MAX_APPEAL_TEXT}.
   */
  async correctAnswer(
    staffTelegramId: number,
    adminMessageId: number,
    text: string,
  ): Promise<ActResult> {
    if (!(await this.deps.staff.member(staffTelegramId))) return { kind: 'not-staff' };
    const answer = await this.repo.staffAnswerByAdminMessage(adminMessageId, staffTelegramId);
    if (!answer) return { kind: 'not-found' };
    const row = await this.repo.byId(answer.appealId);
    if (!row) return { kind: 'not-found' };
    const trimmed = text.trim();
    if (trimmed === '') return { kind: 'empty-text' };
    if (trimmed.length > MAX_APPEAL_TEXT) return { kind: 'too-long', max: MAX_APPEAL_TEXT };
    if (trimmed === answer.text) return { kind: 'done', appeal: this.view(row) };
    const residentLocale =
      row.telegramUserId === null ? undefined : await this.deps.localeOf(row.telegramUserId);
    await this.deps.db.transaction(async (trx) => {
      await trx('appeal_messages').where({ id: answer.id }).update({ text: trimmed });
      if (row.telegramUserId !== null && residentLocale) {
        await this.deps.outbox.enqueue(
          [
            {
              chatId: row.telegramUserId,
              kind: 'appeal-answer',
              payload: correctedNotice(this.texts(residentLocale), {
                id: row.id,
                number: row.number,
                status: row.status,
                answer: trimmed,
              }),
            },
          ],
          { trx },
        );
      }
      await this.deps.audit.record(
        {
          action: 'appeal.staff-correct',
          telegramUserId: staffTelegramId,
          subject: row.number,
          details: { message: answer.id },
        },
        trx,
      );
    });
    return { kind: 'done', appeal: this.view(row) };
  }

  async close(staffTelegramId: number, appealId: number): Promise<ActResult> {
    return this.staffAct(staffTelegramId, appealId, 'staff-close', {});
  }

  /** The appeal a number like `А-2026-000123` names (staff look-ups, replies to cards). */
  async idByNumber(number: string): Promise<number | undefined> {
    return (await this.repo.byNumber(number))?.id;
  }

  /**
   * Cards for open appeals that never got one (filed while no admin chat was configured): once
   * the admin chat is known, each is put in the outbox, once (the card's outbox key). Run with
   * the appeals job, so at start and then periodically. Returns how many cards were queued now.
   */
  async postMissingCards(): Promise<number> {
    const adminChatId = await this.deps.adminChat.id();
    if (adminChatId === undefined) return 0;
    const open = (await this.deps.db('appeals').whereNot('status', 'closed').orderBy('id')).map(
      (row) => Number(row.id),
    );
    if (open.length === 0) return 0;
    const carded = new Set(
      (
        await this.deps.db('outbox').whereIn('dedupe_key', open.map(cardKey)).select('dedupe_key')
      ).map((row) => String(row.dedupe_key)),
    );
    const rows = open.filter((id) => !carded.has(cardKey(id))).map((id) => ({ id }));
    let queued = 0;
    for (const row of rows) {
      const appealId = Number(row.id);
      const card = await this.cardOf(appealId);
      if (!card) continue;
      const [result] = await this.deps.outbox.enqueue([
        {
          chatId: adminChatId,
          kind: 'appeal-card',
          dedupeKey: cardKey(appealId),
          payload: adminCardPayload(this.texts(this.deps.staffLocale), card),
        },
      ]);
      if (result?.enqueued) queued++;
    }
    return queued;
  }

  /** The staff card of an appeal; staff only. */
  async card(staffTelegramId: number, appealId: number): Promise<AppealCard | undefined> {
    if (!(await this.deps.staff.member(staffTelegramId))) return undefined;
    return this.cardOf(appealId);
  }

  /**
   * The staff card as it reads now, and where it stands in the admin chat, so the bot can redraw
   * it after the resident answered or closed the appeal (undefined before the card was sent).
   */
  async currentCard(
    appealId: number,
  ): Promise<
    { chatId: number; messageId: number; payload: ReturnType<typeof adminCardPayload> } | undefined
  > {
    const where = await this.cardMessage(appealId);
    const card = where ? await this.cardOf(appealId) : undefined;
    if (!where || !card) return undefined;
    return { ...where, payload: adminCardPayload(this.texts(this.deps.staffLocale), card) };
  }

  /** The card's message in the admin chat, once the outbox has sent it. */
  async cardMessage(appealId: number): Promise<{ chatId: number; messageId: number } | undefined> {
    const chatId = await this.deps.adminChat.id();
    const messageId = await this.repo.sentMessageId(cardKey(appealId));
    return chatId === undefined || messageId === undefined ? undefined : { chatId, messageId };
  }

  /**
   * Flags each open appeal past its deadline once: a notice in the admin chat (replying to the
   * card). Safe to run from several instances: the flag is set by compare-and-set.
   */
  async flagOverdue(): Promise<number> {
    const adminChatId = await this.deps.adminChat.id();
    const now = this.deps.clock();
    let flagged = 0;
    for (const row of await this.repo.overdueUnflagged(now.toISOString())) {
      const cardMessageId = await this.repo.sentMessageId(cardKey(row.id));
      await this.deps.db.transaction(async (trx) => {
        if (!(await this.repo.markOverdueFlagged(trx, row.id, now.toISOString()))) return;
        flagged++;
        if (adminChatId === undefined) return;
        await this.deps.outbox.enqueue(
          {
            chatId: adminChatId,
            kind: 'appeal-overdue',
            dedupeKey: `appeal-overdue:${row.id}`,
            payload: {
              text: this.deps.translate(this.deps.staffLocale, 'appeals-staff-overdue', {
                number: row.number,
              }),
              ...(cardMessageId
                ? {
                    reply_parameters: {
                      message_id: cardMessageId,
                      allow_sending_without_reply: true,
                    },
                  }
                : {}),
            },
          },
          { trx },
        );
      });
    }
    return flagged;
  }

  /** Open appeals and which of them are overdue: the daily summary and /stats. */
  async openSummary(): Promise<{ open: AppealView[]; overdue: AppealView[] }> {
    const open = (await this.repo.open()).map((r) => this.view(r));
    return { open, overdue: open.filter((a) => a.overdue) };
  }

  /**
   * The morning summary in the admin chat: open and overdue appeals, once a day from 09:00 local
   * time (the outbox key carries the local date, so several instances send it once). Returns
   * whether it was queued now.
   */
  async dailySummary(): Promise<boolean> {
    const chatId = await this.deps.adminChat.id();
    const now = this.deps.clock();
    const local = localPartsOf(now, this.deps.timeZone);
    if (chatId === undefined || local.hour < SUMMARY_HOUR) return false;
    const { open, overdue } = await this.openSummary();
    const texts = this.texts(this.deps.staffLocale);
    const date = `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
    const lines = open.slice(0, SUMMARY_LINES).map((a) =>
      texts.t('admin-summary-line', {
        number: a.number,
        status: statusLabel(texts, a.status),
        due: dueDate(texts, a.dueAt),
        overdue: a.overdue ? texts.t('admin-summary-overdue-mark') : '',
      }),
    );
    const more = open.length - lines.length;
    const result = await this.deps.outbox.enqueue({
      chatId,
      kind: 'appeals-summary',
      dedupeKey: `appeals-summary:${date}`,
      payload: {
        text: [
          texts.t('admin-summary-title', {
            date: formatDate(date, formatLocale(this.deps.staffLocale)),
            open: open.length,
            overdue: overdue.length,
          }),
          ...lines,
          ...(more > 0 ? [`… +${more}`] : []),
        ].join('\n'),
      },
    });
    return result.enqueued;
  }

  /** Median time from receipt to the first staff answer, in ms; null before any answer. */
  async medianFirstAnswerMs(): Promise<number | null> {
    return median(await this.repo.answerDurations());
  }

  // -------------------------------------------------------------------------------------------

  private async ownRow(
    userId: number,
    appealId: number,
    telegramUserId: number,
  ): Promise<AppealRow | undefined> {
    const row = Number.isSafeInteger(appealId) ? await this.repo.byId(appealId) : undefined;
    if (row && row.userId === userId) return row;
    await this.deps.audit.record({
      action: 'appeal.access.denied',
      userId,
      telegramUserId,
      subject: String(appealId),
    });
    return undefined;
  }

  private async staffAct(
    staffTelegramId: number,
    appealId: number,
    event: AppealEvent,
    change: {
      message?: { author: 'staff'; text: string; adminMessageId?: number };
      attachments?: readonly AttachmentInput[];
    },
  ): Promise<ActResult> {
    if (!(await this.deps.staff.member(staffTelegramId))) {
      await this.deps.audit.record({
        action: 'staff.denied',
        telegramUserId: staffTelegramId,
        subject: `appeal:${appealId}:${event}`,
      });
      return { kind: 'not-staff' };
    }
    const row = Number.isSafeInteger(appealId) ? await this.repo.byId(appealId) : undefined;
    if (!row) return { kind: 'not-found' };
    return this.act(row, event, { ...change, staffTelegramId });
  }

  /**
   * One status change with its message and notices, in one transaction. The status moves only
   * from the status it was read in (compare-and-set), so concurrent presses cannot both apply.
   */
  private async act(
    row: AppealRow,
    event: AppealEvent,
    change: {
      message?: { author: 'resident' | 'staff'; text: string; adminMessageId?: number };
      attachments?: readonly AttachmentInput[];
      staffTelegramId?: number;
    },
  ): Promise<ActResult> {
    const to = nextStatus(row.status, event);
    if (to === null) return this.refusal(row, event, change.staffTelegramId);
    const now = this.deps.clock().toISOString();
    const residentLocale =
      row.telegramUserId === null ? undefined : await this.deps.localeOf(row.telegramUserId);
    const adminChatId = await this.deps.adminChat.id();
    const cardMessageId = await this.repo.sentMessageId(cardKey(row.id));

    const changed = await this.deps.db.transaction(async (trx) => {
      const updates: Record<string, unknown> = { status: to, updated_at: now };
      if (event === 'staff-take') updates.taken_by = change.staffTelegramId ?? null;
      if (event === 'staff-answer') {
        updates.first_answered_at = row.firstAnsweredAt ?? now;
        if (row.takenBy === null) updates.taken_by = change.staffTelegramId ?? null;
      }
      if (to === 'closed') {
        updates.closed_at = now;
        updates.closed_by = change.staffTelegramId ?? null;
      }
      if (!(await this.repo.transition(trx, row.id, [row.status], updates))) return false;
      let messageId: number | undefined;
      if (change.message) {
        messageId = await this.repo.insertMessage(trx, {
          appealId: row.id,
          author: change.message.author,
          staffTelegramId: change.staffTelegramId ?? null,
          text: change.message.text,
          attachments: change.attachments ?? [],
          now,
          adminMessageId: change.message.adminMessageId ?? null,
        });
      }
      const notices: OutboxMessage[] = [];
      const residentSide = event === 'resident-answer' || event === 'resident-close';
      if (!residentSide && row.telegramUserId !== null && residentLocale) {
        notices.push({
          chatId: row.telegramUserId,
          kind: event === 'staff-answer' ? 'appeal-answer' : 'appeal-status',
          payload: residentNotice(this.texts(residentLocale), {
            id: row.id,
            number: row.number,
            status: to,
            answer: change.message?.text,
          }),
        });
        // The staff's photos and documents follow the answer, as files the resident can open.
        for (const [i, file] of (change.attachments ?? []).entries()) {
          notices.push({
            chatId: row.telegramUserId,
            kind: 'appeal-answer-file',
            payload: attachmentCopy(
              file,
              attachmentCaption(this.texts(residentLocale), row.number, file, {
                index: i,
                of: change.attachments?.length ?? 0,
              }),
            ),
          });
        }
      }
      if (residentSide && adminChatId !== undefined) {
        notices.push({
          chatId: adminChatId,
          kind: 'appeal-resident-answer',
          payload: residentAnswerCopy(this.texts(this.deps.staffLocale), {
            number: row.number,
            text: change.message?.text,
            attachments: change.attachments?.length ?? 0,
            closed: to === 'closed',
            cardMessageId,
          }),
        });
        // The resident's photos and documents go under the card too: staff open them right there.
        for (const [i, file] of (change.attachments ?? []).entries()) {
          notices.push({
            chatId: adminChatId,
            kind: 'appeal-resident-file',
            payload: attachmentCopy(
              file,
              attachmentCaption(this.texts(this.deps.staffLocale), row.number, file, {
                index: i,
                of: change.attachments?.length ?? 0,
              }),
              cardMessageId,
            ),
          });
        }
      }
      if (notices.length > 0) await this.deps.outbox.enqueue(notices, { trx });
      await this.deps.audit.record(
        {
          action: `appeal.${event}`,
          telegramUserId: change.staffTelegramId ?? row.telegramUserId,
          userId: residentSide ? row.userId : null,
          subject: row.number,
          details: messageId ? { message: messageId } : undefined,
        },
        trx,
      );
      return true;
    });
    const fresh = await this.repo.byId(row.id);
    if (!fresh) return { kind: 'not-found' };
    return changed
      ? { kind: 'done', appeal: this.view(fresh) }
      : this.refusal(fresh, event, change.staffTelegramId);
  }

  /**
   * Why `event` did not apply to `row`: `already-done` when the same staff member already took
   * the appeal (still in work) or closed it — a double tap; otherwise `not-allowed`.
   */
  private refusal(row: AppealRow, event: AppealEvent, staffTelegramId?: number): ActResult {
    const appeal = this.view(row);
    if (staffTelegramId !== undefined) {
      const took =
        event === 'staff-take' && row.status === 'in_progress' && row.takenBy === staffTelegramId;
      const closed =
        event === 'staff-close' && row.status === 'closed' && row.closedBy === staffTelegramId;
      if (took || closed) return { kind: 'already-done', appeal };
    }
    return { kind: 'not-allowed', appeal };
  }

  private async cardOf(
    appealId: number,
    db: Db = this.deps.db,
    contact?: AppealCard['resident'],
  ): Promise<AppealCard | undefined> {
    const row = await this.repo.byId(appealId, db);
    if (!row) return undefined;
    const messages = await messagesIn(db, appealId);
    const resident =
      contact ??
      (row.userId === null
        ? { fullName: null, email: null, phone: null }
        : await this.deps.contactOf(row.userId));
    const nameOf = async (telegramId: number | null): Promise<string | null> =>
      telegramId === null
        ? null
        : ((await this.deps.staff.member(telegramId))?.name ?? String(telegramId));
    const takenByName = row.takenBy === null ? null : await nameOf(row.takenBy);
    const lastAnswer = messages.filter((m) => m.author === 'staff').at(-1);
    const answeredByName = lastAnswer ? await nameOf(lastAnswer.staffTelegramId) : null;
    const closedByName =
      row.status !== 'closed'
        ? null
        : row.closedBy === null
          ? 'resident'
          : await nameOf(row.closedBy);
    return {
      ...this.view(row),
      messages,
      resident,
      takenByName,
      answeredByName,
      closedByName,
      telegramName: row.telegramName,
    };
  }

  private texts(locale: Locale): Texts {
    return {
      t: (key, vars) => this.deps.translate(locale, key, vars),
      locale,
      timeZone: this.deps.timeZone,
    };
  }

  private view(row: AppealRow): AppealView {
    return {
      id: row.id,
      number: row.number,
      topic: row.topic,
      status: row.status,
      accountNumber: row.accountNumber,
      dueAt: row.dueAt,
      createdAt: row.createdAt,
      takenBy: row.takenBy,
      overdue: isOverdue(row, this.deps.clock()),
    };
  }
}

/** The outbox key of an appeal's card: one card per appeal, and how its message id is found. */
function cardKey(appealId: number): string {
  return `appeal-card:${appealId}`;
}

async function messagesIn(db: Db, appealId: number): Promise<MessageRow[]> {
  return new AppealsRepo(db).messages(appealId);
}

/** The rate-limit scope of a cabinet's new appeals. */
function filingScope(userId: number): string {
  return `appeal-file:user:${userId}`;
}
