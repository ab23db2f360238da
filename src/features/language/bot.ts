import { Composer } from 'grammy';
import type { BotContext } from '../../core/context';
import { enterLanguage } from './conversations';

/** /language in private chats. The conversation itself is registered in the app. */
export function createLanguageFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.chatType('private').command('language', enterLanguage);
  return feature;
}
