import type { Knex } from 'knex';

/** Residents: consents, one-time codes, attempt counters (filled in by the residents feature). */
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
