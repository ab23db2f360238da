import type { Knex } from 'knex';

/**
 * Appeals (обращения) and the staff who answer them in the admin chat:
 * - `appeals`: numbered `А-YYYY-NNNNNN`, unique per year (`appeal_counters` hands out the
 *   sequence atomically), status новое → в работе → есть ответ → закрыто, the answer deadline
 *   (working days, ПП 354 п. 31 «к») and the card posted in the admin chat;
 * - `appeal_messages`: the thread, resident and staff turns, each with its copy in the admin chat
 *   (a staff member's Telegram reply to that copy answers the appeal);
 * - `appeal_attachments`: photos and documents by Telegram `file_id` (the files stay on Telegram);
 * - `staff`: the registry of who may act in the admin chat, and with which role;
 * - review columns on `meter_readings`, for flagged readings staff accept or reject.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('appeal_counters', (t) => {
    t.integer('year').primary();
    t.integer('last').notNullable();
  });
  await knex.schema.createTable('appeals', (t) => {
    t.bigIncrements('id').primary();
    t.string('number', 16).notNullable().unique(); // А-2026-000123
    t.integer('year').notNullable();
    t.integer('seq').notNullable();
    t.unique(['year', 'seq']);
    t.bigInteger('user_id').references('users.id').onDelete('SET NULL');
    t.bigInteger('telegram_user_id'); // where status changes and answers are sent
    t.bigInteger('account_id').references('accounts.id').onDelete('SET NULL');
    // billing | readings | payment | meter-replacement | quality | other
    t.string('topic', 24).notNullable();
    // new | in_progress | answered | closed
    t.string('status', 16).notNullable().defaultTo('new');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.bigInteger('taken_by').nullable(); // staff telegram_user_id
    t.timestamp('first_answered_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('overdue_flagged_at', { useTz: true });
    t.bigInteger('card_chat_id');
    t.bigInteger('card_message_id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['user_id', 'id']);
    t.index(['status', 'due_at']);
  });
  await knex.schema.createTable('appeal_messages', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('appeal_id').notNullable().references('appeals.id').onDelete('CASCADE');
    t.string('author', 16).notNullable(); // resident | staff
    t.bigInteger('staff_telegram_id');
    t.text('text').notNullable();
    t.bigInteger('admin_message_id'); // its copy in the admin chat, for reply threading
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['appeal_id', 'id']);
    t.index(['admin_message_id']);
  });
  await knex.schema.createTable('appeal_attachments', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('message_id').notNullable().references('appeal_messages.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable(); // photo | document
    t.string('file_id', 255).notNullable();
    t.string('file_name', 255);
  });
  await knex.schema.createTable('staff', (t) => {
    t.bigInteger('telegram_user_id').primary();
    t.string('role', 16).notNullable(); // operator | admin
    t.timestamp('added_at', { useTz: true }).notNullable();
  });
  await knex.schema.alterTable('meter_readings', (t) => {
    // null: not reviewed; 'accepted' | 'rejected' once staff decided on a flagged reading.
    t.string('review', 16);
    t.bigInteger('reviewed_by');
    t.timestamp('reviewed_at', { useTz: true });
    t.bigInteger('review_message_id'); // the card in the admin chat
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meter_readings', (t) => {
    t.dropColumn('review_message_id');
    t.dropColumn('reviewed_at');
    t.dropColumn('reviewed_by');
    t.dropColumn('review');
  });
  await knex.schema.dropTableIfExists('staff');
  await knex.schema.dropTableIfExists('appeal_attachments');
  await knex.schema.dropTableIfExists('appeal_messages');
  await knex.schema.dropTableIfExists('appeals');
  await knex.schema.dropTableIfExists('appeal_counters');
}
