import type { Knex } from 'knex';

/**
 * `invoices.checkout_until`: a pre-checkout that says yes claims the invoice until this time, so
 * two payment forms opened for one invoice (two phones, two taps) cannot both be charged.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.timestamp('checkout_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('invoices', (t) => {
    t.dropColumn('checkout_until');
  });
}
