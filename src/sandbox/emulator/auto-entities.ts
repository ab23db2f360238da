import { sortEntities } from './parse-html.js';
import type { MessageEntity } from './types.js';

/**
 * Entities Telegram finds by itself in message text and captions — for user
 * and bot messages alike — wherever the sender gave no explicit entity:
 * `bot_command`, `url`, `email`, `mention`, `hashtag`, `cashtag` and
 * `phone_number`. Pure functions; offsets and lengths are UTF-16 code units,
 * which is what JavaScript string indices (and `RegExp#index`) already are.
 *
 * Deliberately conservative, so the sandbox never marks up something Telegram
 * would leave plain:
 * - `url`: `http(s)://host[:port][/path]`, or a bare domain whose top-level
 *   domain is in {@link BARE_URL_TLDS} (`example.org/path`, `t.me/x`,
 *   `пример.рф`); `file.txt` or `Node.js` are never links. Trailing `.,:;!?'"…`
 *   and unbalanced closing brackets are left out of the link (`см.
 *   https://example.org/x.` → `https://example.org/x`).
 * - `email`: `local@domain.tld`, an alphabetic TLD of 2+ letters.
 * - `mention`: `@username`, 5–32 chars, starting with a letter (Telegram's
 *   username rules), not glued to a preceding word (so never inside an e-mail).
 * - `bot_command`: `/cmd` (1–32 of `[A-Za-z0-9_]`) with an optional
 *   `@botname` (3–32), not preceded or followed by a word character or `/`.
 * - `hashtag`: `#` + letters/digits/`_` with at least one letter (`#1` is not).
 * - `cashtag`: `$` + 3–8 upper-case Latin letters (`$USD`).
 * - `phone_number`: international numbers only — a leading `+`, digit groups
 *   separated by single spaces or hyphens, optionally a bracketed area code,
 *   10–15 digits in all (`+7 914 123-45-67`, `+7 (914) 1234567`,
 *   `+79141234567`). Local numbers (`8 914 …`, `123-45-67`) are not detected.
 *
 * Detected entities never overlap each other: the leftmost (then longest)
 * wins, as in Telegram (`https://t.me/@name` is one url, no mention).
 */
export function findAutoEntities(text: string): MessageEntity[] {
  const candidates: MessageEntity[] = [];
  for (const { re, type, accept, trim } of DETECTORS) {
    for (const m of text.matchAll(re)) {
      const found = trim ? trim(m[0]) : m[0];
      if (found === '' || (accept && !accept(found))) continue;
      candidates.push({ type, offset: m.index ?? 0, length: found.length });
    }
  }
  candidates.sort((a, b) => a.offset - b.offset || b.length - a.length);
  const kept: MessageEntity[] = [];
  let end = 0;
  for (const c of candidates) {
    if (c.offset < end) continue;
    kept.push(c);
    end = c.offset + c.length;
  }
  return kept;
}

/**
 * `explicit` (from `entities`/`parse_mode`) plus the entities Telegram would
 * detect in `text`, sorted by offset (longer first on a tie) as Telegram
 * returns them. An explicit entity always wins: a detected one is dropped if
 * it intersects any explicit entity other than pure formatting (bold, italic,
 * underline, strikethrough, spoiler — a url inside bold text stays a url, as
 * in Telegram) — so nothing is detected inside `code`/`pre`, a `text_link` or
 * an explicit url/mention — or if it crosses a blockquote's boundary.
 * Returns `explicit` itself when nothing is added.
 */
export function withAutoEntities(text: string, explicit: MessageEntity[]): MessageEntity[] {
  const added = findAutoEntities(text).filter((auto) =>
    explicit.every((e) => {
      if (SPLITTABLE.has(e.type)) return true;
      const aEnd = auto.offset + auto.length;
      const eEnd = e.offset + e.length;
      const intersects = auto.offset < eEnd && e.offset < aEnd;
      if (!intersects) return true;
      if (BLOCKQUOTES.has(e.type)) return e.offset <= auto.offset && aEnd <= eEnd;
      return false;
    }),
  );
  return added.length === 0 ? explicit : sortEntities([...explicit, ...added]);
}

/** Formatting entities Telegram lets detected entities overlap. */
const SPLITTABLE = new Set(['bold', 'italic', 'underline', 'strikethrough', 'spoiler']);
const BLOCKQUOTES = new Set(['blockquote', 'expandable_blockquote']);

