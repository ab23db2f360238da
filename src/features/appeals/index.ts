import type { BotConversation, ConversationContext } from '../../core/context';
import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import type { ReplacedMeter } from '../readings/rules';
import { createAppealsFeature } from './bot';
import {
  APPEAL_ANSWER_CONVERSATION,
  APPEAL_CONVERSATION,
  createAppealAnswerConversation,
  createAppealConversation,
} from './conversations';

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
      {
        id: APPEAL_ANSWER_CONVERSATION,
        build: createAppealAnswerConversation({ appeals: services.appeals, kit }),
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
          // Appeals filed while no admin chat was configured get their cards once it is known.
          await services.appeals.postMissingCards();
          await services.appeals.flagOverdue();
          await services.appeals.dailySummary();
        },
      },
    ],
  };
}

/**
 * «Счётчик заменили?» inside /reading: the appeal about a replaced meter, run as a step of the
 * reading flow itself, so the refused value and the serial come from that flow's server-side
 * state (a button carries nothing but the press). Asks the new serial and a photo of the act or
 * the meter, then files the appeal with the account.
 */
export function meterReplacementFlow({ config, services, kit }: FeatureDeps) {
  const appeal = createAppealConversation({
    accounts: services.accounts,
    appeals: services.appeals,
    kit,
    timeZone: config.timeZone,
  });
  return (conversation: BotConversation, ctx: ConversationContext, replaced: ReplacedMeter) =>
    appeal(conversation, ctx, { replacement: replaced });
}
