import { KIT_CANCEL } from '../../core/conversation-kit/index';
import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createPaymentsFeature, createPaymentUpdates } from './bot';
import { createPayAmountConversation, PAY_AMOUNT_CONVERSATION } from './conversations';
import { qrPayeeBytes, qrPayeeOverBudget } from './rules';
import { payeeOf } from './service';

/**
 * `/pay`: Telegram Payments invoices and the ГОСТ Р 56042-2014 QR. Successful payments are
 * recorded before any flow sees the update (a payment arriving mid-flow is not lost).
 */
export function paymentsFeature({ config, logger, services, kit }: FeatureDeps): Feature {
  // Not a count of the whole payload: the requisites alone, in UTF-8 bytes (Cyrillic takes 2), and
  // by how much they are over — the purpose and payer fields only get the room left.
  const payee = payeeOf(config.operator);
  const overBytes = qrPayeeOverBudget(payee, config.payments.qrMaxBytes);
  if (overBytes > 0)
    logger.warn(
      { payeeBytes: qrPayeeBytes(payee), overBytes, limitBytes: config.payments.qrMaxBytes },
      'payment QR: the operator requisites alone (OPERATOR_NAME, OPERATOR_BANK and the account numbers, UTF-8) exceed the ГОСТ Р 56042-2014 budget, so the purpose and payer fields are left out; shorten the names or raise PAYMENT_QR_MAX_BYTES',
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
