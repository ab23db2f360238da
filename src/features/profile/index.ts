import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createProfileFeature } from './bot';
import {
  createProfileEditConversation,
  createProfileEmailConversation,
  createProfilePasswordConversation,
  PROFILE_EDIT_CONVERSATION,
  PROFILE_EMAIL_CONVERSATION,
  PROFILE_PASSWORD_CONVERSATION,
} from './conversations';

/** `/profile` and `/security`: registration data, e-mail, password, sessions. */
export function profileFeature({ config, services, kit }: FeatureDeps): Feature {
  const notifySessionEnded = (telegramUserIds: number[], key: string) =>
    services.sessionEnded.notify(telegramUserIds, key);
  const deps = { profile: services.profile, kit, notifySessionEnded };
  return {
    name: 'profile',
    conversations: [
      { id: PROFILE_EDIT_CONVERSATION, build: createProfileEditConversation(deps) },
      { id: PROFILE_EMAIL_CONVERSATION, build: createProfileEmailConversation(deps) },
      { id: PROFILE_PASSWORD_CONVERSATION, build: createProfilePasswordConversation(deps) },
    ],
    commands: createProfileFeature({
      profile: services.profile,
      languages: services.languages,
      timeZone: config.timeZone,
      notifySessionEnded,
      kit,
    }),
  };
}
