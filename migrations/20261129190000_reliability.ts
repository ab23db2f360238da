import type { Knex } from 'knex';

/**
 * Reliability (issue 13).
 *
 * - `processed_updates.done_at`: an update id is claimed (`at`) when its handling starts and
 *   marked done when it ends. A claim without `done_at` whose process died is taken over by
 *   Telegram's redelivery once it is stale, instead of the redelivery being dropped.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('processed_updates', (t) => {
    t.timestamp('done_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('processed_updates', (t) => {
    t.dropColumn('done_at');
  });
}
