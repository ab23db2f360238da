import type { Knex } from 'knex';
import * as core from './20261124000000_core';
import * as residents from './20261124010000_residents';
import * as billingExchange from './20261124020000_billing_exchange';
import * as outbox from './20261124030000_outbox';
import * as accounts from './20261124040000_accounts';
import * as readings from './20261124060000_readings';
import * as reliability from './20261129190000_reliability';
import * as payments from './20261129200000_payments';
import * as appeals from './20261129210000_appeals';
import * as broadcasts from './20261129220000_broadcasts';
import * as checkoutClaim from './20261129230000_checkout_claim';
import * as readingSubmissions from './20261129235000_reading_submissions';
import * as staffNames from './20261130001000_staff_names';
import * as rateLimitInFlight from './20261130010000_rate_limit_in_flight';
import * as billingImportStaging from './20261130020000_billing_import_staging';
import * as appealAttachmentDetails from './20261130030000_appeal_details';
import * as appealTelegramName from './20261130040000_appeal_telegram_name';

/**
 * Migrations are listed here rather than discovered on disk, so they load the same way under
 * tsx, vitest and any bundler. Append new ones; never reorder or rename applied ones.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261124000000_core': core,
  '20261124010000_residents': residents,
  '20261124020000_billing_exchange': billingExchange,
  '20261124030000_outbox': outbox,
  '20261124040000_accounts': accounts,
  '20261124060000_readings': readings,
  '20261129190000_reliability': reliability,
  '20261129200000_payments': payments,
  '20261129210000_appeals': appeals,
  '20261129220000_broadcasts': broadcasts,
  '20261129230000_checkout_claim': checkoutClaim,
  '20261129235000_reading_submissions': readingSubmissions,
  '20261130001000_staff_names': staffNames,
  '20261130010000_rate_limit_in_flight': rateLimitInFlight,
  '20261130020000_billing_import_staging': billingImportStaging,
  '20261130030000_appeal_details': appealAttachmentDetails,
  '20261130040000_appeal_telegram_name': appealTelegramName,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return migration;
  },
};
