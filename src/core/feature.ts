import { type ConversationBuilder, createConversation } from '@grammyjs/conversations';
import type { Composer, Middleware } from 'grammy';
import { FLOW_IDLE_MS } from './conversation-kit/index';
import type { BotContext, ConversationContext } from './context';

/** One conversation a feature brings: the id it is entered by, and its builder. */
export interface FeatureConversation {
  id: string;
  build: ConversationBuilder<BotContext, ConversationContext>;
  /** No answer this long ends the flow (ms); default the kit's {@link FLOW_IDLE_MS}. */
  idleMs?: number;
}

/** Periodic work a feature owns, run by the scheduler (`core/scheduler.ts`) every `everyMs`. */
export interface FeatureJob {
  /** The scheduler's job name (its lease row): stable across releases. */
  name: string;
  everyMs: number;
  /** `now`: the scheduler's clock (an instant, UTC). */
  run: (now: Date) => Promise<void>;
}

/**
 * What a feature plugs into the app: one module per feature (`features/<name>/index.ts`), built
 * from the app's parts, listed in `app.ts`. The app installs every feature's parts stage by stage
 * ({@link FEATURE_STAGES}); within a stage, in the order the features are listed.
 */
export interface Feature {
  /** For logs and tests: the feature's folder name. */
  name: string;
  /**
   * Runs before any flow: updates that must be handled even while the person is inside a
   * conversation (a successful payment is recorded mid-flow).
   */
  beforeFlows?: Middleware<BotContext>;
  /** The feature's conversations (entered with `ctx.conversation.enter(id)`). */
  conversations?: readonly FeatureConversation[];
  /**
   * After the flows, before every feature's commands: a gate that may stop an update (the
   * personal-data consent before registration).
   */
  gate?: Middleware<BotContext>;
  /** Commands, buttons and callbacks. */
  commands?: Middleware<BotContext> | Composer<BotContext>;
  /** Last of all: what no feature handled (a hint and the menu, never silence). */
  unhandled?: Middleware<BotContext>;
  /** Periodic work (reminders, staff summaries, receipt delivery). */
  jobs?: readonly FeatureJob[];
}

/**
 * The order features' middleware runs in. Between `beforeFlows` and `conversations` the app puts
 * the conversations plugin, the secret-input swap and the exit path (a command leaves a flow).
 */
export const FEATURE_STAGES = [
  'beforeFlows',
  'conversations',
  'gate',
  'commands',
  'unhandled',
] as const;
export type FeatureStage = (typeof FEATURE_STAGES)[number];

/** Where features are installed: a bot or a composer. */
interface Installable {
  use(...middleware: Middleware<BotContext>[]): unknown;
}

/**
 * Installs one stage of every feature, in list order. Conversations are installed with their
 * idle timeout (default {@link FLOW_IDLE_MS}).
 */
export function installStage(
  target: Installable,
  features: readonly Feature[],
  stage: FeatureStage,
): void {
  for (const feature of features) {
    if (stage === 'conversations') {
      for (const { id, build, idleMs } of feature.conversations ?? []) {
        target.use(
          createConversation<BotContext, ConversationContext>(build, {
            id,
            maxMillisecondsToWait: idleMs ?? FLOW_IDLE_MS,
          }),
        );
      }
      continue;
    }
    const middleware = feature[stage];
    if (middleware) target.use(middleware);
  }
}

/** Every feature's periodic work, in list order. */
export function jobsOf(features: readonly Feature[]): FeatureJob[] {
  return features.flatMap((feature) => feature.jobs ?? []);
}
