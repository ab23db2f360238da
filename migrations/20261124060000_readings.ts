import type { Knex } from 'knex';

/**
 * Meter readings from the bot: a flag for staff when a resident confirmed an implausible value,
 * at most one live (`accepted`) reading per meter, zone and period (a resubmission marks the old
 * row `replaced` in the same transaction, so a race between two family members cannot leave two),
 * and the residents who turned the monthly reminder off.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meter_readings', (t) => {
    t.boolean('flagged').notNullable().defaultTo(false);
    // Why it was flagged: 'over-3x-average' | 'over-daily-cap' (see readings/rules.ts).
    t.string('flag_reason', 32);
  });
  // A partial unique index: both SQLite and PostgreSQL support the WHERE clause.
  await knex.raw(
    "create unique index meter_readings_live_unique on meter_readings (meter_id, zone, period) where status = 'accepted'",
  );
  await knex.schema.createTable('reading_reminder_optouts', (t) => {
    t.bigInteger('user_id').primary().references('users.id').onDelete('CASCADE');
    t.timestamp('opted_out_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reading_reminder_optouts');
  await knex.raw('drop index if exists meter_readings_live_unique');
  await knex.schema.alterTable('meter_readings', (t) => {
    t.dropColumn('flag_reason');
    t.dropColumn('flagged');
  });
}
