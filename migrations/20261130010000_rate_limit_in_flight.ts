import type { Knex } from 'knex';

/**
 * `rate_limits.in_flight`: how many of the window's counted attempts are still being checked
 * (a login's argon2 verification). A full window whose slots are in flight is "busy, try again in
 * a moment", not "too many failed attempts": only settled failures lock a person out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rate_limits', (t) => {
    t.integer('in_flight').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('rate_limits', (t) => {
    t.dropColumn('in_flight');
  });
}
