import type { ConversationKit, Verdict } from '../../../core/conversation-kit/index';
import type { BotContext, BotConversation, ConversationContext } from '../../../core/context';
import { rightsPatterns, withdrawStepOneKeyboard, withdrawStepTwoKeyboard } from './keyboards';
import type { RightsService } from './service';

export const WITHDRAW_CONVERSATION = 'withdraw';
/** Withdrawal confirmations wait this long; an older one is refused and the resident starts again. */
export const WITHDRAW_IDLE_MS = 10 * 60 * 1000;

export interface WithdrawConversationDeps {
  rights: RightsService;
  kit: ConversationKit;
  notifySessionEnded: (telegramUserIds: number[], key: string) => Promise<void>;
}

type Step = 'go' | 'keep';

/**
 * Withdrawal of consent (152-ФЗ ст. 9 ч. 2), two confirmations enforced on the server: the erase
 * runs only at the end of this conversation, after step one and step two were answered in order.
 * A forged or out-of-order «erase» ends the flow with "the confirmation is no longer valid"; the
 * same button outside the flow is refused by the rights feature.
 */
export function createWithdrawConversation(deps: WithdrawConversationDeps) {
  const { kit } = deps;
  const step = (go: RegExp, outOfOrder: RegExp[]) => (input: { kind: string; data?: string }) => {
    const data = input.kind === 'button' ? (input.data ?? '') : '';
    if (go.test(data)) return { ok: true, value: 'go' } as Verdict<Step>;
    if (rightsPatterns.keep.test(data)) return { ok: true, value: 'keep' } as Verdict<Step>;
    if (outOfOrder.some((pattern) => pattern.test(data)))
      return { ok: false, final: true, say: { key: 'rights-withdraw-expired' } } as Verdict<Step>;
    return { ok: false, say: { key: 'kit-choose-button' } } as Verdict<Step>;
  };
  return async function withdrawConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
  ): Promise<void> {
    const resident = await kit.resident(conversation, ctx, 'profile-login-first');
    if (!resident) return;
    const { telegramUserId } = resident;
    const user = { id: resident.userId };
    const first = await kit.ask<Step>(conversation, ctx, {
      prompt: ctx.t('rights-withdraw-step1'),
      markup: withdrawStepOneKeyboard(ctx),
      buttons: [rightsPatterns.continue, rightsPatterns.keep, rightsPatterns.erase],
      repeatPrompt: true,
      parse: step(rightsPatterns.continue, [rightsPatterns.erase]),
    });
    if (!first) return;
    if (first.value === 'keep') {
      await kit.finish(conversation, first.ctx, first.ctx.t('rights-withdraw-kept'));
      return;
    }
    const second = await kit.ask<Step>(conversation, first.ctx, {
      prompt: first.ctx.t('rights-withdraw-step2'),
      markup: withdrawStepTwoKeyboard(first.ctx),
      buttons: [rightsPatterns.erase, rightsPatterns.keep, rightsPatterns.continue],
      repeatPrompt: true,
      parse: step(rightsPatterns.erase, []),
    });
    if (!second) return;
    const at = second.ctx;
    if (second.value === 'keep') {
      await kit.finish(conversation, at, at.t('rights-withdraw-kept'));
      return;
    }
    const report = await conversation.external(() => deps.rights.withdraw(user.id, telegramUserId));
    await conversation.external(() =>
      deps.notifySessionEnded(report.others, 'rights-session-ended'),
    );
    await kit.finish(
      conversation,
      at,
      at.t('rights-withdraw-done', {
        sessions: report.sessions,
        accounts: report.accountsUnlinked,
        readings: report.readingsKept,
      }),
      { who: 'guest' },
    );
  };
}

export function enterWithdraw(ctx: BotContext) {
  return ctx.conversation.enter(WITHDRAW_CONVERSATION);
}
