import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { OperatorRequisites } from '../../config';
import type { AccountsService } from '../accounts/service';
import { dueDateOf } from '../balance/rules';
import type { LedgerService } from '../ledger/service';
import type { PaymentsService } from '../payments/service';
import type { ReadingsService } from '../readings/service';
import { ReceiptsRepo } from './repo';
import { RECEIPT_PERIODS, receiptDigest, receiptFileName } from './rules';

export interface ReceiptsServiceDeps {
  db: Db;
  accounts: AccountsService;
  ledger: LedgerService;
  readings: ReadingsService;
  payments: PaymentsService;
  operator: OperatorRequisites;
  /** Day of the month after the period by which the bill is due (ПП 354 п. 66). */
  paymentDueDay: number;
  clock: Clock;
}

/** Everything a receipt (ЕПД, Приказ Минстроя №43/пр) prints; kopecks, thousandths of kWh. */
export interface ReceiptContent {
  accountId: number;
  number: string;
  period: string;
  payer: { holderName: string; address: string };
  supplier: OperatorRequisites;
  charges: {
    zone: string | null;
    /** Zones billed this month (1–3), for zone names. */
    zones: number;
    volumeMilli: number | null;
    tariffKopecks: number | null;
    amountKopecks: number;
  }[];
  chargesTotalKopecks: number;
  adjustmentsKopecks: number;
  /** Debt (positive) or advance (negative) at the start of the period. */
  openingKopecks: number;
  paymentsKopecks: number;
  /** Opening + charges + recalculations − payments: the amount due (positive) or advance. */
  totalDueKopecks: number;
  /**
   * Payments received after the period (booked to later months), kopecks; 0 when none. A receipt
   * printed after paying shows them and what is left (ЕПД, Приказ Минстроя №43/пр: «учтены
   * платежи, поступившие до …»), so nobody pays the same month twice.
   */
  paidAfterKopecks: number;
  /** `YYYY-MM-DD`, local: the day of the latest of those payments; null when none. */
  paidAfterLastOn: string | null;
  /** The amount due less the payments since: what is left to pay (positive) or an advance. */
  leftToPayKopecks: number;
  /** `YYYY-MM-DD`. */
  dueOn: string;
  meters: {
    serial: string;
    zones: number;
    readings: { zone: string; previousMilli: number | null; currentMilli: number | null }[];
  }[];
  /** The ГОСТ Р 56042-2014 payload with the amount due (the same as the chat's QR). */
  qrPayload: string;
  fileName: string;
}

export type ReceiptResult =
  | {
      kind: 'ok';
      receipt: ReceiptContent;
      /** Identifies the document's content in this language (for the file_id cache). */
      digest: string;
      /** The Telegram file of the same document sent before, if any. */
      fileId?: string;
    }
  | { kind: 'no-charges' };

/**
 * Receipts (квитанции): the months that have them, and a month's content for the PDF. Every
 * method re-checks that the account is the cabinet's; undefined when it is not.
 */
export class ReceiptsService {
  private readonly repo: ReceiptsRepo;

  constructor(private readonly deps: ReceiptsServiceDeps) {
    this.repo = new ReceiptsRepo(deps.db);
  }

  /** The last 12 periods with charges, newest first. */
  async periods(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<string[] | undefined> {
    if (!(await this.deps.accounts.ensureLinked(userId, accountId, telegramUserId)))
      return undefined;
    return this.deps.ledger.chargedPeriods(accountId, RECEIPT_PERIODS);
  }

  /** One month's receipt, or `no-charges` when the month has none. */
  async receipt(
    userId: number,
    accountId: number,
    period: string,
    locale: string,
    telegramUserId?: number,
  ): Promise<ReceiptResult | undefined> {
    const payer = await this.deps.accounts.payerDetails(userId, accountId, telegramUserId);
    if (!payer) return undefined;
    const statement = await this.deps.ledger.statement(accountId, period);
    if (!statement) return { kind: 'no-charges' };
    const meters = (await this.deps.readings.receiptReadings(userId, accountId, period)) ?? [];
    const totalDueKopecks =
      statement.openingKopecks +
      statement.chargesTotalKopecks +
      statement.adjustmentsKopecks -
      statement.paymentsKopecks;
    // What is left of this receipt after the payments since. Those payments also pay the months
    // billed after it, so what they paid beyond this receipt is not all an advance: the advance is
    // at most the account's own now (a tester's September receipt showed every payment since,
    // 4 406,14, as paid in advance, where the account's advance was 1 234,56). Cases: nothing
    // billed since → the balance now; this month paid, later ones owed → 0 (paid in full).
    const leftToPayKopecks = Math.max(
      totalDueKopecks - statement.paidAfterKopecks,
      Math.min(0, statement.dueKopecks),
    );
    const zones = Math.max(1, new Set(statement.charges.map((c) => c.zone)).size);
    const receipt: ReceiptContent = {
      accountId,
      number: payer.number,
      period,
      payer: { holderName: payer.holderName, address: payer.address },
      supplier: this.deps.operator,
      charges: statement.charges.map((c) => ({ ...c, zones })),
      chargesTotalKopecks: statement.chargesTotalKopecks,
      adjustmentsKopecks: statement.adjustmentsKopecks,
      openingKopecks: statement.openingKopecks,
      paymentsKopecks: statement.paymentsKopecks,
      totalDueKopecks,
      paidAfterKopecks: statement.paidAfterKopecks,
      paidAfterLastOn: statement.paidAfterLastOn,
      leftToPayKopecks,
      dueOn: dueDateOf(period, this.deps.paymentDueDay),
      meters,
      qrPayload: this.deps.payments.qrPayload({
        number: payer.number,
        holderName: payer.holderName,
        address: payer.address,
        // What is left: a QR for the full amount after a payment would have it paid twice.
        dueKopecks: Math.max(0, leftToPayKopecks),
        period,
      }),
      fileName: receiptFileName(payer.number, period),
    };
    const digest = receiptDigest(receipt, locale);
    const fileId = await this.repo.fileId(accountId, period, digest);
    return { kind: 'ok', receipt, digest, ...(fileId ? { fileId } : {}) };
  }

  /** Remembers the Telegram file of a receipt just sent, so the same document is re-sent by id. */
  async rememberFileId(
    accountId: number,
    period: string,
    digest: string,
    fileId: string,
  ): Promise<void> {
    await this.repo.rememberFileId(accountId, period, digest, fileId, nowIso(this.deps.clock));
  }
}
