import type { Knex } from 'knex';

/**
 * `billing_import_rows`: the staging area of an import on SQLite. The file's validated rows are
 * written here in short transactions, checked against the database without holding the write
 * lock for long, and then applied in short transactions, so a resident's reading or payment
 * waits for one chunk, never for the whole file (see `features/billing/exchange/import.ts`).
 * `natural_key`/`content` let one query find a document id repeated with different money.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('billing_import_rows', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('run_id').notNullable();
    t.integer('line').notNullable();
    t.text('row').notNullable();
    t.string('natural_key', 128);
    t.string('content', 64);
    t.index(['run_id', 'id']);
    t.index(['run_id', 'natural_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('billing_import_rows');
}
