import { badRequest } from '../api-error.js';
import { withAutoEntities } from '../auto-entities.js';
import type { EmulatorCore } from '../core.js';
import { parseReplyMarkup } from '../markup.js';
import { isRecord, type Params } from '../params.js';
import { formatText } from '../parse-mode.js';
import { randomId } from '../state.js';
import type { Message } from '../types.js';
import { MAX_CAPTION, messageCaption } from './message-target.js';
import type { MethodTable } from './method.js';

type Content = Omit<Message, 'message_id' | 'chat' | 'date' | 'from'>;

function sendMedia(core: EmulatorCore, p: Params, kind: 'photo' | 'document'): Message {
  const chat = core.targetChat(p);
  const file = core.inputFile(p, p.raw[kind], kind, kind === 'photo' ? 'photos' : 'documents');
  const caption = messageCaption(p);
  const markup = parseReplyMarkup(p.json('reply_markup'));
  const reply = core.replyTarget(chat, p);
  core.throttle(chat);
  const content: Content =
    kind === 'photo' ? { photo: core.photoSizes(file) } : { document: core.documentOf(file) };
  if (caption) {
    content.caption = caption.caption;
    if (caption.caption_entities.length) content.caption_entities = caption.caption_entities;
  }
  if (reply) content.reply_to_message = reply;
  return core.addBotMessage(chat, content, markup).message;
}

/** Photos, documents, albums and file downloads metadata. */
export const mediaMethods: MethodTable = {
  sendPhoto: (core, p) => sendMedia(core, p, 'photo'),
  sendDocument: (core, p) => sendMedia(core, p, 'document'),

  sendMediaGroup: (core, p) => {
    const chat = core.targetChat(p);
    const media = p.json('media');
    if (!Array.isArray(media) || media.length < 2 || media.length > 10) {
      throw badRequest('wrong number of media in the album: must be between 2 and 10');
    }
    const items = media.map((item): Content => {
      if (!isRecord(item) || (item.type !== 'photo' && item.type !== 'document')) {
        throw badRequest("can't parse InputMedia: unsupported media type");
      }
      const kind = item.type;
      const file = core.inputFile(
        p,
        item.media,
        'media',
        kind === 'photo' ? 'photos' : 'documents',
      );
      const content: Content =
        kind === 'photo' ? { photo: core.photoSizes(file) } : { document: core.documentOf(file) };
      if (typeof item.caption === 'string' && item.caption !== '') {
        const parsed = formatText(
          item.caption,
          typeof item.parse_mode === 'string' ? item.parse_mode : undefined,
          item.caption_entities,
        );
        if (parsed.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
        content.caption = parsed.text;
        const entities = withAutoEntities(parsed.text, parsed.entities);
        if (entities.length) content.caption_entities = entities;
      }
      return content;
    });
    const reply = core.replyTarget(chat, p);
    core.throttle(chat);
    const groupId = randomId(9);
    return items.map(
      (content) =>
        core.addBotMessage(chat, {
          ...content,
          media_group_id: groupId,
          ...(reply ? { reply_to_message: reply } : {}),
        }).message,
    );
  },

  getFile: (core, p) => {
    const file = core.state.files.get(p.string('file_id') ?? '');
    if (!file) throw badRequest('invalid file_id');
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.bytes.length,
      file_path: file.file_path,
    };
  },
};
