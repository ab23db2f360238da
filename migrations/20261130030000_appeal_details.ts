import type { Knex } from 'knex';

/**
 * `appeal_attachments.mime_type` and `.caption`: a document forwarded by `file_id` keeps the name
 * its sender gave it, so the card says the real type (the MIME type Telegram reported) next to the
 * name with invisible controls removed — «akt\u202Efdp.exe» shows as «aktexe.pdf» in Telegram but
 * as «aktfdp.exe (application/x-msdownload)» on the card (issue 11). The caption a resident wrote
 * under a photo or document is kept with it instead of being dropped.
 *
 * `appeals.closed_by`: the staff member who closed the appeal (Telegram id), null when the
 * resident closed it; the card names who took, answered and closed it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appeal_attachments', (t) => {
    t.string('mime_type', 255);
    t.text('caption');
  });
  await knex.schema.alterTable('appeals', (t) => {
    t.bigInteger('closed_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appeals', (t) => {
    t.dropColumn('closed_by');
  });
  await knex.schema.alterTable('appeal_attachments', (t) => {
    t.dropColumn('caption');
    t.dropColumn('mime_type');
  });
}
