import {
  formatDate,
  formatDateTime,
  formatLocale,
  formatPhone,
  localDate,
} from '../../core/format';
import type { DocumentPayload, PhotoPayload, TextPayload } from '../../core/outbox/outbox';
import { splitText, TELEGRAM_TEXT_LIMIT } from '../../core/paging';
import { stripInvisibleControls } from '../../core/untrusted-text';
import { residentAppealKeyboard, staffCardKeyboard } from './keyboards';
import type { AttachmentInput } from './repo';
import type { AppealStatus } from './rules';
import type { AppealCard, AppealThread, AppealView } from './service';

/** What rendering needs: the texts of one language, and the zone dates are shown in. */
export interface Texts {
  t: (key: string, vars?: Record<string, string | number>) => string;
  locale: string;
  timeZone: string;
}

const TEXT_LIMIT = TELEGRAM_TEXT_LIMIT;

/**
 * A UTC instant as local date and time, with the month in words («12 марта 2026, 00:00»): the one
 * style of {@link formatDateTime}, as on every other screen.
 */
export function localDateTime(texts: Texts, instant: string): string {
  return formatDateTime(instant, texts.timeZone, formatLocale(texts.locale));
}

/**
 * The last day of the deadline, local, month in words («12 марта 2026»): due_at is exclusive
 * (local midnight), so the day before it is shown.
 */
export function dueDate(texts: Texts, dueAt: string): string {
  return formatDate(
    localDate(new Date(Date.parse(dueAt) - 1), texts.timeZone),
    formatLocale(texts.locale),
  );
}

export function statusLabel(texts: Texts, status: AppealStatus): string {
  return texts.t(`appeals-status-${status.replace('_', '-')}`);
}

export function topicLabel(texts: Texts, topic: string): string {
  return texts.t(`appeals-topic-${topic}`);
}

/**
 * What residents typed (text, name, contact), as staff are shown it: without bidirectional
 * overrides and other invisible controls (core/untrusted-text). Empty stays empty.
 */
