import { Composer, InputFile } from 'grammy';
import type { Readable } from 'node:stream';
import type { Config } from '../../config';
import type { AuditLog } from '../../core/audit';
import type { BotContext } from '../../core/context';
import { stripInvisibleControls } from '../../core/untrusted-text';
import { appealPatterns } from '../appeals/keyboards';
import type { ActResult, AppealsService, AttachmentInput } from '../appeals/service';
import { adminCardPayload, attachmentCaption, statusLabel, type Texts } from '../appeals/views';
import type { ImportReport } from '../billing/exchange/import';
import {
  formatIdentifier,
  formatInteger,
  formatMoney,
  formatPeriod,
  formatPhone,
} from '../../core/format';
import { IMPORT_KINDS, type ImportKind } from '../billing/exchange/formats';
import { enterBroadcast } from './broadcast-flow';
import { filterLabel, parseBroadcast, parseBroadcastFilter } from '../broadcast/rules';
import type { BroadcastService } from '../broadcast/service';
import { broadcastCallbacks, previewMessage, progressText } from '../broadcast/views';
import { type ReadingReviews, type ReviewResult, readingMarkIn } from '../readings/review';
import type { StaffLookup } from '../staff/lookup';
import type { AdminChat, StaffService } from '../staff/service';
import type { Translate } from '../../core/i18n';

export interface AdminFeatureDeps {
  config: Config;
  staff: StaffService;
  adminChat: AdminChat;
  appeals: AppealsService;
  readingReviews: ReadingReviews;
  lookup: StaffLookup;
  /** Runs the billing export (the CLI's code) into a file; the chat gets the file. */
  exportFile: (
    kind: 'readings' | 'payments',
    period: string,
  ) => Promise<{ path: string; rows: number; heldForReview: number }>;
  audit: AuditLog;
  translate: Translate;
  broadcasts: BroadcastService;
  /** Runs the billing import (the CLI's `importStream`) on a document sent to the chat. */
  importCsv: (kind: ImportKind, input: Readable, fileName: string) => Promise<ImportReport>;
  /** Opens a file sent to the chat as a byte stream. */
  downloadFile: (fileId: string) => Promise<Readable>;
}

/** The largest CSV accepted from the chat (bytes); bigger files go through the CLI. */
const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
/** Line errors listed in the chat; the count covers all of them. */
const IMPORT_LISTED_ERRORS = 10;

/** An appeal number as printed on cards and prompts. */
const APPEAL_NUMBER = /А-\d{4}-\d{6}/;
const REVIEW_PATTERN = /^v1\|review\|(accept|reject)\|(\d{1,15})$/;

/**
 * The staff side, in the admin group chat only, and only for members of the staff registry.
 * Anybody else's commands and button presses there are ignored and audited; in private chats
 * these commands do not exist. `/chatid` answers in any group so that whoever sets the bot up can
 * learn the id to put into ADMIN_CHAT_ID; it reveals nothing else.
 */
