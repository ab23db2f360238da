import type { Knex } from 'knex';

/**
 * One number for one submission: a two- or three-zone reading is one `reading_submissions` row
 * with its zones in `meter_readings` pointing at it (issue 14: «№ 5560, 5561» confused residents).
 * Rows written before this migration have no submission. No personal data here: who sent it stays
 * on `meter_readings.submitted_by_user_id`, which consent withdrawal nulls.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reading_submissions', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('meter_id').notNullable().references('meters.id').onDelete('CASCADE');
    t.string('period', 7).notNullable();
    t.timestamp('submitted_at', { useTz: true }).notNullable();
  });
  await knex.schema.alterTable('meter_readings', (t) => {
    t.bigInteger('submission_id').references('reading_submissions.id').onDelete('SET NULL');
    t.index(['submission_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meter_readings', (t) => {
    t.dropIndex(['submission_id']);
    t.dropForeign(['submission_id']);
    t.dropColumn('submission_id');
  });
  await knex.schema.dropTableIfExists('reading_submissions');
}
