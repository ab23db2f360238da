import { shorten } from '../../core/paging';
import type { I18nFlavor } from '@grammyjs/i18n';
import { formatDate, formatKwh, formatMoney, localeOf, zoneName } from '../../core/format';
import type { AccountCard, LinkedAccount } from './service';

type Translatable = { t: I18nFlavor['t'] };

/** Accounts per page of `/accounts`: a phone screen, and far below Telegram's limits. */
export const ACCOUNTS_PAGE_SIZE = 8;
/** An address in the list is cut to this many characters; the card shows it whole. */
export const LIST_ADDRESS_MAX = 120;

/**
 * The text of one page of `/accounts`: the linked accounts on it, the current one marked, and
 * «Страница 2 из 5» when there are several. At most 8 lines of at most ~150 characters: far
 * within a message's 4 096 characters however many accounts and however long the addresses.
 */
export function accountsListText(
  ctx: Translatable,
  accounts: LinkedAccount[],
  paging: { page: number; pages: number } = { page: 0, pages: 1 },
): string {
  if (accounts.length === 0) return ctx.t('accounts-none');
  const lines = accounts.map((a) =>
    ctx.t('accounts-list-item', {
      mark: a.isCurrent ? '✅' : '▫️',
      number: a.number,
      address: shorten(a.address, LIST_ADDRESS_MAX),
    }),
  );
  const footer =
    paging.pages > 1
      ? ['', ctx.t('accounts-list-page', { page: paging.page + 1, pages: paging.pages })]
      : [];
  return [
    ctx.t('accounts-list-title'),
    '',
    ...lines,
    '',
    ctx.t('accounts-list-hint'),
    ...footer,
  ].join('\n');
}

/** A balance as one line: debt, advance or nothing owed (positive is a debt). */
export function balanceLine(ctx: Translatable, balanceKopecks: number): string {
  if (balanceKopecks > 0) return ctx.t('balance-debt', { amount: formatMoney(balanceKopecks) });
  if (balanceKopecks < 0) return ctx.t('balance-advance', { amount: formatMoney(-balanceKopecks) });
  return ctx.t('balance-zero');
}

/** The tariff plan's name, or its code when the locale does not know it. */
function planName(ctx: Translatable, plan: string): string {
  const key = `tariff-plan-${plan}`;
  const name = ctx.t(key);
  return name === key ? plan : name;
}

/** The account card: who, where, which tariff, each meter with readings and verification, balance. */
export function accountCardText(
  ctx: Translatable,
  card: AccountCard,
  operatorPhone: string,
): string {
  const locale = localeOf(ctx);
  const lines = [ctx.t('accounts-card-title', { number: card.number })];
  if (card.isCurrent) lines.push(ctx.t('accounts-card-current'));
  lines.push(
    ctx.t('accounts-card-holder', { holder: card.holder }),
    ctx.t('accounts-card-address', { address: card.address }),
    ctx.t('accounts-card-plan', { plan: planName(ctx, card.tariffPlan) }),
  );
  if (card.status === 'closed') lines.push(ctx.t('accounts-card-closed'));
  if (card.meters.length === 0) lines.push('', ctx.t('accounts-card-no-meters'));
  for (const meter of card.meters) {
    lines.push(
      '',
      ctx.t('accounts-card-meter', {
        serial: meter.serial,
        model: meter.model ?? '—',
        digits: meter.digits,
      }),
    );
    if (meter.lastReadings.length === 0) lines.push(ctx.t('accounts-card-no-readings'));
    for (const reading of meter.lastReadings) {
      lines.push(
        ctx.t('accounts-card-reading', {
          zone: zoneName(ctx.t, meter.zones, reading.zone),
          value: formatKwh(reading.valueMilli),
          date: formatDate(reading.date, locale),
        }),
      );
    }
    if (meter.automated) lines.push(ctx.t('accounts-card-automated'));
    const v = meter.verification;
    const date = meter.verifiedUntil ? formatDate(meter.verifiedUntil, locale) : '';
    if (v.kind === 'unknown') lines.push(ctx.t('accounts-card-verification-unknown'));
    else if (v.kind === 'ok') lines.push(ctx.t('accounts-card-verification-ok', { date }));
    else if (v.kind === 'soon')
      lines.push(ctx.t('accounts-card-verification-soon', { date, days: v.days }));
    else lines.push(ctx.t('accounts-card-verification-expired', { date, phone: operatorPhone }));
  }
  lines.push('', balanceLine(ctx, card.balanceKopecks));
  return lines.join('\n');
}
