import type { Knex } from 'knex';

/**
 * Payments through the bot and receipts.
 * - `invoices`: what we asked Telegram Payments to collect; the invoice's `payload` is `public_id`.
 * - `payments`: one row per `successful_payment`; both charge ids are unique, so a redelivered or
 *   concurrent update credits once. The ledger credit (`ledger.external_id = 'tg:<charge id>'`)
 *   and the confirmation in the outbox are written in the same transaction.
 * - `receipt_files`: the Telegram `file_id` of a receipt PDF already sent, keyed by the account,
 *   the period and a hash of the receipt's content, so an unchanged receipt is re-sent by file_id.
 * - `receipt_deliveries`: the monthly receipts put in the outbox after a charges import.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invoices', (t) => {
    t.bigIncrements('id').primary();
    t.string('public_id', 40).notNullable().unique(); // the invoice payload (≤ 128 bytes)
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('RESTRICT');
    t.bigInteger('user_id').references('users.id').onDelete('SET NULL');
    t.bigInteger('telegram_user_id').notNullable();
    t.string('period', 7); // the billing month named in the title; null for an advance
    t.bigInteger('amount_kopecks').notNullable();
    t.string('currency', 3).notNullable();
    t.string('status', 16).notNullable().defaultTo('open'); // open | paid | superseded
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('paid_at', { useTz: true });
    t.index(['account_id', 'status']);
  });

  await knex.schema.createTable('payments', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('invoice_id').notNullable().references('invoices.id').onDelete('RESTRICT');
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('RESTRICT');
    t.bigInteger('telegram_user_id').notNullable();
    t.bigInteger('amount_kopecks').notNullable();
    t.string('currency', 3).notNullable();
    t.string('telegram_payment_charge_id', 255).notNullable().unique();
    t.string('provider_payment_charge_id', 255).notNullable().unique();
    t.bigInteger('ledger_id').references('ledger.id').onDelete('RESTRICT');
    // The account was no longer linked to the payer when the money came: staff were told.
    t.boolean('orphaned').notNullable().defaultTo(false);
    t.timestamp('paid_at', { useTz: true }).notNullable();
    t.index(['account_id', 'paid_at']);
  });

  await knex.schema.createTable('receipt_files', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('period', 7).notNullable();
    t.string('content_sha256', 64).notNullable();
    t.string('file_id', 255).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['account_id', 'period', 'content_sha256']);
  });

  // Monthly delivery: one receipt per account, period and Telegram user, never twice.
  await knex.schema.createTable('receipt_deliveries', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('period', 7).notNullable();
    t.bigInteger('telegram_user_id').notNullable();
    t.timestamp('enqueued_at', { useTz: true }).notNullable();
    t.unique(['account_id', 'period', 'telegram_user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['receipt_deliveries', 'receipt_files', 'payments', 'invoices']) {
    await knex.schema.dropTableIfExists(table);
  }
}
