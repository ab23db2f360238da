import type { Knex } from 'knex';

/**
 * `staff.display_name`: the name a staff member goes by in Telegram (first and last name), kept
 * up to date whenever they act in the admin chat, so appeal cards say «Взял в работу: Ольга
 * Петрова» instead of a Telegram id.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('staff', (t) => {
    t.string('display_name', 200);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('staff', (t) => {
    t.dropColumn('display_name');
  });
}
