import type { Feature } from '../../core/feature';
import type { FeatureDeps } from '../../services';
import { createHelpFeature } from './bot';

/** `/start`, `/help` and `/chatid`: what the bot can do, for residents, guests and staff. */
export function helpFeature({ config }: FeatureDeps): Feature {
  return { name: 'help', commands: createHelpFeature({ config }) };
}
