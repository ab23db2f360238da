import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createAppealsFeature } from './bot';
import { APPEAL_CONVERSATION, createAppealConversation } from './conversations';

/** How often overdue appeals are flagged and the morning summary is considered. */
const OVERDUE_EVERY_MS = 10 * 60_000;

/** Appeals (обращения): write one, follow its status, get the staff's answer. */
export function appealsFeature({ config, services, kit }: FeatureDeps): Feature {
  return {
    name: 'appeals',
    conversations: [
      {
        id: APPEAL_CONVERSATION,
        build: createAppealConversation({
          accounts: services.accounts,
          appeals: services.appeals,
          kit,
          timeZone: config.timeZone,
        }),
      },
    ],
    commands: createAppealsFeature({
      appeals: services.appeals,
      timeZone: config.timeZone,
    }),
    jobs: [
      {
        name: 'appeals-overdue',
        everyMs: OVERDUE_EVERY_MS,
        run: async () => {
          await services.appeals.flagOverdue();
          await services.appeals.dailySummary();
        },
      },
    ],
  };
}
