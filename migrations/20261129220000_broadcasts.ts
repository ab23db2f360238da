import type { Knex } from 'knex';

/**
 * Broadcasts from the admin chat (`/broadcast`): the draft shown in the preview, then, on
 * confirm, the sending broadcast whose messages are `outbox` rows keyed
 * `broadcast:<id>:<telegram user id>`; the progress line the bot keeps editing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('broadcasts', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('created_by').notNullable(); // staff telegram_user_id
    t.text('text').notNullable();
    t.string('filter', 200).notNullable(); // '' | settlement=<name> | debtors>=<rubles>
    t.string('status', 16).notNullable(); // draft | sending | done | cancelled
    t.integer('recipients').notNullable().defaultTo(0);
    t.bigInteger('progress_chat_id');
    t.bigInteger('progress_message_id');
    t.string('progress_text', 500);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('confirmed_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('broadcasts');
}
