import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createBalanceFeature } from './bot';

/** `/balance`: debt or advance, history by month, the consumption chart. */
export function balanceFeature({ services, renderPool }: FeatureDeps): Feature {
  return {
    name: 'balance',
    commands: createBalanceFeature({
      balance: services.balance,
      renderPool,
    }),
  };
}
