import type { Knex } from 'knex';

/**
 * The durable notification outbox and the periodic-job leases (src/core/outbox, src/core/scheduler.ts).
 *
 * `outbox` holds messages already rendered in the recipient's language; a worker claims due rows
 * with a lease (`status = 'sending'`, `locked_until`), sends them and records the Telegram message
 * id in the same update that marks them sent. Rows are never deleted by the worker.
 *
 * `job_locks` holds one lease row per periodic job, so that among several instances sharing the
 * database only one runs each job run.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('chat_id').notNullable();
    t.string('kind', 32).notNullable(); // reading-reminder | verification-due | appeal-answer | broadcast | …
    t.text('payload').notNullable(); // JSON: the rendered message (see OutboxPayload)
    // "Send this once": e.g. reading-reminder:<user>:<period>. NULLs never conflict.
    t.string('dedupe_key', 255).unique();
    // Lower goes first; broadcasts sit after personal notices so an answer never waits for them.
    t.smallint('priority').notNullable().defaultTo(0);
    t.string('status', 16).notNullable().defaultTo('pending'); // pending | sending | sent | failed | cancelled
    t.integer('attempts').notNullable().defaultTo(0); // failed attempts (a 429 is not a failure)
    t.integer('throttled').notNullable().defaultTo(0); // 429s honoured for this row
    // When it was meant to go: fixes the chat's order (a retry moves next_attempt_at, not this).
    t.timestamp('not_before', { useTz: true }).notNullable();
    t.timestamp('next_attempt_at', { useTz: true }).notNullable();
    // Past this, sending is pointless (a reminder for a closed window): cancelled, not sent.
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('locked_until', { useTz: true }); // lease of the worker that claimed the row
    t.string('locked_by', 100);
    t.string('last_error', 500);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('sent_at', { useTz: true });
    t.bigInteger('telegram_message_id');
    // The claim: pending rows in (priority, due time) order.
    t.index(['status', 'priority', 'next_attempt_at', 'id'], 'outbox_claim_idx');
    // Per-chat order (only a chat's first unfinished row is claimable) and expired leases.
    t.index(['chat_id', 'status', 'not_before', 'id'], 'outbox_chat_idx');
    t.index(['status', 'locked_until'], 'outbox_lease_idx');
    t.index(['status', 'expires_at'], 'outbox_expiry_idx');
  });

  await knex.schema.createTable('job_locks', (t) => {
    t.string('name', 100).primary();
    // Until then no other instance starts this job: the run's lease and the interval in one.
    t.timestamp('locked_until', { useTz: true }).notNullable();
    t.string('locked_by', 100);
    t.timestamp('last_started_at', { useTz: true });
    t.timestamp('last_finished_at', { useTz: true });
    t.string('last_error', 500);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('job_locks');
  await knex.schema.dropTableIfExists('outbox');
}
