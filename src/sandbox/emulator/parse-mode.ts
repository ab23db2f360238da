import { badRequest } from './api-error.js';
import { EntityParseError, type ParsedText, parseHtml } from './parse-html.js';
import { parseMarkdownV2 } from './parse-markdown-v2.js';
import { isRecord } from './params.js';
import type { MessageEntity } from './types.js';

/**
 * Legacy "Markdown": *bold*, _italic_, `code`, ```pre```, [text](url); no
 * nesting, no escaping beyond a backslash before a marker.
 */
function parseLegacyMarkdown(src: string): ParsedText {
  let text = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === '\\' && '_*`['.includes(src[i + 1] ?? '')) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    const fence = src.startsWith('```', i)
      ? '```'
      : ch === '`' || ch === '*' || ch === '_'
        ? ch
        : undefined;
    if (fence) {
      const end = src.indexOf(fence, i + fence.length);
      if (end < 0) {
        throw new EntityParseError(
          `Can't find end of the entity starting at byte offset ${Buffer.byteLength(src.slice(0, i))}`,
        );
      }
      const inner = src.slice(i + fence.length, end);
      const type = { '```': 'pre', '`': 'code', '*': 'bold', _: 'italic' }[fence] ?? 'bold';
      if (inner.length > 0) entities.push({ type, offset: text.length, length: inner.length });
      text += inner;
      i = end + fence.length;
      continue;
    }
    if (ch === '[') {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(src.slice(i));
      if (m?.[1] !== undefined && m[2] !== undefined) {
        if (m[1].length > 0)
          entities.push({ type: 'text_link', offset: text.length, length: m[1].length, url: m[2] });
        text += m[1];
        i += m[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  return { text, entities };
}

/**
 * Turns `text` + `parse_mode` (or explicit `entities`) into what Telegram
 * stores: plain text and entities, or a 400 "can't parse entities: ...".
 */
export function formatText(
  text: string,
  parseMode: string | undefined,
  explicitEntities: unknown,
): ParsedText {
  if (parseMode === undefined || parseMode === '') {
    return {
      text,
      entities: Array.isArray(explicitEntities) ? explicitEntities.filter(isEntity) : [],
    };
  }
  try {
    switch (parseMode.toLowerCase()) {
      case 'html':
        return parseHtml(text);
      case 'markdownv2':
        return parseMarkdownV2(text);
      case 'markdown':
        return parseLegacyMarkdown(text);
      default:
        throw badRequest('unsupported parse_mode');
    }
  } catch (err) {
    if (err instanceof EntityParseError) throw badRequest(`can't parse entities: ${err.message}`);
    throw err;
  }
}

function isEntity(v: unknown): v is MessageEntity {
  return (
    isRecord(v) &&
    typeof v.type === 'string' &&
    typeof v.offset === 'number' &&
    typeof v.length === 'number'
  );
}