export function createAdminFeature(deps: AdminFeatureDeps): Composer<BotContext> {
  const { config, staff, adminChat, appeals, readingReviews, lookup, audit, translate } = deps;
  const { exportFile, broadcasts, importCsv, downloadFile } = deps;
  const texts: Texts = {
    t: (key, vars) => translate(config.defaultLocale, key, vars),
    locale: config.defaultLocale,
    timeZone: config.timeZone,
  };
  const feature = new Composer<BotContext>();
  const groups = feature.chatType(['group', 'supergroup']);
  groups.command('chatid', (ctx) => ctx.reply(ctx.t('admin-chat-id', { id: String(ctx.chat.id) })));

  // A group upgraded to a supergroup gets a new id: follow it, so cards keep arriving.
  groups.on('message:migrate_to_chat_id', async (ctx) => {
    await adminChat.migrated(ctx.chat.id, ctx.message.migrate_to_chat_id);
    ctx.log.warn({ to: ctx.message.migrate_to_chat_id }, 'admin chat migrated to a supergroup');
  });
  groups.on('message:migrate_from_chat_id', async (ctx) => {
    await adminChat.migrated(ctx.message.migrate_from_chat_id, ctx.chat.id);
  });

  const inAdminChat = groups.filter(async (ctx) => adminChat.is(ctx.chat.id));
  // Only staff pass; others' commands and buttons are audited, and nothing is answered.
  inAdminChat.use(async (ctx, next) => {
    const fromId = ctx.from?.id;
    const member = fromId === undefined ? undefined : await staff.member(fromId);
    if (member && ctx.from) {
      // Cards name who handled an appeal: the registry keeps the name they go by in Telegram.
      const name = [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ');
      if (member.name !== name) await staff.noteName(member.telegramUserId, name);
      return next();
    }
    const isCommand = ctx.message?.entities?.some(
      (e) => e.type === 'bot_command' && e.offset === 0,
    );
    if (ctx.callbackQuery || isCommand) {
      await audit.record({
        action: 'staff.denied',
        telegramUserId: fromId ?? null,
        subject: ctx.callbackQuery?.data ?? ctx.message?.text?.split(/\s/)[0] ?? null,
      });
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    }
  });
  inAdminChat.command(['help', 'start'], (ctx) => ctx.reply(ctx.t('admin-help')));

  inAdminChat.command('find', async (ctx) => {
    const query = ctx.match.trim();
    if (query === '') {
      await ctx.reply(texts.t('admin-find-usage'));
      return;
    }
    const found = await lookup.find(query);
    if (found.length === 0) {
      await ctx.reply(texts.t('admin-find-none'));
      return;
    }
    const blocks = found.map((a) =>
      [
        texts.t('admin-find-account', {
          number: a.number,
          holder: stripInvisibleControls(a.holder),
          address: stripInvisibleControls(a.address),
          status: texts.t(`admin-find-status-${a.status}`),
        }),
        ...(a.residents.length === 0
          ? [texts.t('admin-find-no-residents')]
          : a.residents.map((r) =>
              texts.t('admin-find-resident', {
                name: stripInvisibleControls(r.fullName ?? '') || '—',
                email: stripInvisibleControls(r.email ?? '') || '—',
                phone: r.phone ? formatPhone(stripInvisibleControls(r.phone)) : '—',
              }),
            )),
      ].join('\n'),
    );
    await ctx.reply(blocks.join('\n\n').slice(0, 4000));
  });

  // /export readings|payments [YYYY-MM]: the same export as `abonent export`, as a file here.
  inAdminChat.command('export', async (ctx) => {
    const [kind, given] = ctx.match.trim().split(/\s+/);
    if (kind !== 'readings' && kind !== 'payments') {
      await ctx.reply(texts.t('admin-export-usage'));
      return;
    }
    const period = given ?? (await lookup.stats()).period;
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) {
      await ctx.reply(texts.t('admin-export-usage'));
      return;
    }
    const report = await exportFile(kind, period);
    await audit.record({
      action: 'billing.export.chat',
      telegramUserId: ctx.from.id,
      subject: `${kind}:${period}`,
    });
    await ctx.replyWithDocument(new InputFile(report.path), {
      caption: texts.t('admin-export-done', {
        kind: texts.t(`admin-export-kind-${kind}`),
        period: formatPeriod(period),
        rows: report.rows,
        held: report.heldForReview,
      }),
    });
  });

  // /broadcast [filter line] text: a preview with the count, then «Отправить» / «Отмена».
  // Without a text (just /broadcast, or only a filter line) the bot asks for it (a kit flow).
  inAdminChat.command('broadcast', async (ctx) => {
    const parsed = parseBroadcast(ctx.match);
    if (parsed.kind === 'usage') {
      const filter = parseBroadcastFilter(ctx.match);
      if (!filter) {
        await ctx.reply(texts.t('broadcast-usage'));
        return;
      }
      if (!(await broadcasts.mayBroadcast(ctx.from.id))) {
        await ctx.reply(texts.t('broadcast-admin-only'));
        return;
      }
      await enterBroadcast(ctx, { filter: filterLabel(filter) });
      return;
    }
    if (parsed.kind !== 'ok') {
      await ctx.reply(texts.t('broadcast-too-long'));
      return;
    }
    const draft = await broadcasts.draft({
      staffTelegramId: ctx.from.id,
      filter: parsed.filter,
      text: parsed.text,
    });
    if (draft.kind !== 'draft') {
      await ctx.reply(texts.t('broadcast-admin-only'));
      return;
    }
    const preview = previewMessage(texts.t, draft, parsed.text);
    await ctx.reply(preview.text, { reply_markup: preview.reply_markup });
  });

  inAdminChat.callbackQuery(broadcastCallbacks.pattern, async (ctx) => {
    const id = Number(ctx.match[2]);
    if (ctx.match[1] === 'cancel') {
      const cancelled = await broadcasts.cancel(ctx.from.id, id);
      await ctx.answerCallbackQuery({
        text: texts.t(cancelled ? 'broadcast-cancelled' : 'broadcast-not-found'),
      });
      if (cancelled) await ctx.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    // A press on a preview already sent or cancelled (a repeated tap): answered in the button's
    // popup only, no new message in the group.
    if (!(await broadcasts.mayBroadcast(ctx.from.id))) {
      await ctx.answerCallbackQuery({ text: texts.t('broadcast-admin-only') });
      return;
    }
    if (!(await broadcasts.isDraft(id))) {
      await ctx.answerCallbackQuery({ text: texts.t('broadcast-not-found') });
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    // The progress line is posted first, so the confirm stores where it is in its transaction.
    const line = await ctx.reply(texts.t('broadcast-starting'));
    const result = await broadcasts.confirm({
      staffTelegramId: ctx.from.id,
      broadcastId: id,
      progressChatId: line.chat.id,
      progressMessageId: line.message_id,
    });
    if (result.kind !== 'started') {
      const text = texts.t(
        result.kind === 'not-allowed' ? 'broadcast-admin-only' : 'broadcast-not-found',
      );
      await ctx.answerCallbackQuery({ text });
      // Two presses at once: the one that lost takes its line back instead of leaving it.
      await ctx.api.deleteMessage(line.chat.id, line.message_id).catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    const progress = await broadcasts.progress(id);
    if (progress) {
      await ctx.api
        .editMessageText(line.chat.id, line.message_id, progressText(texts.t, progress))
        .catch(() => undefined);
    }
  });

  // A CSV document with the caption `/import <kind>`: the CLI's importer, its report here.
  inAdminChat.on('message:document', async (ctx, next) => {
    const caption = (ctx.message.caption ?? '').trim();
    if (!/^\/import(@\w+)?(\s|$)/.test(caption)) return next();
    const kind = caption.split(/\s+/)[1];
    const document = ctx.message.document;
    if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
      await ctx.reply(texts.t('import-usage'));
      return;
    }
    if ((document.file_size ?? 0) > IMPORT_MAX_BYTES) {
      await ctx.reply(texts.t('import-failed'));
      return;
    }
    const fileName = document.file_name ?? `${kind}.csv`;
    const report = await importCsv(
      kind as ImportKind,
      await downloadFile(document.file_id),
      fileName,
    );
    await audit.record({
      action: 'billing.import.chat',
      telegramUserId: ctx.from.id,
      subject: `${kind}:${report.applied ? 'applied' : 'rejected'}`,
    });
    if (report.applied) {
      await ctx.reply(
        texts.t('import-done', {
          kind,
          rows: report.rows,
          inserted: report.inserted,
          updated: report.updated,
          unchanged: report.unchanged,
        }),
      );
      return;
    }
    const lines = report.errors
      .slice(0, IMPORT_LISTED_ERRORS)
      .map((e) =>
        texts
          .t('import-error-line', { line: formatIdentifier(e.line), message: e.message })
          .slice(0, 200),
      );
    if (report.errorCount > lines.length) lines.push(`… (${report.errorCount})`);
    await ctx.reply([texts.t('import-errors'), ...lines].join('\n').slice(0, 4000));
  });

  // `/import accounts` typed as text, without the file: say what to attach instead of silence.
  inAdminChat.command('import', async (ctx) => {
    if (ctx.message?.document) return;
    await ctx.reply(texts.t('import-attach'));
  });

  inAdminChat.command('stats', async (ctx) => {
    const stats = await lookup.stats();
    const { open, overdue } = await appeals.openSummary();
    const medianMs = await appeals.medianFirstAnswerMs();
    await ctx.reply(
      texts.t('admin-stats', {
        period: formatPeriod(stats.period),
        residents: stats.residents,
        accounts: stats.linkedAccounts,
        readings: stats.readingsThisPeriod,
        missing: stats.readingsMissing,
        payments: stats.paymentsThisMonth,
        rubles: formatMoney(stats.paymentsKopecksThisMonth),
        open: open.length,
        overdue: overdue.length,
        median: medianMs === null ? '—' : formatInteger(Math.round(medianMs / 60_000)),
      }),
    );
  });

  /** Re-renders the card with the appeal's status and who handled it. */
  const refreshCard = async (
    ctx: BotContext,
    staffId: number,
    appealId: number,
    messageId?: number,
  ) => {
    const card = await appeals.card(staffId, appealId);
    const target = messageId ?? (await appeals.cardMessage(appealId))?.messageId;
    const chatId = await adminChat.id();
    if (!card || target === undefined || chatId === undefined) return;
    const payload = adminCardPayload(texts, card);
    const markup = payload.reply_markup;
    await ctx.api
      .editMessageText(chatId, target, payload.text, {
        reply_markup: markup && 'inline_keyboard' in markup ? markup : undefined,
      })
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not edit the appeal card'));
  };

  const outcome = (result: ActResult, number: string | undefined, doneKey: string): string => {
    switch (result.kind) {
      case 'done':
        return texts.t(doneKey, { number: result.appeal.number });
      case 'too-long':
        return texts.t('appeals-text-too-long', { max: result.max });
      case 'already-done':
        return texts.t('kit-already-done', {
          outcome: texts.t(doneKey, { number: result.appeal.number }),
        });
      case 'not-allowed':
        return texts.t('appeals-staff-not-allowed', {
          number: result.appeal.number,
          status: statusLabel(texts, result.appeal.status),
        });
      default:
        return texts.t('appeals-staff-not-found', { number: number ?? '' });
    }
  };

  inAdminChat.callbackQuery(appealPatterns.staff, async (ctx) => {
    const action = ctx.match[1];
    const appealId = Number(ctx.match[2]);
    const cardMessageId = ctx.callbackQuery.message?.message_id;
    if (action === 'take' || action === 'close') {
      const result =
        action === 'take'
          ? await appeals.take(ctx.from.id, appealId)
          : await appeals.close(ctx.from.id, appealId);
      await ctx.answerCallbackQuery({
        text: outcome(
          result,
          undefined,
          action === 'take' ? 'appeals-staff-taken' : 'appeals-staff-closed',
        ),
      });
      await refreshCard(ctx, ctx.from.id, appealId, cardMessageId);
      return;
    }
    const card = await appeals.card(ctx.from.id, appealId);
    if (!card) {
      await ctx.answerCallbackQuery({ text: texts.t('appeals-staff-not-found') });
      return;
    }
    await ctx.answerCallbackQuery();
    const replyTo = cardMessageId
      ? { reply_parameters: { message_id: cardMessageId, allow_sending_without_reply: true } }
      : {};
    if (action === 'answer') {
      await ctx.reply(texts.t('appeals-staff-answer-prompt', { number: card.number }), {
        ...replyTo,
        reply_markup: { force_reply: true, selective: true },
      });
      return;
    }
    // Sent on by file_id, a document keeps the name its sender gave it: the caption says what
    // it really is (name without invisible controls, MIME type) and the sender's caption.
    const files = card.messages.flatMap((m) => m.attachments);
    for (const [index, file] of files.entries()) {
      const caption = attachmentCaption(texts, card.number, file, { index, of: files.length });
      if (file.kind === 'photo') await ctx.replyWithPhoto(file.fileId, { ...replyTo, caption });
      else await ctx.replyWithDocument(file.fileId, { ...replyTo, caption });
    }
  });

  const reviewOutcome = (result: ReviewResult, id: number): string => {
    switch (result.kind) {
      case 'done':
        return texts.t(result.decision === 'accepted' ? 'review-accepted' : 'review-rejected', {
          id: formatIdentifier(id),
        });
      case 'already-reviewed':
        return texts.t('review-already');
      default:
        return texts.t('review-not-found');
    }
  };

  /**
   * The card of a decided reading is edited like an appeal card: the outcome, who decided and
   * the reason, with the buttons gone (a later tap on an old copy gets «уже проверены»).
   */
  const showDecision = async (ctx: BotContext, result: ReviewResult, reason?: string) => {
    if (result.kind !== 'done' || !ctx.from) return;
    const staffName = [ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(' ');
    const card = await readingReviews.decidedCard({
      reading: result.reading,
      decision: result.decision,
      staffName,
      ...(reason === undefined ? {} : { reason }),
    });
    if (!card) return;
    await ctx.api
      .editMessageText(card.chatId, card.messageId, card.text)
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not edit the review card'));
  };

  // Flagged readings: «Принять» at once; «Отклонить» asks the reason as a reply.
  inAdminChat.callbackQuery(REVIEW_PATTERN, async (ctx) => {
    const readingId = Number(ctx.match[2]);
    const card = ctx.callbackQuery.message;
    if (ctx.match[1] === 'accept') {
      const result = await readingReviews.review({
        staffTelegramId: ctx.from.id,
        readingId,
        decision: 'accepted',
      });
      await ctx.answerCallbackQuery({ text: reviewOutcome(result, readingId) });
      await showDecision(ctx, result);
      return;
    }
    // A reading already decided (or gone) is said so at once, not after the reason is typed.
    const reading = await readingReviews.get(readingId);
    if (!reading || reading.reviewed) {
      await ctx.answerCallbackQuery({
        text: texts.t(reading ? 'review-already' : 'review-not-found'),
      });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.reply(texts.t('review-reject-prompt', { id: formatIdentifier(readingId) }), {
      ...(card ? { reply_parameters: { message_id: card.message_id } } : {}),
      reply_markup: { force_reply: true, selective: true },
    });
  });

  // A staff member's Telegram reply to a card, a prompt or a resident's answer: the answer.
  inAdminChat.on('message:text', async (ctx, next) => {
    const repliedTo = ctx.message.reply_to_message;
    const readingId =
      repliedTo?.from?.id === ctx.me.id ? readingMarkIn(repliedTo.text ?? '') : undefined;
    if (readingId !== undefined && !ctx.message.text.startsWith('/')) {
      const reason = ctx.message.text.trim();
      const result = await readingReviews.review({
        staffTelegramId: ctx.from.id,
        readingId,
        decision: 'rejected',
        reason,
      });
      await ctx.reply(reviewOutcome(result, readingId), {
        reply_parameters: { message_id: ctx.message.message_id },
      });
      await showDecision(ctx, result, reason);
      return;
    }
    return next();
  });
  // A text, a photo or a document (its caption the text) sent as a Telegram reply to an appeal's
  // card, prompt or copy: the answer, files and all. Other kinds (voice, video, stickers) get a
  // polite word about what is accepted instead of silence.
  inAdminChat.on('message', async (ctx, next) => {
    const message = ctx.message;
    const replied = message.reply_to_message;
    const text = message.text ?? message.caption ?? '';
    if (!replied || replied.from?.id !== ctx.me.id || text.startsWith('/')) return next();
    const number = (replied.text ?? replied.caption ?? '').match(APPEAL_NUMBER)?.[0];
    if (!number) return next();
    const replyHere = { reply_parameters: { message_id: message.message_id } };
    const attachments: AttachmentInput[] = [];
    const photo = message.photo?.at(-1);
    if (photo) attachments.push({ kind: 'photo', fileId: photo.file_id });
    if (message.document) {
      attachments.push({
        kind: 'document',
        fileId: message.document.file_id,
        fileName: message.document.file_name ?? null,
        mimeType: message.document.mime_type ?? null,
      });
    }
    if (message.text === undefined && attachments.length === 0) {
      await ctx.reply(texts.t('appeals-staff-kinds-accepted'), replyHere);
      return;
    }
    const appealId = await appeals.idByNumber(number);
    if (appealId === undefined) {
      await ctx.reply(texts.t('appeals-staff-not-found', { number }));
      return;
    }
    const result = await appeals.answer(
      ctx.from.id,
      appealId,
      text.trim() || texts.t('appeals-attachment-only'),
      attachments,
      message.message_id,
    );
    await ctx.reply(outcome(result, number, 'appeals-staff-answer-sent'), replyHere);
    await refreshCard(ctx, ctx.from.id, appealId);
  });
  // A staff member edited their answer after it went out: the resident gets the corrected text,
  // marked «Исправлено». Edits of anything else (not an answer of theirs) change nothing.
  inAdminChat.on('edited_message', async (ctx) => {
    const edited = ctx.editedMessage;
    const text = edited.text ?? edited.caption;
    if (text === undefined || text.startsWith('/')) return;
    const result = await appeals.correctAnswer(ctx.from.id, edited.message_id, text);
    if (result.kind === 'not-found' || result.kind === 'not-staff') return;
    const number = 'appeal' in result ? result.appeal.number : undefined;
    await ctx.reply(outcome(result, number, 'appeals-staff-correction-sent'), {
      reply_parameters: { message_id: edited.message_id, allow_sending_without_reply: true },
    });
  });
  return feature;
}
