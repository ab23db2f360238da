import type { BotContext } from '../../core/context';
import type { Feature } from '../../core/feature';
import { guestKeyboard } from '../help/keyboards';
import { createUnhandledFeature } from './bot';

/** Last of all: anything no feature understood gets a short hint and the menu, never silence. */
export function unhandledFeature(): Feature {
  return {
    name: 'unhandled',
    unhandled: createUnhandledFeature({
      menu: async (ctx: BotContext) => (!(await ctx.resident()) ? guestKeyboard(ctx) : undefined),
    }),
  };
}
