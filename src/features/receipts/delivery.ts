import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { Locale } from '../../core/i18n';
import type { Outbox } from '../../core/outbox/outbox';
import type { AccountsService } from '../accounts/service';
import type { LedgerService } from '../ledger/service';
import { RenderBusyError, type RenderPdf } from '../../core/render-pool/index';
import { receiptDocument } from './pdf';
import type { ReceiptsService } from './service';
import { receiptCaption, receiptLabels } from './views';

export interface ReceiptDeliveryDeps {
  db: Db;
  receipts: ReceiptsService;
  ledger: LedgerService;
  accounts: AccountsService;
  outbox: Outbox;
  translate: (locale: Locale, key: string, vars?: Record<string, string | number>) => string;
  localeOf: (telegramUserId: number) => Promise<Locale>;
  /** Where rendered PDFs wait for the outbox worker (kept until sent). */
  dir: string;
  clock: Clock;
  /** The app's render pool: PDFs are made off the event loop. */
  renderPdf: RenderPdf;
}

/** Charges imported within this many days count as new (older ones were delivered or missed). */
const NEW_CHARGES_DAYS = 40;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Monthly delivery: after charges for a new period are imported, every Telegram user of an active
 * cabinet holding the account gets that month's receipt through the durable outbox — once per
 * account, period and person (a unique row written in the same transaction as the outbox row),
 * so a run interrupted by a restart resumes where it stopped and never sends twice.
 */
export class ReceiptDelivery {
  constructor(private readonly deps: ReceiptDeliveryDeps) {}

  /**
   * One pass; returns how many receipts were put in the outbox. A receipt is marked delivered
   * only with its outbox row, so one not reached (a failure thrown out of the pass, logged by the
   * scheduler) is made by the next pass. When the render pool is full (`RenderBusyError`: the
   * residents' charts and PDFs come first) the pass stops there with `deferred: true`; the rest
   * waits for the next pass (`RECEIPT_DELIVERY_EVERY_MS`), none is dropped.
   */
  async run(): Promise<{ enqueued: number; deferred: boolean }> {
    const { db, clock } = this.deps;
    const since = new Date(clock().getTime() - NEW_CHARGES_DAYS * DAY_MS).toISOString();
    let enqueued = 0;
    for (const { accountId, period } of await this.deps.ledger.recentlyCharged(since)) {
      for (const holder of await this.deps.accounts.holdersOf(accountId)) {
        const key = { account_id: accountId, period, telegram_user_id: holder.telegramUserId };
        if (await db('receipt_deliveries').where(key).first('id')) continue;
        const locale = await this.deps.localeOf(holder.telegramUserId);
        const result = await this.deps.receipts.receipt(holder.userId, accountId, period, locale);
        if (result?.kind !== 'ok') continue;
        const ctx = {
          t: (k: string, v?: Record<string, string | number>) => this.deps.translate(locale, k, v),
        };
        let pdf: Buffer;
        try {
          pdf = await this.deps.renderPdf(
            receiptDocument(result.receipt, receiptLabels(ctx as never, result.receipt, locale)),
          );
        } catch (error) {
          if (error instanceof RenderBusyError) return { enqueued, deferred: true };
          throw error;
        }
        await mkdir(this.deps.dir, { recursive: true });
        const path = join(this.deps.dir, `${accountId}-${period}-${holder.telegramUserId}.pdf`);
        await writeFile(path, pdf);
        const inserted = await db.transaction(async (trx) => {
          const rows = (await trx('receipt_deliveries')
            .insert({ ...key, enqueued_at: nowIso(clock) })
            .onConflict(['account_id', 'period', 'telegram_user_id'])
            .ignore()
            .returning('id')) as unknown[];
          if (rows.length === 0) return false;
          await this.deps.outbox.enqueue(
            {
              chatId: holder.telegramUserId,
              kind: 'receipt',
              dedupeKey: `receipt:${accountId}:${period}:${holder.telegramUserId}`,
              payload: {
                document: { path, filename: result.receipt.fileName },
                caption: receiptCaption(ctx as never, result.receipt, locale),
              },
            },
            { trx },
          );
          return true;
        });
        if (inserted) enqueued++;
        else await rm(path, { force: true });
      }
    }
    return { enqueued, deferred: false };
  }
}
