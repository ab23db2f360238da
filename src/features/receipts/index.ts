import { KIT_CANCEL } from '../../core/conversation-kit/index';
import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createReceiptsFeature } from './bot';
import { ReceiptDelivery } from './delivery';

/** How often the monthly receipts are looked for (after a charges import by the CLI). */
const RECEIPT_DELIVERY_EVERY_MS = 10 * 60_000;

/** `/receipt`: the ЕПД of a billed month as a PDF; the monthly receipts after a charges import. */
export function receiptsFeature({
  config,
  logger,
  db,
  clock,
  services,
  translate,
  kit,
  renderPool,
}: FeatureDeps): Feature {
  const delivery = new ReceiptDelivery({
    db,
    receipts: services.receipts,
    ledger: services.ledger,
    accounts: services.accounts,
    outbox: services.outbox,
    translate,
    localeOf: async (telegramUserId) =>
      (await services.languages.localeOf(telegramUserId)) ?? config.defaultLocale,
    dir: config.payments.receiptsDir,
    clock,
    renderPdf: renderPool.renderPdf,
  });
  return {
    name: 'receipts',
    commands: createReceiptsFeature({
      accounts: services.accounts,
      receipts: services.receipts,
      cancelData: KIT_CANCEL,
      kit,
      renderPdf: renderPool.renderPdf,
    }),
    jobs: [
      {
        name: 'receipt-delivery',
        everyMs: RECEIPT_DELIVERY_EVERY_MS,
        run: async () => {
          const { enqueued, deferred } = await delivery.run();
          // Not a fault: the render pool was full; the rest goes out on the next run.
          if (deferred)
            logger.warn(
              { enqueued },
              'receipt delivery: render pool busy, the rest waits for the next run',
            );
        },
      },
    ],
  };
}
