/** Who a broadcast goes to: every resident with a linked account, or a part of them. */
export type BroadcastFilter =
  | { kind: 'all' }
  | { kind: 'settlement'; name: string }
  /** Residents whose linked account owes at least this much (kopecks; balance > 0 is a debt). */
  | { kind: 'debtors'; minKopecks: number };

/** The text and the filter of `/broadcast`, or why it cannot be parsed. */
export type ParsedBroadcast =
  | { kind: 'ok'; filter: BroadcastFilter; text: string }
  | { kind: 'usage' }
  | { kind: 'too-long' };

/** Telegram's limit on a text message (characters). */
export const BROADCAST_TEXT_LIMIT = 4096;

/**
 * Parses what follows `/broadcast`. The first line may be a filter, the rest is the text:
 * `settlement=<name>` (the settlement as on the account, spaces allowed) or
 * `debtors>=<rubles>` (whole or with kopecks: `1500`, `1500,50`). Without a filter line the whole
 * text goes to everybody. Pure.
 */
export function parseBroadcast(input: string): ParsedBroadcast {
  const trimmed = input.trim();
  const [first = '', ...rest] = trimmed.split('\n');
  let filter: BroadcastFilter = { kind: 'all' };
  let text = trimmed;
  const line = first.trim();
  if (/^settlement\s*=/i.test(line)) {
    const name = line.replace(/^settlement\s*=/i, '').trim();
    if (name === '') return { kind: 'usage' };
    filter = { kind: 'settlement', name };
    text = rest.join('\n').trim();
  } else if (/^debtors\s*>=/i.test(line)) {
    const amount = line.replace(/^debtors\s*>=/i, '').trim();
    const match = amount.match(/^(\d{1,9})(?:[.,](\d{1,2}))?$/);
    if (!match) return { kind: 'usage' };
    const kopecks = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
    filter = { kind: 'debtors', minKopecks: kopecks };
    text = rest.join('\n').trim();
  }
  if (text === '') return { kind: 'usage' };
  if (text.length > BROADCAST_TEXT_LIMIT) return { kind: 'too-long' };
  return { kind: 'ok', filter, text };
}

/**
 * What `/broadcast` without a text asked for: everybody (nothing typed) or the filter of the one
 * line typed; undefined when that line is neither (the usage is shown). Pure.
 */
export function parseBroadcastFilter(input: string): BroadcastFilter | undefined {
  const line = input.trim();
  if (line.includes('\n')) return undefined;
  if (line === '') return { kind: 'all' };
  if (!/^(settlement\s*=|debtors\s*>=)/i.test(line)) return undefined;
  const parsed = parseBroadcast(`${line}\nx`);
  return parsed.kind === 'ok' ? parsed.filter : undefined;
}

/** The filter as stored in `broadcasts.filter` and shown in the preview. */
export function filterLabel(filter: BroadcastFilter): string {
  switch (filter.kind) {
    case 'settlement':
      return `settlement=${filter.name}`;
    case 'debtors':
      return `debtors>=${(filter.minKopecks / 100).toFixed(2)}`;
    default:
      return '';
  }
}

/** Reads a stored filter back (the inverse of `filterLabel`). */
export function filterFromLabel(label: string): BroadcastFilter {
  if (label === '') return { kind: 'all' };
  const parsed = parseBroadcast(`${label}\nx`);
  return parsed.kind === 'ok' ? parsed.filter : { kind: 'all' };
}

/** How a failed outbox row's `last_error` starts when the resident blocked the bot (403). */
export const BLOCKED_ERROR_PREFIX = '403 ';
