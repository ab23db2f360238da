import { EntityParseError, type ParsedText, sortEntities } from './parse-html.js';
import type { MessageEntity } from './types.js';

const RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));

const NAMES: Record<string, string> = {
  '*': 'Bold',
  _: 'Italic',
  __: 'Underline',
  '~': 'Strikethrough',
  '||': 'Spoiler',
  '`': 'Code',
  '```': 'Pre',
  '[': 'TextUrl',
};

const TYPES: Record<string, string> = {
  '*': 'bold',
  _: 'italic',
  __: 'underline',
  '~': 'strikethrough',
  '||': 'spoiler',
};

interface Open {
  marker: string;
  offset: number;
  byte: number;
}

const byteOffset = (src: string, index: number): number => Buffer.byteLength(src.slice(0, index));

function reserved(ch: string): EntityParseError {
  return new EntityParseError(
    `Character '${ch}' is reserved and must be escaped with the preceding '\\'`,
  );
}

/**
 * Parses MarkdownV2 (core.telegram.org/bots/api#markdownv2-style) the strict
 * way Telegram does: every reserved character outside an entity must be
 * escaped, unclosed entities fail with the byte offset where they began.
 */
export function parseMarkdownV2(src: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let quoteStart: number | undefined;
  let i = 0;
  const atLineStart = (): boolean => i === 0 || src[i - 1] === '\n';
  const closeQuote = (): void => {
    if (quoteStart === undefined) return;
    let end = text.length;
    if (text.endsWith('\n')) end--;
    if (end > quoteStart)
      entities.push({ type: 'blockquote', offset: quoteStart, length: end - quoteStart });
    quoteStart = undefined;
  };
  while (i < src.length) {
    const ch = src[i] as string;
    if (atLineStart()) {
      if (ch === '>') {
        if (quoteStart === undefined) quoteStart = text.length;
        i++;
        continue;
      }
      closeQuote();
    }
    if (ch === '\\') {
      const next = src[i + 1];
      if (next !== undefined && next.charCodeAt(0) > 0 && next.charCodeAt(0) < 127) {
        text += next;
        i += 2;
        continue;
      }
      text += ch;
      i++;
      continue;
    }
    if (ch === '`') {
      const isPre = src.startsWith('```', i);
      const fence = isPre ? '```' : '`';
      const begin = i;
      i += fence.length;
      let language: string | undefined;
      if (isPre) {
        const nl = src.indexOf('\n', i);
        const firstLine = nl >= 0 ? src.slice(i, nl) : '';
        if (nl >= 0 && /^[\w+#-]*$/.test(firstLine)) {
          if (firstLine) language = firstLine;
          i = nl + 1;
        }
      }
      const offset = text.length;
      let closed = false;
      while (i < src.length) {
        if (src[i] === '\\' && i + 1 < src.length) {
          text += src[i + 1];
          i += 2;
          continue;
        }
        if (src.startsWith(fence, i)) {
          closed = true;
          i += fence.length;
          break;
        }
        text += src[i];
        i++;
      }
      if (!closed) {
        throw new EntityParseError(
          `Can't find end of ${NAMES[fence]} entity at byte offset ${byteOffset(src, begin)}`,
        );
      }
      if (text.length > offset) {
        entities.push(
          isPre
            ? {
                type: 'pre',
                offset,
                length: text.length - offset,
                ...(language ? { language } : {}),
              }
            : { type: 'code', offset, length: text.length - offset },
        );
      }
      continue;
    }
    if (ch === '[' || (ch === '!' && src[i + 1] === '[')) {
      stack.push({
        marker: ch === '!' ? '![' : '[',
        offset: text.length,
        byte: byteOffset(src, i),
      });
      i += ch === '!' ? 2 : 1;
      continue;
    }
    if (ch === ']') {
      const open = stack.at(-1);
      if (!open || (open.marker !== '[' && open.marker !== '![')) throw reserved(ch);
      stack.pop();
      if (src[i + 1] !== '(') {
        throw new EntityParseError(
          `Can't find end of ${NAMES['[']} entity at byte offset ${open.byte}`,
        );
      }
      let url = '';
      i += 2;
      let closed = false;
      while (i < src.length) {
        const c = src[i] as string;
        if (c === '\\' && i + 1 < src.length) {
          url += src[i + 1];
          i += 2;
          continue;
        }
        if (c === ')') {
          closed = true;
          i++;
          break;
        }
        url += c;
        i++;
      }
      if (!closed)
        throw new EntityParseError(`Can't find end of a URL at byte offset ${open.byte}`);
      const length = text.length - open.offset;
      if (length > 0) {
        if (open.marker === '![') {
          const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
          if (!id) throw new EntityParseError('Custom emoji entity must contain a tg://emoji URL');
          entities.push({ type: 'custom_emoji', offset: open.offset, length, custom_emoji_id: id });
        } else {
          entities.push({ type: 'text_link', offset: open.offset, length, url });
        }
      }
      continue;
    }
    const marker =
      ch === '_' && src[i + 1] === '_'
        ? '__'
        : ch === '|' && src[i + 1] === '|'
          ? '||'
          : ch === '*' || ch === '_' || ch === '~'
            ? ch
            : undefined;
    if (marker) {
      const top = stack.findLastIndex((o) => o.marker === marker);
      if (top >= 0 && top === stack.length - 1) {
        const open = stack.pop() as Open;
        const length = text.length - open.offset;
        if (length > 0)
          entities.push({ type: TYPES[marker] ?? 'bold', offset: open.offset, length });
      } else {
        stack.push({ marker, offset: text.length, byte: byteOffset(src, i) });
      }
      i += marker.length;
      continue;
    }
    if (RESERVED.has(ch)) throw reserved(ch);
    text += ch;
    i++;
  }
  closeQuote();
  const unclosed = stack.at(-1);
  if (unclosed) {
    const name = NAMES[unclosed.marker === '![' ? '[' : unclosed.marker] ?? 'entity';
    throw new EntityParseError(`Can't find end of ${name} entity at byte offset ${unclosed.byte}`);
  }
  return { text, entities: sortEntities(entities) };
}
