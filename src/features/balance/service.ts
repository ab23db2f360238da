import type { Db } from '../../core/db/index';
import { localDate } from '../../core/format';
import type { AccountsService } from '../accounts/service';
import { LedgerService } from '../ledger/service';
import { dueDateOf, periodsEndingWith } from './rules';
import type { Clock } from '../../core/clock';

export interface BalanceServiceDeps {
  db: Db;
  /** Ownership is the accounts feature's to decide: every method asks it first. */
  accounts: AccountsService;
  timeZone: string;
  /** Day of the month after the period by which a bill is due. */
  paymentDueDay: number;
  clock: Clock;
  /** Balance, charges and payments come from the ledger module (built over `db` when absent). */
  ledger?: LedgerService;
}

/** The balance screen. */
export interface BalanceSummary {
  accountId: number;
  number: string;
  /** Whether it is the Telegram user's current account (false when no Telegram user given). */
  isCurrent: boolean;
  /** The local date the balance is for (`YYYY-MM-DD`). */
  today: string;
  /** Positive: debt; negative: advance. */
  balanceKopecks: number;
  lastCharge?: { period: string; amountKopecks: number; dueOn: string };
  lastPayment?: { on: string; amountKopecks: number };
}

/** One month of the history. */
export interface HistoryPage {
  accountId: number;
  number: string;
  isCurrent: boolean;
  period: string;
  /** 1-based position among the months with entries, newest first, and their count. */
  page: number;
  pages: number;
  older?: string;
  newer?: string;
  /** Zones billed this month (1–3): names zones as day/night or peak/night/half-peak. */
  zoneCount: number;
  charges: {
    zone: string | null;
    volumeMilli: number | null;
    tariffKopecks: number | null;
    amountKopecks: number;
  }[];
  chargesTotalKopecks: number;
  adjustments: { amountKopecks: number; description: string | null }[];
  payments: { on: string; amountKopecks: number }[];
}

/** The chart's data: 12 months, oldest first; volumes per zone in thousandths of kWh. */
export interface ConsumptionSeries {
  accountId: number;
  number: string;
  periods: string[];
  zones: string[];
  volumesMilli: Record<string, number[]>;
  chargesKopecks: number[];
}

/**
 * Balance, the monthly history and the consumption series of a linked account. Every method
 * returns undefined when the account is not the cabinet's (the accounts service audits that).
 */
export class BalanceService {
  private readonly ledger: LedgerService;
  private readonly clock: Clock;

  constructor(private readonly deps: BalanceServiceDeps) {
    this.ledger = deps.ledger ?? new LedgerService(deps.db);
    this.clock = deps.clock;
  }

