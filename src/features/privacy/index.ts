import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createConsentGate } from './bot';
import { createRightsFeature } from './rights/bot';
import {
  createWithdrawConversation,
  WITHDRAW_CONVERSATION,
  WITHDRAW_IDLE_MS,
} from './rights/conversations';

/**
 * 152-ФЗ: the consent gate in front of registration, and the resident's rights (`/privacy`,
 * `/mydata`, withdrawal of consent).
 */
export function privacyFeature({ config, services, kit, renderPool }: FeatureDeps): Feature {
  return {
    name: 'privacy',
    conversations: [
      {
        id: WITHDRAW_CONVERSATION,
        build: createWithdrawConversation({
          rights: services.rights,
          kit,
          notifySessionEnded: (telegramUserIds, key) =>
            services.sessionEnded.notify(telegramUserIds, key),
        }),
        idleMs: WITHDRAW_IDLE_MS,
      },
    ],
    gate: createConsentGate({ consents: services.consents }),
    commands: createRightsFeature({
      rights: services.rights,
      timeZone: config.timeZone,
      renderPdf: renderPool.renderPdf,
    }),
  };
}
