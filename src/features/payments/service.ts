import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { Locale, Translate } from '../../core/i18n';
import type { Outbox, OutboxMessage } from '../../core/outbox/outbox';
import type { OperatorRequisites } from '../../config';
import {
  formatIdentifier,
  formatMoney,
  formatPeriod as periodName,
  localDate,
} from '../../core/format';
import type { AccountsService } from '../accounts/service';
import type { LedgerService } from '../ledger/service';
import { type InvoiceRow, type PaymentRow, PaymentsRepo } from './repo';
import {
  type AmountLimits,
  type AmountProblem,
  checkAmount,
  gostQrPayload,
  type QrPayee,
  splitFullName,
} from './rules';

export interface PaymentsServiceDeps {
  db: Db;
  accounts: AccountsService;
  ledger: LedgerService;
  outbox: Outbox;
  audit: AuditLog;
  translate: Translate;
  localeOf: (telegramUserId: number) => Promise<Locale>;
  /** The cabinet this Telegram user is logged in to now (auth owns it), if any. */
  cabinetOf: (telegramUserId: number) => Promise<number | undefined>;
  limits: AmountLimits;
  operator: OperatorRequisites;
  /** The QR's byte budget (ГОСТ Р 56042-2014: 300) and whether the payer's names go in it. */
  qr: { maxBytes: number; payerDetails: boolean };
  timeZone: string;
  /** The staff chat, told of a payment for an account unlinked meanwhile. */
  adminChatId?: number;
  /** The one source of "now" (core/clock). */
  clock: Clock;
}

/** What the /pay screen offers for an account. */
export interface PayOptions {
  accountId: number;
  number: string;
  /** Positive: the debt, offered as the default amount; zero or negative: nothing due. */
  balanceKopecks: number;
  /** The latest billed period (`YYYY-MM`), named in the invoice; undefined before any charge. */
  period?: string;
  limits: AmountLimits;
}

/** An invoice ready for `sendInvoice`. */
export interface InvoiceDraft {
  /** Our invoice id: the Telegram invoice `payload` (≤ 128 bytes). */
  payload: string;
  accountId: number;
  number: string;
  period?: string;
  amountKopecks: number;
  currency: 'RUB';
}

export type CreateInvoiceResult =
  | { kind: 'ok'; invoice: InvoiceDraft }
  | { kind: 'amount'; problem: AmountProblem; limits: AmountLimits }
  | { kind: 'not-yours' };

/** Why a pre-checkout query is refused; each has a message key `payments-refused-<reason>`. */
export type PreCheckoutRefusal =
  | 'unknown'
  | 'paid'
  | 'superseded'
  | 'amount'
  | 'unlinked'
  | 'in-progress';

/** How long a yes to pre-checkout holds the invoice for that one payment (Telegram pays within seconds). */
const CHECKOUT_CLAIM_MS = 2 * 60 * 1000;

export type PreCheckoutResult = { ok: true } | { ok: false; reason: PreCheckoutRefusal };

/** A `successful_payment` as Telegram reports it. */
export interface SuccessfulPaymentInput {
  telegramUserId: number;
  chatId: number;
  payload: string;
  currency: string;
  totalAmount: number;
  telegramPaymentChargeId: string;
  providerPaymentChargeId: string;
}

export type RecordPaymentResult =
  | {
      kind: 'credited';
      paymentId: number;
      accountId: number;
      number: string;
      amountKopecks: number;
      balanceKopecks: number;
      /** The account was unlinked between the invoice and the payment: credited, staff told. */
      orphaned: boolean;
    }
  /** The same payment was already recorded (a redelivered update, or a concurrent one). */
  | { kind: 'duplicate' }
  /** No such invoice of ours: nothing can be credited; logged for staff. */
  | { kind: 'unknown-invoice' };

/** The payment QR for a bank app and the payee's requisites. */
export interface QrPayment {
  accountId: number;
  number: string;
  /** Kopecks due (0 when nothing is due: the QR carries no sum). */
  dueKopecks: number;
  period?: string;
  /** The ГОСТ Р 56042-2014 payload, the same as on the receipt. */
  payload: string;
  payee: OperatorRequisites;
}

