import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createLanguageFeature } from './bot';
import { createLanguageConversation, LANGUAGE_CONVERSATION } from './conversations';

/** `/language`: Русский / English, remembered per Telegram user. */
export function languageFeature({ services, kit }: FeatureDeps): Feature {
  return {
    name: 'language',
    conversations: [
      {
        id: LANGUAGE_CONVERSATION,
        build: createLanguageConversation(services.languages, kit),
      },
    ],
    commands: createLanguageFeature(),
  };
}
