import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../src/sandbox/emulator/parse-html.js';
import { parseMarkdownV2 } from '../../src/sandbox/emulator/parse-markdown-v2.js';
import { formatText } from '../../src/sandbox/emulator/parse-mode.js';

describe('HTML parse mode', () => {
  it('when tags nest, then entities are ordered outer first with UTF-16 offsets', () => {
    expect(parseHtml('😀 <b>a <i>b</i></b>')).toEqual({
      text: '😀 a b',
      entities: [
        { type: 'bold', offset: 3, length: 3 },
        { type: 'italic', offset: 5, length: 1 },
      ],
    });
  });

  it('when pre wraps code with a language, then one pre entity carries the language', () => {
    expect(parseHtml('<pre><code class="language-ts">x</code></pre>').entities).toEqual([
      { type: 'pre', offset: 0, length: 1, language: 'ts' },
    ]);
  });

  it('when spoilers, blockquotes and numeric entities are used, then they are understood', () => {
    const parsed = parseHtml(
      '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>&#8381;&#x20BD;',
    );
    expect(parsed.text).toBe('sq₽₽');
    expect(parsed.entities.map((e) => e.type)).toEqual(['spoiler', 'expandable_blockquote']);
  });

  it('when end tags mismatch or appear alone, then tdlib’s messages with byte offsets', () => {
    expect(() => parseHtml('<b>x</i>')).toThrow(
      'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
    expect(() => parseHtml('ж</b>')).toThrow('Unexpected end tag at byte offset 2');
    expect(() => parseHtml('a < b')).toThrow('Unclosed start tag at byte offset 2');
    expect(() => parseHtml('1 < 2 > 0')).toThrow('Unsupported start tag "" at byte offset 2');
    expect(() => parseHtml('<b')).toThrow('Unclosed start tag at byte offset 0');
  });
});

describe('MarkdownV2 parse mode', () => {
  it('when every reserved character is escaped, then the text is plain', () => {
    expect(parseMarkdownV2('1\\.5 \\- 2\\+2\\=4 \\(ok\\)\\!')).toEqual({
      text: '1.5 - 2+2=4 (ok)!',
      entities: [],
    });
  });

  it('when a reserved character is not escaped, then Telegram’s error names it', () => {
    expect(() => parseMarkdownV2('Итог - 5')).toThrow(
      "Character '-' is reserved and must be escaped with the preceding '\\'",
    );
    expect(() => parseMarkdownV2('(x)')).toThrow("Character '(' is reserved");
  });

  it('when an entity is not closed, then the byte offset where it began', () => {
    expect(() => parseMarkdownV2('ab *bold')).toThrow(
      "Can't find end of Bold entity at byte offset 3",
    );
    expect(() => parseMarkdownV2('`code')).toThrow(
      "Can't find end of Code entity at byte offset 0",
    );
  });

  it('when links, underline, spoilers, pre and quotes are used, then entities match', () => {
    const parsed = parseMarkdownV2(
      '[сайт](https://example.org/a\\)b) __u__ ||s||\n```python\nprint(1)\n```\n>quote',
    );
    expect(parsed.text).toBe('сайт u s\nprint(1)\n\nquote');
    expect(parsed.entities).toEqual([
      { type: 'text_link', offset: 0, length: 4, url: 'https://example.org/a)b' },
      { type: 'underline', offset: 5, length: 1 },
      { type: 'spoiler', offset: 7, length: 1 },
      { type: 'pre', offset: 9, length: 9, language: 'python' },
      { type: 'blockquote', offset: 19, length: 5 },
    ]);
  });

  it('when inside code, then reserved characters need no escaping', () => {
    expect(parseMarkdownV2('`a.b-c(d)`')).toEqual({
      text: 'a.b-c(d)',
      entities: [{ type: 'code', offset: 0, length: 8 }],
    });
  });
});

describe('formatText', () => {
  it('when parse_mode is unknown, then 400 unsupported parse_mode', () => {
    expect(() => formatText('x', 'BBCode', undefined)).toThrow(
      'Bad Request: unsupported parse_mode',
    );
  });

  it('when legacy Markdown is used, then the simple entities work', () => {
    expect(formatText('*b* _i_ [l](http://x.y)', 'Markdown', undefined)).toEqual({
      text: 'b i l',
      entities: [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'italic', offset: 2, length: 1 },
        { type: 'text_link', offset: 4, length: 1, url: 'http://x.y' },
      ],
    });
  });
});
