import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createAdminFeature } from './bot';
import { BROADCAST_CONVERSATION, createBroadcastConversation } from './broadcast-flow';

/** The staff side in the admin chat: appeals, lookups, billing files, broadcasts. */
export function adminFeature({
  config,
  db,
  clock,
  services,
  translate,
  downloadFile,
  kit,
}: FeatureDeps): Feature {
  return {
    name: 'admin',
    conversations: [
      {
        id: BROADCAST_CONVERSATION,
        build: createBroadcastConversation({
          broadcasts: services.broadcasts,
          kit,
          t: (key, vars) => translate(config.defaultLocale, key, vars),
        }),
      },
    ],
    commands: createAdminFeature({
      config,
      staff: services.staff,
      adminChat: services.adminChat,
      appeals: services.appeals,
      readingReviews: services.readingReviews,
      lookup: services.lookup,
      exportFile: async (kind, period) => {
        const dir = await mkdtemp(join(tmpdir(), 'abonent-export-'));
        const path = join(dir, `${kind}-${period}.csv`);
        // The exchange (and its CSV libraries) loads with the first export or import, not at start.
        const { exportData } = await import('../billing/exchange/export');
        const report = await exportData(db, kind, { period, out: path, clock });
        return { path, rows: report.rows, heldForReview: report.heldForReview };
      },
      audit: services.audit,
      translate,
      broadcasts: services.broadcasts,
      importCsv: async (kind, input, fileName) => {
        const { importStream } = await import('../billing/exchange/import');
        return importStream(db, kind, input, fileName, { clock, maxListedErrors: 10 });
      },
      downloadFile,
    }),
  };
}