/** The operator's requisites as the QR's payee fields. */
export function payeeOf(op: OperatorRequisites): QrPayee {
  return {
    name: op.name,
    personalAcc: op.account,
    bankName: op.bank,
    bic: op.bic,
    correspAcc: op.corrAccount,
    payeeInn: op.inn,
    kpp: op.kpp,
  };
}

const CONFIRMATION_KIND = 'payment-confirmation';
const STAFF_KIND = 'payment-orphaned';

/**
 * Paying through the bot (Telegram Payments, RUB, kopecks) and by the ГОСТ QR. Every method taking
 * an account id re-checks that it is the cabinet's; the payment itself is committed in one
 * transaction with its ledger credit and its confirmation (the durable outbox), once per charge id.
 */
export class PaymentsService {
  private readonly repo: PaymentsRepo;
  private readonly clock: Clock;

  constructor(private readonly deps: PaymentsServiceDeps) {
    this.repo = new PaymentsRepo(deps.db);
    this.clock = deps.clock;
  }

  get limits(): AmountLimits {
    return this.deps.limits;
  }

  /** The account's debt and the limits; undefined (audited) when the account is not theirs. */
  async payOptions(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<PayOptions | undefined> {
    const account = await this.deps.accounts.linkedAccount(userId, accountId, telegramUserId);
    if (!account) return undefined;
    return {
      accountId,
      number: account.number,
      balanceKopecks: await this.deps.ledger.balanceKopecks(accountId),
      period: (await this.deps.ledger.lastCharge(accountId))?.period,
      limits: this.deps.limits,
    };
  }

  /**
   * Records an invoice for `amountKopecks` (within the provider's limits) for the cabinet's
   * account; its public id becomes the Telegram invoice payload.
   */
  async createInvoice(
    userId: number,
    accountId: number,
    telegramUserId: number,
    amountKopecks: number,
  ): Promise<CreateInvoiceResult> {
    const options = await this.payOptions(userId, accountId, telegramUserId);
    if (!options) return { kind: 'not-yours' };
    const checked = checkAmount(amountKopecks, this.deps.limits);
    if (!checked.ok) return { kind: 'amount', problem: checked.problem, limits: this.deps.limits };
    const payload = `inv_${randomBytes(16).toString('base64url')}`;
    await this.repo.insertInvoice(
      {
        publicId: payload,
        accountId,
        userId,
        telegramUserId,
        period: options.period ?? null,
        amountKopecks,
        currency: 'RUB',
      },
      nowIso(this.clock),
    );
    return {
      kind: 'ok',
      invoice: {
        payload,
        accountId,
        number: options.number,
        period: options.period,
        amountKopecks,
        currency: 'RUB',
      },
    };
  }

  /**
   * The pre-checkout check (Telegram waits 10 s for the answer): ok only for our open invoice, paid
   * by the person it was made for, in its amount and currency, for an account still linked.
   */
  async preCheckout(input: {
    telegramUserId: number;
    payload: string;
    currency: string;
    totalAmount: number;
  }): Promise<PreCheckoutResult> {
    const invoice = await this.repo.invoiceByPublicId(input.payload);
    if (!invoice || invoice.telegramUserId !== input.telegramUserId)
      return { ok: false, reason: 'unknown' };
    if (invoice.status === 'paid') return { ok: false, reason: 'paid' };
    if (invoice.status === 'superseded') return { ok: false, reason: 'superseded' };
    if (invoice.currency !== input.currency || invoice.amountKopecks !== input.totalAmount)
      return { ok: false, reason: 'amount' };
    if (
      invoice.userId === null ||
      !(await this.deps.accounts.ensureLinked(
        invoice.userId,
        invoice.accountId,
        input.telegramUserId,
      ))
    )
      return { ok: false, reason: 'unlinked' };
    // Taken atomically last: of two checkouts for one invoice at once, one says yes.
    const now = this.deps.clock();
    const claimed = await this.repo.claimCheckout(
      invoice.id,
      now.toISOString(),
      new Date(now.getTime() + CHECKOUT_CLAIM_MS).toISOString(),
    );
    return claimed ? { ok: true } : { ok: false, reason: 'in-progress' };
  }

  /**
   * Records a successful payment: in one transaction the `payments` row (unique charge ids), the
   * ledger credit and the confirmation with the new balance in the outbox (and, if the account
   * was unlinked meanwhile, a notice to staff: the money came, so it is credited all the same).
   * The same payment delivered twice, or twice at once, is credited once.
   */
  async recordPayment(input: SuccessfulPaymentInput): Promise<RecordPaymentResult> {
    if (await this.repo.paymentByTelegramCharge(input.telegramPaymentChargeId))
      return { kind: 'duplicate' };
    const invoice = await this.repo.invoiceByPublicId(input.payload);
    if (!invoice) {
      await this.deps.audit.record({
        action: 'payment.unknown-invoice',
        telegramUserId: input.telegramUserId,
        details: { charge: input.telegramPaymentChargeId, amount: input.totalAmount },
      });
      return { kind: 'unknown-invoice' };
    }
    const linked =
      invoice.userId !== null &&
      (await this.deps.accounts.ensureLinked(
        invoice.userId,
        invoice.accountId,
        input.telegramUserId,
      ));
    const locale = await this.deps.localeOf(input.telegramUserId);
    // The money is credited whoever pays; the balance is told only to a chat still logged in to
    // the cabinet the account belongs to (a logged-out phone paying an old invoice learns nothing).
    const showBalance =
      linked && (await this.deps.cabinetOf(input.telegramUserId)) === invoice.userId;
    const paidAt = nowIso(this.clock);
    const today = localDate(this.clock(), this.deps.timeZone);
    const number = await this.accountNumber(invoice);
    try {
      return await this.deps.db.transaction(async (trx) => {
        if (await this.repo.paymentByTelegramCharge(input.telegramPaymentChargeId, trx))
          return { kind: 'duplicate' } as const;
        const ledgerId = await this.deps.ledger.creditPayment(trx, {
          accountId: invoice.accountId,
          period: today.slice(0, 7),
          amountKopecks: input.totalAmount,
          occurredOn: today,
          externalId: `tg:${input.telegramPaymentChargeId}`.slice(0, 64),
          source: 'bot',
          description: 'Telegram Payments',
          createdAt: paidAt,
        });
        const paymentId = await this.repo.insertPayment(trx, {
          invoiceId: invoice.id,
          accountId: invoice.accountId,
          telegramUserId: input.telegramUserId,
          amountKopecks: input.totalAmount,
          currency: input.currency,
          telegramPaymentChargeId: input.telegramPaymentChargeId,
          providerPaymentChargeId: input.providerPaymentChargeId,
          ledgerId,
          orphaned: !linked,
          paidAt,
        });
        await this.repo.settleInvoices(trx, invoice, paidAt);
        const balanceKopecks = await this.deps.ledger.balanceKopecks(invoice.accountId, trx);
        const messages: OutboxMessage[] = [
          {
            chatId: input.chatId,
            kind: CONFIRMATION_KIND,
            dedupeKey: `payment:${paymentId}`,
            payload: {
              text: this.confirmationText(locale, {
                paymentId,
                number,
                amountKopecks: input.totalAmount,
                balanceKopecks: showBalance ? balanceKopecks : undefined,
              }),
            },
          },
        ];
        if (!linked && this.deps.adminChatId !== undefined) {
          messages.push({
            chatId: this.deps.adminChatId,
            kind: STAFF_KIND,
            dedupeKey: `payment-orphaned:${paymentId}`,
            payload: {
              text: this.deps.translate('ru', 'payments-staff-orphaned', {
                id: formatIdentifier(paymentId),
                number,
                amount: formatMoney(input.totalAmount),
              }),
            },
          });
        }
        await this.deps.outbox.enqueue(messages, { trx });
        await this.deps.audit.record(
          {
            action: linked ? 'payment.credited' : 'payment.credited.unlinked',
            userId: invoice.userId,
            telegramUserId: input.telegramUserId,
            subject: String(invoice.accountId),
            details: { payment: paymentId, amount: input.totalAmount },
          },
          trx,
        );
        return {
          kind: 'credited',
          paymentId,
          accountId: invoice.accountId,
          number,
          amountKopecks: input.totalAmount,
          balanceKopecks,
          orphaned: !linked,
        } as const;
      });
    } catch (error) {
      // Two deliveries at once: the loser hits a unique charge id; the winner credited it.
      if (await this.repo.paymentByTelegramCharge(input.telegramPaymentChargeId))
        return { kind: 'duplicate' };
      throw error;
    }
  }

  /**
   * The ГОСТ Р 56042-2014 QR for paying in any bank app: the amount due (none when nothing is
   * due), the account, the latest billed period and, when they fit, the payer's name and address.
   */
  async qrPayment(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<QrPayment | undefined> {
    const payer = await this.deps.accounts.payerDetails(userId, accountId, telegramUserId);
    if (!payer) return undefined;
    const dueKopecks = Math.max(0, await this.deps.ledger.balanceKopecks(accountId));
    const period = (await this.deps.ledger.lastCharge(accountId))?.period;
    return {
      accountId,
      number: payer.number,
      dueKopecks,
      period,
      payload: this.qrPayload({ ...payer, dueKopecks, period }),
      payee: this.deps.operator,
    };
  }

  /** The QR payload for an account's receipt (the receipts feature prints the same one). */
  qrPayload(input: {
    number: string;
    holderName: string;
    address: string;
    dueKopecks: number;
    period?: string;
  }): string {
    const names = this.deps.qr.payerDetails ? splitFullName(input.holderName) : {};
    return gostQrPayload(
      payeeOf(this.deps.operator),
      {
        persAcc: input.number,
        sumKopecks: input.dueKopecks,
        purpose: input.period
          ? `Л/с ${input.number} за ${input.period.slice(5)}.${input.period.slice(0, 4)}`
          : `Л/с ${input.number}`,
        purposeShort: `Л/с ${input.number}`,
        period: input.period,
        ...names,
        payerAddress: this.deps.qr.payerDetails ? input.address : undefined,
      },
      this.deps.qr.maxBytes,
    );
  }

  /** Bot payments for the billing export, oldest first. */
  exportPayments(range: { since?: string; until?: string } = {}): Promise<PaymentRow[]> {
    return this.repo.payments(range);
  }

  private confirmationText(
    locale: Locale,
    vars: { paymentId: number; number: string; amountKopecks: number; balanceKopecks?: number },
  ): string {
    const t = (key: string, v?: Record<string, string | number>) =>
      this.deps.translate(locale, key, v);
    const balance =
      vars.balanceKopecks === undefined
        ? undefined
        : vars.balanceKopecks > 0
          ? t('balance-debt', { amount: formatMoney(vars.balanceKopecks) })
          : vars.balanceKopecks < 0
            ? t('balance-advance', { amount: formatMoney(-vars.balanceKopecks) })
            : t('balance-zero');
    return [
      t('payments-confirmed', {
        amount: formatMoney(vars.amountKopecks),
        number: vars.number,
        id: formatIdentifier(vars.paymentId),
      }),
      ...(balance === undefined ? [] : [balance]),
    ].join('\n');
  }

  private async accountNumber(invoice: InvoiceRow): Promise<string> {
    // Possibly unlinked meanwhile: the number is still needed for the confirmation and for staff.
    return (
      (await this.deps.accounts.accountNumberById(invoice.accountId)) ?? String(invoice.accountId)
    );
  }
}

/** A period in words for invoice texts ("март 2026"). */
export function invoicePeriodName(period: string | undefined, locale: string): string {
  return period ? periodName(period, locale) : '';
}
