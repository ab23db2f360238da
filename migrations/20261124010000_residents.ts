import type { Knex } from 'knex';

/**
 * Residents: consents (152-ФЗ), one-time e-mail codes, password drafts and attempt counters.
 *
 * - `consents`: one row per acceptance; `withdrawn_at` set on withdrawal. The text's SHA-256 proves
 *   which wording was accepted even after the template changes.
 * - `one_time_codes`: 6-digit codes sent by e-mail, stored only as a hash; single use.
 * - `password_drafts`: the argon2 hash of a password typed once and not yet confirmed by the
 *   second entry. Referenced from conversation state by a random id, so no hash (let alone the
 *   password) ever sits in the conversation storage. Short-lived.
 * - `rate_limits`: fixed-window counters, one row per scope (`login:tg:<id>`, `login:user:<id>`…),
 *   bumped with one atomic upsert so concurrent attempts are all counted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('consents', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('user_id').references('users.id').onDelete('SET NULL');
    t.bigInteger('telegram_user_id');
    t.string('version', 32).notNullable();
    t.string('text_sha256', 64).notNullable();
    t.string('locale', 5).notNullable();
    t.timestamp('accepted_at', { useTz: true }).notNullable();
    t.timestamp('withdrawn_at', { useTz: true });
    t.index(['user_id', 'accepted_at']);
  });

  await knex.schema.createTable('one_time_codes', (t) => {
    t.bigIncrements('id').primary();
    t.string('purpose', 32).notNullable(); // verify_email | reset_password | change_email
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('email', 254).notNullable();
    t.string('code_hash', 64).notNullable();
    t.string('salt', 32).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('consumed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['user_id', 'purpose', 'created_at']);
  });

  await knex.schema.createTable('password_drafts', (t) => {
    t.string('id', 64).primary(); // random, handed to the conversation
    t.string('password_hash', 255).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('rate_limits', (t) => {
    t.string('scope', 128).primary();
    t.timestamp('window_start', { useTz: true }).notNullable();
    t.integer('count').notNullable();
  });

  await knex.schema.alterTable('users', (t) => {
    t.timestamp('password_changed_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('password_changed_at');
  });
  for (const table of ['rate_limits', 'password_drafts', 'one_time_codes', 'consents']) {
    await knex.schema.dropTableIfExists(table);
  }
}
