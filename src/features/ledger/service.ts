import type { Knex } from 'knex';
import type { Db } from '../../core/db/index';
import { type LedgerRow, LedgerRepo, type PaymentCredit } from './repo';

export type { LedgerRow, PaymentCredit } from './repo';

/** One billing month of an account, as the receipt (ЕПД, Приказ Минстроя №43/пр) shows it. */
export interface PeriodStatement {
  period: string;
  /** Debt (positive) or advance (negative) at the start of the period, kopecks. */
  openingKopecks: number;
  charges: {
    zone: string | null;
    volumeMilli: number | null;
    tariffKopecks: number | null;
    amountKopecks: number;
  }[];
  chargesTotalKopecks: number;
  /** Recalculations (перерасчёты); negative is in the resident's favour. */
  adjustmentsKopecks: number;
  /** Payments booked to the period. */
  paymentsKopecks: number;
  /** The balance of the account now (all periods): what is due; positive is a debt. */
  dueKopecks: number;
  /**
   * Payments received after the period (booked to later months), kopecks: what a receipt printed
   * after a payment shows as paid since (ЕПД 43/пр: «учтены платежи, поступившие до …»).
   */
  paidAfterKopecks: number;
  /** Local date (`YYYY-MM-DD`) of the latest of those payments; null when there is none. */
  paidAfterLastOn: string | null;
}

/**
 * The ledger of an account: charges, payments and adjustments, in kopecks. The only feature that
 * reads or writes the `ledger` table (the billing import aside); balance, receipts, payments and
 * the account card go through it. It does not check ownership: callers have (accounts service).
 */
export class LedgerService {
  private readonly repo: LedgerRepo;

  constructor(db: Db) {
    this.repo = new LedgerRepo(db);
  }

  /** Charges + adjustments − payments, kopecks; positive is a debt, negative an advance. */
  balanceKopecks(accountId: number, trx?: Knex): Promise<number> {
    return this.repo.balance(accountId, trx);
  }

  /** The latest billed period and the total charged in it, kopecks. */
  lastCharge(accountId: number): Promise<{ period: string; amountKopecks: number } | undefined> {
    return this.repo.lastCharge(accountId);
  }

  lastPayment(accountId: number): Promise<LedgerRow | undefined> {
    return this.repo.lastPayment(accountId);
  }

  /** Periods with any entry, newest first. */
  periods(accountId: number): Promise<string[]> {
    return this.repo.periods(accountId);
  }

  /** The last `limit` periods with charges, newest first (receipts are made for these). */
  chargedPeriods(accountId: number, limit = 12): Promise<string[]> {
    return this.repo.periods(accountId, 'charge', limit);
  }

  entries(accountId: number, periods: string[]): Promise<LedgerRow[]> {
    return this.repo.entries(accountId, periods);
  }

  /**
   * Accounts whose charges were imported since `since` (UTC ISO), with that latest month: the
   * receipts to deliver after a charges import.
   */
  recentlyCharged(since: string): Promise<{ accountId: number; period: string }[]> {
    return this.repo.recentlyCharged(since);
  }

  /** The month's statement for the receipt; undefined when the period has no charges. */
  async statement(accountId: number, period: string): Promise<PeriodStatement | undefined> {
    const rows = await this.repo.entries(accountId, [period]);
    const charges = rows.filter((r) => r.kind === 'charge');
    if (charges.length === 0) return undefined;
    const sum = (list: LedgerRow[]) => list.reduce((s, r) => s + r.amountKopecks, 0);
    const after = await this.repo.paymentsAfter(accountId, period);
    return {
      period,
      openingKopecks: await this.repo.balanceBefore(accountId, period),
      charges: charges.map((c) => ({
        zone: c.zone,
        volumeMilli: c.volumeMilli,
        tariffKopecks: c.tariffKopecks,
        amountKopecks: c.amountKopecks,
      })),
      chargesTotalKopecks: sum(charges),
      adjustmentsKopecks: sum(rows.filter((r) => r.kind === 'adjustment')),
      paymentsKopecks: sum(rows.filter((r) => r.kind === 'payment')),
      dueKopecks: await this.repo.balance(accountId),
      paidAfterKopecks: after.amountKopecks,
      paidAfterLastOn: after.lastOn,
    };
  }

  /**
   * Credits a payment inside the caller's transaction; returns the ledger row id. `externalId` is
   * unique in the table, so a second credit of the same payment fails instead of doubling it.
   */
  creditPayment(trx: Knex.Transaction, credit: PaymentCredit): Promise<number> {
    return this.repo.insertPayment(trx, credit);
  }
}
