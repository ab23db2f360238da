import type { Knex } from 'knex';

/**
 * Billing exchange: one row per import or export run, so the billing department can answer
 * "was this file loaded, when, and what did it change" (the file's SHA-256 identifies it even when
 * renamed). No personal data here: counts and the file name only. Rejected imports are recorded
 * too (status `rejected`, nothing applied).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_exchanges', (t) => {
    t.bigIncrements('id').primary();
    t.string('direction', 8).notNullable(); // import | export
    t.string('kind', 16).notNullable(); // accounts | meters | tariffs | charges | payments | readings
    t.string('period', 7); // exports: the billing month
    t.string('file_name', 255);
    t.string('file_sha256', 64);
    t.string('status', 16).notNullable(); // applied | rejected | exported
    t.integer('rows_read').notNullable().defaultTo(0);
    t.integer('inserted').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.integer('unchanged').notNullable().defaultTo(0);
    t.integer('errors').notNullable().defaultTo(0);
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).notNullable();
    t.index(['direction', 'kind', 'started_at']);
    t.index(['file_sha256']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('billing_exchanges');
}
