import type { StoredMessage } from './state.js';
import type {
  Contact,
  Document,
  Invoice,
  MessageEntity,
  PhotoSize,
  ReplyMarkup,
  SuccessfulPayment,
  User,
} from './types.js';

/** A file as the transcript shows it: the Bot API object plus a token-free URL. */
export type WithUrl<T> = T & { url: string };

/** One line of a chat as the web page and tests see it (CONTRACT.md). */
export interface TranscriptEntry {
  message_id: number;
  direction: 'in' | 'out';
  from: User;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  reply_markup?: ReplyMarkup;
  photo?: Array<WithUrl<PhotoSize>>;
  document?: WithUrl<Document>;
  invoice?: Invoice;
  successful_payment?: SuccessfulPayment;
  contact?: Contact;
  media_group_id?: string;
  forwarded_from?: User;
  reply_to_message_id?: number;
  edits: number;
  deleted: boolean;
}

/** The token-free download path of a stored file. */
export function fileUrl(fileId: string): string {
  return `/sandbox/api/files/${encodeURIComponent(fileId)}`;
}

/** Projects a stored message into a transcript entry. */
export function toTranscriptEntry(stored: StoredMessage, bot: User): TranscriptEntry {
  const m = stored.message;
  const entry: TranscriptEntry = {
    message_id: m.message_id,
    direction: stored.direction,
    from: m.from ?? bot,
    date: m.date,
    edits: stored.edits,
    deleted: stored.deleted,
  };
  if (m.edit_date !== undefined) entry.edit_date = m.edit_date;
  if (m.text !== undefined) entry.text = m.text;
  if (m.entities) entry.entities = m.entities;
  if (m.caption !== undefined) entry.caption = m.caption;
  if (m.caption_entities) entry.caption_entities = m.caption_entities;
  if (stored.reply_markup) entry.reply_markup = stored.reply_markup;
  if (m.photo) entry.photo = m.photo.map((p) => ({ ...p, url: fileUrl(p.file_id) }));
  if (m.document) entry.document = { ...m.document, url: fileUrl(m.document.file_id) };
  if (m.invoice) entry.invoice = m.invoice;
  if (m.successful_payment) entry.successful_payment = m.successful_payment;
  if (m.contact) entry.contact = m.contact;
  if (m.media_group_id) entry.media_group_id = m.media_group_id;
  if (m.forward_origin) entry.forwarded_from = m.forward_origin.sender_user;
  if (m.reply_to_message) entry.reply_to_message_id = m.reply_to_message.message_id;
  return entry;
}
