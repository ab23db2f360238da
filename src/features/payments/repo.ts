import type { Knex } from 'knex';
import type { Db } from '../../core/db/index';

/** One `invoices` row. */
export interface InvoiceRow {
  id: number;
  publicId: string;
  accountId: number;
  userId: number | null;
  telegramUserId: number;
  period: string | null;
  amountKopecks: number;
  currency: string;
  status: 'open' | 'paid' | 'superseded';
}

function toInvoice(row: Record<string, unknown>): InvoiceRow {
  return {
    id: Number(row.id),
    publicId: String(row.public_id),
    accountId: Number(row.account_id),
    userId: row.user_id == null ? null : Number(row.user_id),
    telegramUserId: Number(row.telegram_user_id),
    period: row.period == null ? null : String(row.period),
    amountKopecks: Number(row.amount_kopecks),
    currency: String(row.currency),
    status: String(row.status) as InvoiceRow['status'],
  };
}

/** A bot payment as exports and history show it. */
export interface PaymentRow {
  id: number;
  accountId: number;
  accountNumber: string;
  amountKopecks: number;
  telegramPaymentChargeId: string;
  providerPaymentChargeId: string;
  paidAt: string;
  orphaned: boolean;
}

/** The payments feature's tables: `invoices` and `payments`. */
export class PaymentsRepo {
  constructor(private readonly db: Db) {}

  async insertInvoice(row: Omit<InvoiceRow, 'id' | 'status'>, createdAt: string): Promise<number> {
    const [inserted] = (await this.db('invoices')
      .insert({
        public_id: row.publicId,
        account_id: row.accountId,
        user_id: row.userId,
        telegram_user_id: row.telegramUserId,
        period: row.period,
        amount_kopecks: row.amountKopecks,
        currency: row.currency,
        status: 'open',
        created_at: createdAt,
      })
      .returning('id')) as ({ id: number } | number)[];
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async invoiceByPublicId(publicId: string, db: Knex = this.db): Promise<InvoiceRow | undefined> {
    const row = (await db('invoices').where({ public_id: publicId }).first()) as
      | Record<string, unknown>
      | undefined;
    return row ? toInvoice(row) : undefined;
  }

  /**
   * Claims an open invoice for one checkout until `until` (UTC ISO), atomically: false when it is
   * paid, superseded, or another checkout holds it (two payment forms for one invoice).
   */
  async claimCheckout(invoiceId: number, nowIso: string, untilIso: string): Promise<boolean> {
    const changed = await this.db('invoices')
      .where({ id: invoiceId, status: 'open' })
      .andWhere((q) => q.whereNull('checkout_until').orWhere('checkout_until', '<', nowIso))
      .update({ checkout_until: untilIso });
    return Number(changed) === 1;
  }

  async paymentByTelegramCharge(
    chargeId: string,
    db: Knex = this.db,
  ): Promise<{ id: number } | undefined> {
    const row = (await db('payments')
      .where({ telegram_payment_charge_id: chargeId })
      .first('id')) as { id: number } | undefined;
    return row ? { id: Number(row.id) } : undefined;
  }

  async insertPayment(
    trx: Knex,
    row: {
      invoiceId: number;
      accountId: number;
      telegramUserId: number;
      amountKopecks: number;
      currency: string;
      telegramPaymentChargeId: string;
      providerPaymentChargeId: string;
      ledgerId: number;
      orphaned: boolean;
      paidAt: string;
    },
  ): Promise<number> {
    const [inserted] = (await trx('payments')
      .insert({
        invoice_id: row.invoiceId,
        account_id: row.accountId,
        telegram_user_id: row.telegramUserId,
        amount_kopecks: row.amountKopecks,
        currency: row.currency,
        telegram_payment_charge_id: row.telegramPaymentChargeId,
        provider_payment_charge_id: row.providerPaymentChargeId,
        ledger_id: row.ledgerId,
        orphaned: row.orphaned,
        paid_at: row.paidAt,
      })
      .returning('id')) as ({ id: number } | number)[];
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  /** Marks the invoice paid and every other open invoice of the account superseded. */
  async settleInvoices(trx: Knex, invoice: InvoiceRow, paidAt: string): Promise<void> {
    await trx('invoices').where({ id: invoice.id }).update({ status: 'paid', paid_at: paidAt });
    await trx('invoices')
      .where({ account_id: invoice.accountId, status: 'open' })
      .update({ status: 'superseded' });
  }

  /** Bot payments, oldest first; `since`/`until` bound `paid_at` (UTC ISO, until exclusive). */
  async payments(range: { since?: string; until?: string } = {}): Promise<PaymentRow[]> {
    const query = this.db('payments')
      .join('accounts', 'accounts.id', 'payments.account_id')
      .orderBy('payments.id')
      .select(
        'payments.id',
        'payments.account_id',
        'accounts.number',
        'payments.amount_kopecks',
        'payments.telegram_payment_charge_id',
        'payments.provider_payment_charge_id',
        'payments.paid_at',
        'payments.orphaned',
      );
    if (range.since) query.where('payments.paid_at', '>=', range.since);
    if (range.until) query.where('payments.paid_at', '<', range.until);
    const rows = (await query) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: Number(r.id),
      accountId: Number(r.account_id),
      accountNumber: String(r.number),
      amountKopecks: Number(r.amount_kopecks),
      telegramPaymentChargeId: String(r.telegram_payment_charge_id),
      providerPaymentChargeId: String(r.provider_payment_charge_id),
      paidAt: String(r.paid_at),
      orphaned: Boolean(r.orphaned),
    }));
  }
}
