import type { MessageEntity } from './types.js';

/** Result of parsing formatted text: the plain text and its entities. */
export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

/** Thrown with Telegram's wording; the caller prefixes "can't parse entities: ". */
export class EntityParseError extends Error {}

const byteOffset = (src: string, index: number): number => Buffer.byteLength(src.slice(0, index));

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  tag: string;
  offset: number;
  entity: Omit<MessageEntity, 'offset' | 'length'>;
}

function entityForTag(
  tag: string,
  attrs: Record<string, string>,
  stack: OpenTag[],
): Omit<MessageEntity, 'offset' | 'length'> | undefined {
  switch (tag) {
    case 'b':
    case 'strong':
      return { type: 'bold' };
    case 'i':
    case 'em':
      return { type: 'italic' };
    case 'u':
    case 'ins':
      return { type: 'underline' };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough' };
    case 'tg-spoiler':
      return { type: 'spoiler' };
    case 'span':
      return attrs.class === 'tg-spoiler' ? { type: 'spoiler' } : undefined;
    case 'a': {
      // An <a> without href is accepted and formats nothing, as in Telegram.
      return { type: 'text_link', url: attrs.href ?? '' };
    }
    case 'code': {
      const parent = stack.at(-1);
      if (parent?.tag === 'pre' && attrs.class?.startsWith('language-')) {
        parent.entity.language = attrs.class.slice('language-'.length);
      }
      return { type: 'code' };
    }
    case 'pre':
      return { type: 'pre' };
    case 'blockquote':
      return { type: 'expandable' in attrs ? 'expandable_blockquote' : 'blockquote' };
    case 'tg-emoji':
      return attrs['emoji-id']
        ? { type: 'custom_emoji', custom_emoji_id: attrs['emoji-id'] }
        : undefined;
    default:
      return undefined;
  }
}

function decodeEntity(src: string, i: number): { char: string; end: number } | undefined {
  const semi = src.indexOf(';', i);
  if (semi < 0 || semi - i > 10) return undefined;
  const name = src.slice(i + 1, semi);
  const named = NAMED_ENTITIES[name];
  if (named) return { char: named, end: semi + 1 };
  const num = /^#(x[0-9a-f]+|\d+)$/i.exec(name);
  if (!num?.[1]) return undefined;
  const code =
    num[1].startsWith('x') || num[1].startsWith('X')
      ? Number.parseInt(num[1].slice(1), 16)
      : Number.parseInt(num[1], 10);
  if (code > 0x10ffff) return undefined;
  return { char: String.fromCodePoint(code), end: semi + 1 };
}

/**
 * Parses Bot API HTML (core.telegram.org/bots/api#html-style): the supported
 * tags only, the four named entities plus numeric ones, errors with tdlib's
 * wording and UTF-8 byte offsets. Entity offsets are UTF-16 code units.
 */
export function parseHtml(src: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === '&') {
      const decoded = decodeEntity(src, i);
      if (decoded) {
        text += decoded.char;
        i = decoded.end;
      } else {
        text += ch;
        i++;
      }
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }
    const start = i;
    const close = src.indexOf('>', i);
    if (close < 0)
      throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(src, start)}`);
    if (src[i + 1] === '/') {
      const name = src
        .slice(i + 2, close)
        .trim()
        .toLowerCase();
      const open = stack.pop();
      if (!open)
        throw new EntityParseError(`Unexpected end tag at byte offset ${byteOffset(src, start)}`);
      if (name !== open.tag) {
        throw new EntityParseError(
          `Unmatched end tag at byte offset ${byteOffset(src, start)}, expected "</${open.tag}>", found "</${name}>"`,
        );
      }
      const length = text.length - open.offset;
      if (length > 0 && !(open.entity.type === 'text_link' && !open.entity.url))
        entities.push({ ...open.entity, offset: open.offset, length });
      i = close + 1;
      continue;
    }
    const inner = src.slice(i + 1, close);
    const tagMatch = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(inner);
    const tag = tagMatch?.[1]?.toLowerCase() ?? '';
    const attrs: Record<string, string> = {};
    for (const m of inner
      .slice(tag.length)
      .matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
      const key = m[1]?.toLowerCase();
      if (key)
        attrs[key] = (m[2] ?? m[3] ?? m[4] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
    }
    const entity = tag ? entityForTag(tag, attrs, stack) : undefined;
    if (!entity) {
      throw new EntityParseError(
        `Unsupported start tag "${tag}" at byte offset ${byteOffset(src, start)}`,
      );
    }
    stack.push({ tag, offset: text.length, entity });
    i = close + 1;
  }
  const unclosed = stack.at(-1);
  if (unclosed)
    throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  // A <pre><code class="language-x"> pair is one pre entity with a language.
  const merged = entities.filter(
    (e) =>
      !(
        e.type === 'code' &&
        entities.some((p) => p.type === 'pre' && p.offset === e.offset && p.length === e.length)
      ),
  );
  return { text, entities: sortEntities(merged) };
}

/** Orders entities as Telegram returns them: by offset, outer before inner. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}
