import type { Knex } from 'knex';

/**
 * `appeals.telegram_name`: the first and last name the resident goes by in Telegram when filing,
 * so the staff card names them («Житель: Анна») even when the profile has no ФИО (issue 11).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appeals', (t) => {
    t.string('telegram_name', 200);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appeals', (t) => {
    t.dropColumn('telegram_name');
  });
}