  async summary(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<BalanceSummary | undefined> {
    const owned = await this.owned(userId, accountId, telegramUserId);
    return owned && this.summaryOf(accountId, owned);
  }

  /**
   * /balance: the summary of the Telegram user's current account (the one picked, else the first
   * linked), or undefined when the cabinet has no accounts. Two statements fewer than
   * `currentAccount` followed by `summary` (issue 12: /balance is the hottest path).
   */
  async currentSummary(
    userId: number,
    telegramUserId: number,
  ): Promise<BalanceSummary | undefined> {
    const current = (await this.deps.accounts.listAccounts(userId, telegramUserId)).find(
      (account) => account.isCurrent,
    );
    return current && this.summaryOf(current.id, current);
  }

  private async summaryOf(
    accountId: number,
    { number, isCurrent }: { number: string; isCurrent: boolean },
  ): Promise<BalanceSummary> {
    const [balanceKopecks, lastCharge, lastPayment] = [
      await this.ledger.balanceKopecks(accountId),
      await this.ledger.lastCharge(accountId),
      await this.ledger.lastPayment(accountId),
    ];
    return {
      accountId,
      number,
      isCurrent,
      today: localDate(this.clock(), this.deps.timeZone),
      balanceKopecks,
      lastCharge: lastCharge && {
        ...lastCharge,
        dueOn: dueDateOf(lastCharge.period, this.deps.paymentDueDay),
      },
      lastPayment: lastPayment && {
        on: lastPayment.occurredOn,
        amountKopecks: lastPayment.amountKopecks,
      },
    };
  }

  /** One month of history: `period`, or the latest month when it is absent or has no entries. */
  async history(
    userId: number,
    accountId: number,
    period?: string,
    telegramUserId?: number,
  ): Promise<HistoryPage | undefined> {
    const owned = await this.owned(userId, accountId, telegramUserId);
    if (!owned) return undefined;
    const periods = await this.ledger.periods(accountId);
    const found = period === undefined ? -1 : periods.indexOf(period);
    const index = found >= 0 ? found : 0;
    const shown = periods[index];
    const empty = {
      accountId,
      number: owned.number,
      isCurrent: owned.isCurrent,
      page: 1,
      pages: 0,
      zoneCount: 1,
      charges: [],
      chargesTotalKopecks: 0,
      adjustments: [],
      payments: [],
    };
    if (shown === undefined)
      return { ...empty, period: localDate(this.clock(), this.deps.timeZone).slice(0, 7) };
    const rows = await this.ledger.entries(accountId, [shown]);
    const charges = rows.filter((r) => r.kind === 'charge');
    return {
      ...empty,
      period: shown,
      page: index + 1,
      pages: periods.length,
      older: periods[index + 1],
      newer: index > 0 ? periods[index - 1] : undefined,
      zoneCount: Math.max(1, new Set(charges.map((c) => c.zone)).size),
      charges: charges.map((c) => ({
        zone: c.zone,
        volumeMilli: c.volumeMilli,
        tariffKopecks: c.tariffKopecks,
        amountKopecks: c.amountKopecks,
      })),
      chargesTotalKopecks: charges.reduce((sum, c) => sum + c.amountKopecks, 0),
      adjustments: rows
        .filter((r) => r.kind === 'adjustment')
        .map((r) => ({ amountKopecks: r.amountKopecks, description: r.description })),
      payments: rows
        .filter((r) => r.kind === 'payment')
        .map((r) => ({ on: r.occurredOn, amountKopecks: r.amountKopecks })),
    };
  }

  /** The last `months` billed months (ending with the latest charge) per zone, and the charges. */
  async consumption(
    userId: number,
    accountId: number,
    months = 12,
    telegramUserId?: number,
  ): Promise<ConsumptionSeries | undefined> {
    const owned = await this.owned(userId, accountId, telegramUserId);
    if (!owned) return undefined;
    const last = await this.ledger.lastCharge(accountId);
    const series: ConsumptionSeries = {
      accountId,
      number: owned.number,
      periods: [],
      zones: [],
      volumesMilli: {},
      chargesKopecks: [],
    };
    if (!last) return series;
    const periods = periodsEndingWith(last.period, months);
    const rows = (await this.ledger.entries(accountId, periods)).filter((r) => r.kind === 'charge');
    const zones = [...new Set(rows.map((r) => r.zone ?? 'T1'))].sort();
    series.periods = periods;
    series.zones = zones;
    for (const zone of zones) series.volumesMilli[zone] = periods.map(() => 0);
    series.chargesKopecks = periods.map(() => 0);
    for (const row of rows) {
      const i = periods.indexOf(row.period);
      const volumes = series.volumesMilli[row.zone ?? 'T1'];
      if (i < 0 || !volumes) continue;
      volumes[i] = (volumes[i] ?? 0) + (row.volumeMilli ?? 0);
      series.chargesKopecks[i] = (series.chargesKopecks[i] ?? 0) + row.amountKopecks;
    }
    return series;
  }

  /**
   * The account's number and whether it is the Telegram user's current one (false without a
   * Telegram user), or undefined — and the attempt audited by the accounts service — when the
   * account is not the cabinet's. One list of the cabinet's accounts answers both (two statements).
   */
  private async owned(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<{ number: string; isCurrent: boolean } | undefined> {
    const accounts = await this.deps.accounts.listAccounts(userId, telegramUserId);
    const account = accounts.find((a) => a.id === accountId);
    if (account) return account;
    // Not the cabinet's: the accounts service says so again and audits the attempt.
    await this.deps.accounts.ensureLinked(userId, accountId, telegramUserId);
    return undefined;
  }
}
