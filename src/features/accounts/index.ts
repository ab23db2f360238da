import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createAccountsFeature } from './bot';
import { createLinkConversation, LINK_CONVERSATION } from './conversations';

/** `/accounts` and `/link`: linked personal accounts, the current one, linking with proof. */
export function accountsFeature({ config, services, kit }: FeatureDeps): Feature {
  return {
    name: 'accounts',
    conversations: [
      {
        id: LINK_CONVERSATION,
        build: createLinkConversation({
          accounts: services.accounts,
          kit,
          operatorPhone: config.operator.phone,
        }),
      },
    ],
    commands: createAccountsFeature({
      accounts: services.accounts,
      operatorPhone: config.operator.phone,
    }),
  };
}
