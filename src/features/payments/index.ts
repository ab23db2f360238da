import { KIT_CANCEL } from '../../core/conversation-kit/index';
import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createPaymentsFeature, createPaymentUpdates } from './bot';
import { createPayAmountConversation, PAY_AMOUNT_CONVERSATION } from './conversations';
import { qrPayeeOverBudget } from './rules';
import { payeeOf } from './service';

/**
 * `/pay`: Telegram Payments invoices and the ГОСТ Р 56042-2014 QR. Successful payments are
 * recorded before any flow sees the update (a payment arriving mid-flow is not lost).
 */
export function paymentsFeature({ config, logger, services, kit }: FeatureDeps): Feature {
  const overrun = qrPayeeOverBudget(payeeOf(config.operator), config.payments.qrMaxBytes);
  if (overrun > 0)
    logger.warn(
      { bytes: overrun, limit: config.payments.qrMaxBytes },
      'payment QR: the operator requisites exceed the ГОСТ Р 56042-2014 budget; the purpose and payer fields are left out',
    );
  const payDeps = {
    payments: services.payments,
    providerToken: config.paymentProviderToken,
    fiscal: config.payments.fiscal,
    cancelData: KIT_CANCEL,
    kit,
  };
  return {
    name: 'payments',
    beforeFlows: createPaymentUpdates(services.payments),
    conversations: [{ id: PAY_AMOUNT_CONVERSATION, build: createPayAmountConversation(payDeps) }],
    commands: createPaymentsFeature({ ...payDeps, accounts: services.accounts }),
  };
}
