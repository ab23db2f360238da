import type { Knex } from 'knex';

/**
 * Personal accounts linked to cabinets. A cabinet may hold several accounts (a flat and a
 * dacha), and an account may be linked by several cabinets (a family): hence a link table rather
 * than a column on `accounts`. Removing a cabinet removes its links; an account with links cannot
 * be deleted by accident (it carries the ledger anyway).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_links', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('RESTRICT');
    t.timestamp('linked_at', { useTz: true }).notNullable();
    t.unique(['user_id', 'account_id']);
    // "Who else has this account?" when a new resident links it.
    t.index(['account_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('account_links');
}