/**
 * Top-level domains that make a scheme-less `name.tld` a link. A small,
 * common subset of what Telegram knows, chosen so that file names and
 * abbreviations (`.txt`, `.js`, `.md`, `.py`, `.sh`, `т.е.`) stay plain text;
 * two-letter English words (`.in`, `.it`, `.is`, `.to`, `.at`, `.be`, `.no`,
 * `.so`, `.do`) are left out on purpose. With `http(s)://` any host is a link.
 */
export const BARE_URL_TLDS: readonly string[] = [
  'com',
  'org',
  'net',
  'edu',
  'gov',
  'info',
  'biz',
  'io',
  'dev',
  'app',
  'me',
  'ru',
  'su',
  'рф',
  'ua',
  'by',
  'kz',
  'uz',
  'uk',
  'de',
  'fr',
  'es',
  'nl',
  'pl',
  'eu',
  'us',
  'ca',
  'tv',
  'co',
  'ai',
  'xyz',
  'online',
  'site',
  'pro',
  'shop',
  'store',
  'tech',
  'cloud',
];

const WORD = String.raw`\p{L}\p{N}\p{M}_`;
/** A DNS label, Unicode letters allowed (IDN such as `пример.рф`). */
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?`;
const PORT = String.raw`(?::\d{1,5})?`;
/** Path, query or fragment: anything up to whitespace or a quote/angle bracket. */
const PATH = String.raw`(?:[/?#][^\s<>"«»]*)?`;
const TLDS = BARE_URL_TLDS.join('|');

/** Drops trailing punctuation and unbalanced closing brackets from a link. */
function trimUrl(url: string): string {
  let end = url.length;
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  while (end > 0) {
    const ch = url[end - 1] as string;
    if ('.,:;!?\'"…'.includes(ch)) {
      end--;
      continue;
    }
    const open = pairs[ch];
    if (open) {
      const body = url.slice(0, end);
      if (body.split(ch).length > body.split(open).length) {
        end--;
        continue;
      }
    }
    break;
  }
  return url.slice(0, end);
}

function plausiblePhone(s: string): boolean {
  const digits = s.replace(/\D/g, '').length;
  return digits >= 10 && digits <= 15;
}

interface Detector {
  re: RegExp;
  type: string;
  /** Shortens the raw match (URLs lose trailing punctuation). */
  trim?: (match: string) => string;
  /** Final check on the (trimmed) match. */
  accept?: (match: string) => boolean;
}

const DETECTORS: Detector[] = [
  {
    type: 'bot_command',
    re: new RegExp(
      String.raw`(?<![${WORD}/\\<>])\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?(?![${WORD}/\\<>])`,
      'gu',
    ),
  },
  {
    type: 'mention',
    re: new RegExp(`(?<![${WORD}@])@[a-zA-Z][a-zA-Z0-9_]{4,31}(?![${WORD}@])`, 'gu'),
  },
  {
    type: 'hashtag',
    re: new RegExp(`(?<![${WORD}#])#[${WORD}]{1,256}(?![${WORD}#])`, 'gu'),
    accept: (m) => /\p{L}/u.test(m),
  },
  {
    type: 'cashtag',
    re: new RegExp(String.raw`(?<![${WORD}$])\$[A-Z]{3,8}(?![${WORD}$])`, 'gu'),
  },
  {
    type: 'email',
    re: new RegExp(
      String.raw`(?<![${WORD}.+\-@])[a-zA-Z0-9_](?:[a-zA-Z0-9_.+\-]{0,62}[a-zA-Z0-9_])?@(?:[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,24}(?![${WORD}\-@]|\.[\p{L}\p{N}])`,
      'gu',
    ),
  },
  {
    type: 'url',
    re: new RegExp(
      String.raw`(?<![${WORD}])https?:\/\/(?:${LABEL}\.)*${LABEL}${PORT}(?![${WORD}\-@])${PATH}`,
      'giu',
    ),
    trim: trimUrl,
  },
  {
    type: 'url',
    re: new RegExp(
      String.raw`(?<![${WORD}@.\-/:#$])(?:${LABEL}\.)+(?:${TLDS})(?![${WORD}\-@]|\.[\p{L}\p{N}])${PORT}${PATH}`,
      'giu',
    ),
    trim: trimUrl,
  },
  {
    type: 'phone_number',
    re: new RegExp(
      String.raw`(?<![${WORD}+])\+\d{1,3}(?:[ \-]?(?:\(\d{1,5}\)|\d{2,5})){1,6}(?![${WORD}]|-\d)`,
      'gu',
    ),
    accept: plausiblePhone,
  },
];
