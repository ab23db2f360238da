import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createAuthFeature } from './bot';
import {
  createLoginConversation,
  createRecoverConversation,
  createRegisterConversation,
  LOGIN_CONVERSATION,
  RECOVER_CONVERSATION,
  REGISTER_CONVERSATION,
} from './conversations';

/** Registration, login, recovery and logout (`/register`, `/login`, `/recover`, `/logout`). */
export function authFeature({ services, kit, showMenu }: FeatureDeps): Feature {
  const deps = {
    auth: services.auth,
    consents: services.consents,
    kit,
    notifyLoggedOut: (telegramUserId: number) =>
      services.sessionEnded.notify([telegramUserId], 'auth-session-ended'),
  };
  return {
    name: 'auth',
    conversations: [
      { id: REGISTER_CONVERSATION, build: createRegisterConversation(deps) },
      { id: LOGIN_CONVERSATION, build: createLoginConversation(deps) },
      { id: RECOVER_CONVERSATION, build: createRecoverConversation(deps) },
    ],
    commands: createAuthFeature({ auth: services.auth, afterLogout: showMenu }),
  };
}
