import type { Knex } from 'knex';

/** Reserved slot, filled in by its feature. */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