function forStaff(text: string | null | undefined): string | undefined {
  if (text === null || text === undefined) return undefined;
  const clean = stripInvisibleControls(text);
  return clean === '' ? undefined : clean;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A caption as shown beside its file on cards and threads: long ones end visibly «…». */
const CAPTION_SHOWN = 300;
/** Telegram's limit on a photo's or document's caption (characters). */
const CAPTION_LIMIT = 1024;

/**
 * A photo or document as people are told of it: «🖼 фото», or «📄 akt.pdf (application/pdf)» —
 * the document's real name with invisible controls removed and the MIME type Telegram reported,
 * because a file sent on by `file_id` shows the name its sender gave it («akt\u202Efdp.exe»
 * reads «aktexe.pdf»); then the sender's caption, if any, after a colon.
 */
export function attachmentLabel(texts: Texts, file: AttachmentInput): string {
  const base =
    file.kind === 'photo'
      ? texts.t('appeals-file-photo')
      : texts.t('appeals-file-document', {
          name: forStaff(file.fileName) ?? '—',
          type: forStaff(file.mimeType) ?? '—',
        });
  const caption = forStaff(file.caption);
  return caption ? `${base}: «${clip(caption, CAPTION_SHOWN)}»` : base;
}

/** The files of a turn, one line each, numbered: «1. 📄 akt.pdf (application/pdf)». */
function attachmentLines(texts: Texts, files: readonly AttachmentInput[]): string[] {
  return files.map((file, i) => `${i + 1}. ${attachmentLabel(texts, file)}`);
}

/**
 * The caption of a file sent on by `file_id`: the appeal's number, its place among the turn's
 * files, and what it really is ({@link attachmentLabel}) — within Telegram's 1 024 characters.
 */
export function attachmentCaption(
  texts: Texts,
  number: string,
  file: AttachmentInput,
  place: { index: number; of: number },
): string {
  return clip(
    `${number} · ${place.index + 1}/${place.of}\n${attachmentLabel(texts, file)}`,
    CAPTION_LIMIT,
  );
}

/** The card in the admin chat: plain text (no parse mode: the resident's words cannot inject markup). */
export function adminCardText(texts: Texts, card: AppealCard): string {
  const { t } = texts;
  const first = card.messages[0];
  const files = card.messages.flatMap((m) => m.attachments);
  const lines = [
    t('appeals-card-title', { number: card.number, topic: topicLabel(texts, card.topic) }),
    // A closed appeal has no deadline left to show.
    card.status === 'closed'
      ? t('appeals-card-status-closed', { status: statusLabel(texts, card.status) })
      : t('appeals-card-status', {
          status: statusLabel(texts, card.status),
          due: dueDate(texts, card.dueAt),
        }),
  ];
  if (card.overdue && card.status !== 'closed') lines.push(t('appeals-card-overdue'));
  // Who handled it, by name: took, answered, closed (neutral forms, whoever it was).
  if (card.takenBy !== null) {
    lines.push(
      t('appeals-card-taken', { staff: forStaff(card.takenByName) ?? String(card.takenBy) }),
    );
  }
  if (card.answeredByName !== null) {
    lines.push(t('appeals-card-answered-by', { staff: forStaff(card.answeredByName) ?? '—' }));
  }
  if (card.closedByName === 'resident') lines.push(t('appeals-card-closed-by-resident'));
  else if (card.closedByName !== null) {
    lines.push(t('appeals-card-closed-by', { staff: forStaff(card.closedByName) ?? '—' }));
  }
  lines.push(t('appeals-card-account', { account: card.accountNumber ?? '—' }));
  lines.push(
    t('appeals-card-resident', {
      // No ФИО in the profile: the name they go by in Telegram, marked as such.
      name:
        forStaff(card.resident.fullName) ??
        (card.telegramName
          ? t('appeals-card-telegram-name', { name: forStaff(card.telegramName) ?? '' })
          : '—'),
      email: forStaff(card.resident.email) ?? '—',
      phone: card.resident.phone ? formatPhone(forStaff(card.resident.phone) ?? '') : '—',
    }),
  );
  if (files.length > 0) {
    lines.push(t('appeals-card-attachments', { n: files.length }));
    lines.push(...attachmentLines(texts, files));
  }
  const head = lines.join('\n');
  return `${head}\n\n${clip(forStaff(first?.text) ?? '', TEXT_LIMIT - head.length - 2)}`;
}

export function adminCardPayload(texts: Texts, card: AppealCard): TextPayload {
  const attachments = card.messages.reduce((n, m) => n + m.attachments.length, 0);
  return {
    text: adminCardText(texts, card),
    reply_markup: staffCardKeyboard(texts.t, card, attachments),
  };
}

/** A status change or a staff answer, to the resident. */
export function residentNotice(
  texts: Texts,
  notice: { id: number; number: string; status: AppealStatus; answer?: string },
): TextPayload {
  const { t } = texts;
  const text =
    notice.answer !== undefined
      ? t('appeals-notice-answer', { number: notice.number, answer: clip(notice.answer, 3500) })
      : t('appeals-notice-status', {
          number: notice.number,
          status: statusLabel(texts, notice.status),
        });
  return { text, reply_markup: residentAppealKeyboard(t, notice.id, notice.status) };
}

/** A staff answer corrected after it was sent, to the resident: marked «✏️ Исправлено». */
export function correctedNotice(
  texts: Texts,
  notice: { id: number; number: string; status: AppealStatus; answer: string },
): TextPayload {
  const { t } = texts;
  return {
    text: t('appeals-notice-corrected', {
      number: notice.number,
      answer: clip(notice.answer, 3500),
    }),
    reply_markup: residentAppealKeyboard(t, notice.id, notice.status),
  };
}

/** The resident's answer (or closing), copied to the admin chat under the appeal's card. */
export function residentAnswerCopy(
  texts: Texts,
  copy: {
    number: string;
    text?: string;
    attachments: number;
    closed: boolean;
    cardMessageId?: number;
  },
): TextPayload {
  const { t } = texts;
  const text = copy.closed
    ? t('appeals-staff-resident-closed', { number: copy.number })
    : t('appeals-staff-resident-answer', {
        number: copy.number,
        text: clip(forStaff(copy.text) ?? '', 3500),
        attachments: copy.attachments,
      });
  return {
    text,
    ...(copy.cardMessageId
      ? { reply_parameters: { message_id: copy.cardMessageId, allow_sending_without_reply: true } }
      : {}),
  };
}

/**
 * A photo or document of an appeal sent on by its Telegram `file_id` (the file stays on Telegram),
 * captioned with the appeal's number and its place among the turn's files; `replyTo` threads it
 * under the staff card.
 */
export function attachmentCopy(
  file: AttachmentInput,
  caption: string,
  replyTo?: number,
): PhotoPayload | DocumentPayload {
  const reply = replyTo
    ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
    : {};
  return file.kind === 'photo'
    ? { photo: { fileId: file.fileId }, caption, ...reply }
    : { document: { fileId: file.fileId }, caption, ...reply };
}

/** One line of `/appeals`. */
export function appealLine(texts: Texts, appeal: AppealView): string {
  return texts.t('appeals-list-line', {
    number: appeal.number,
    topic: topicLabel(texts, appeal.topic),
    status: statusLabel(texts, appeal.status),
    date: localDateTime(texts, appeal.createdAt),
  });
}

/** Room kept on each thread page for the page line and Telegram's counting of emoji. */
const PAGE_MARGIN = 120;

/**
 * The whole thread as pages, oldest first, each a message under Telegram's 4 096 characters: the
 * title and status on every page, then the turns in full (a turn too long for one page goes on
 * over the next ones, marked «(продолжение)»). Nothing is cut or left out.
 */
export function threadPages(texts: Texts, thread: AppealThread): string[] {
  const { t } = texts;
  const head = [
    t('appeals-thread-title', { number: thread.number, topic: topicLabel(texts, thread.topic) }),
    thread.status === 'closed'
      ? t('appeals-thread-status-closed', { status: statusLabel(texts, thread.status) })
      : t('appeals-thread-status', {
          status: statusLabel(texts, thread.status),
          due: dueDate(texts, thread.dueAt),
        }),
  ].join('\n');
  const budget = TEXT_LIMIT - head.length - PAGE_MARGIN;
  // Each turn as blocks that fit a page: its header with the first piece, then continuations.
  const blocks: string[] = [];
  for (const m of thread.messages) {
    const who = t(m.author === 'staff' ? 'appeals-thread-staff' : 'appeals-thread-resident', {
      date: localDateTime(texts, m.createdAt),
    });
    const files =
      m.attachments.length > 0
        ? `\n${[
            t('appeals-card-attachments', { n: m.attachments.length }),
            ...attachmentLines(texts, m.attachments),
          ].join('\n')}`
        : '';
    const continued = t('appeals-thread-continued');
    const pieces = splitText(m.text, budget - who.length - continued.length - files.length - 4);
    pieces.forEach((piece, i) => {
      const first = i === 0 ? who : `${who} ${continued}`;
      blocks.push(`${first}\n${piece}${i === pieces.length - 1 ? files : ''}`);
    });
  }
  const pages: string[][] = [[]];
  let length = 0;
  for (const block of blocks) {
    const current = pages[pages.length - 1] ?? [];
    if (current.length > 0 && length + block.length + 2 > budget) {
      pages.push([block]);
      length = block.length;
    } else {
      current.push(block);
      length += block.length + 2;
    }
  }
  return pages.map((page, i) =>
    [
      head,
      ...(pages.length > 1 ? [t('appeals-thread-page', { page: i + 1, pages: pages.length })] : []),
      ...page,
    ].join('\n\n'),
  );
}
