import type { Knex } from 'knex';

/**
 * The core tables every feature stands on. Conventions:
 * - `*_at` columns hold UTC instants (written as ISO-8601 strings, read back as the same);
 * - `*_on` columns hold calendar dates `YYYY-MM-DD`; `period` is a billing month `YYYY-MM`;
 * - money is integer kopecks; meter values and volumes are integer thousandths (`*_milli`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id').primary();
    t.string('email', 254).unique(); // lower-cased; null once the person withdrew consent
    t.timestamp('email_verified_at', { useTz: true });
    t.string('password_hash', 255);
    t.string('full_name', 200);
    t.string('phone', 20);
    t.string('address', 500);
    t.string('locale', 5).notNullable().defaultTo('ru');
    t.string('status', 16).notNullable().defaultTo('pending'); // pending | active | erased
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('accounts', (t) => {
    t.bigIncrements('id').primary();
    t.string('number', 32).notNullable().unique(); // лицевой счёт as printed on the receipt
    t.string('holder_name', 200).notNullable();
    t.string('settlement', 100).notNullable();
    t.string('address', 500).notNullable();
    t.string('tariff_plan', 32).notNullable(); // e.g. urban, rural, electric-stove
    t.string('status', 16).notNullable().defaultTo('active'); // active | closed
    t.integer('residents').notNullable().defaultTo(1);
    // A proof of ownership a stranger does not have: printed on the paper receipt.
    t.string('receipt_code', 16);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('telegram_identities', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('telegram_user_id').notNullable().unique(); // one cabinet per Telegram user
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('current_account_id').references('accounts.id').onDelete('SET NULL');
    t.timestamp('logged_in_at', { useTz: true }).notNullable();
    t.timestamp('last_seen_at', { useTz: true }).notNullable();
    t.index(['user_id']);
  });

  await knex.schema.createTable('meters', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('serial', 32).notNullable();
    t.string('model', 64);
    t.smallint('zones').notNullable(); // 1, 2 or 3 tariff zones
    t.smallint('digits').notNullable(); // digits before the decimal point on the register
    t.boolean('automated').notNullable().defaultTo(false); // on automated metering (АСКУЭ)
    t.string('installed_on', 10);
    t.string('verified_until', 10); // next verification (поверка) due date
    t.string('status', 16).notNullable().defaultTo('active'); // active | removed
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['account_id', 'serial']);
    t.index(['serial']);
  });

  await knex.schema.createTable('tariffs', (t) => {
    t.bigIncrements('id').primary();
    t.string('plan', 32).notNullable();
    t.smallint('zones').notNullable(); // the meter kind the price applies to
    t.string('zone', 2).notNullable(); // T1 | T2 | T3
    t.string('valid_from', 7).notNullable(); // first period (YYYY-MM) the price applies to
    t.integer('price_kopecks').notNullable(); // per kWh
    t.unique(['plan', 'zones', 'zone', 'valid_from']);
  });

  await knex.schema.createTable('meter_readings', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('meter_id').notNullable().references('meters.id').onDelete('CASCADE');
    t.string('zone', 2).notNullable();
    t.string('period', 7).notNullable();
    t.bigInteger('value_milli').notNullable();
    t.string('source', 16).notNullable(); // bot | staff | import
    t.string('status', 16).notNullable().defaultTo('accepted'); // accepted | billed | rejected | replaced
    t.string('reject_reason', 500);
    // Kept without personal data when a resident withdraws consent: the link is nulled.
    t.bigInteger('submitted_by_user_id').references('users.id').onDelete('SET NULL');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.index(['meter_id', 'zone', 'period']);
    t.index(['period', 'status']);
  });

  await knex.schema.createTable('ledger', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('account_id').notNullable().references('accounts.id').onDelete('RESTRICT');
    t.string('period', 7).notNullable();
    t.string('kind', 16).notNullable(); // charge | payment | adjustment
    t.string('service', 32); // electricity, … (charges and adjustments)
    t.string('zone', 2);
    t.bigInteger('volume_milli'); // kWh × 1000
    t.integer('tariff_kopecks');
    // Charges and payments are positive; adjustments carry their sign (negative = in favour of the resident).
    t.bigInteger('amount_kopecks').notNullable();
    t.string('occurred_on', 10).notNullable();
    t.string('source', 16).notNullable(); // import | bot | staff | seed
    t.string('external_id', 64).unique(); // idempotent import and payment capture
    t.string('description', 255);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['account_id', 'period']);
  });

  // grammY sessions and conversation state (and other small keyed state), in the same database.
  await knex.schema.createTable('kv_store', (t) => {
    t.string('key', 255).primary();
    t.text('value').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable();
    t.bigInteger('user_id').references('users.id').onDelete('SET NULL');
    t.bigInteger('telegram_user_id');
    t.string('action', 64).notNullable(); // e.g. login.ok, login.failed, account.link
    t.string('subject', 64);
    t.text('details'); // JSON, never with passwords or message text
    t.index(['user_id', 'at']);
    t.index(['action', 'at']);
  });

  // Webhook mode: Telegram may deliver an update twice; the first one wins.
  await knex.schema.createTable('processed_updates', (t) => {
    t.bigInteger('update_id').primary();
    t.timestamp('at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'processed_updates',
    'audit_log',
    'kv_store',
    'ledger',
    'meter_readings',
    'tariffs',
    'meters',
    'telegram_identities',
    'accounts',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
