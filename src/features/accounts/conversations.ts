import type { ConversationKit, Verdict } from '../../core/conversation-kit/index';
import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import { linkedKeyboard } from './keyboards';
import { minutesFrom, normalizeAccountNumber } from './rules';
import type { AccountsService } from './service';

export const LINK_CONVERSATION = 'link-account';

/** Rounds of number + proof in one sitting; the service's attempt limits are the real bound. */
const LINK_ROUNDS = 3;

export interface LinkConversationDeps {
  accounts: AccountsService;
  kit: ConversationKit;
  operatorPhone: string;
}

type Ctx = ConversationContext;

/** What a linking attempt ended with, as stored in the conversation (no proof in it). */
type LinkOutcome =
  | { kind: 'linked' | 'already-linked'; number: string; accountId: number }
  | { kind: 'invalid' | 'bad-number' };

/**
 * /link: the account number, then the proof (a meter serial or the last charge, as configured).
 * A wrong pair is answered the same way whichever half was wrong; the service counts and limits
 * attempts, this only bounds one sitting.
 */
export function createLinkConversation(deps: LinkConversationDeps) {
  return async function linkAccountConversation(
    conversation: BotConversation,
    ctx: Ctx,
  ): Promise<void> {
    const resident = await deps.kit.resident(conversation, ctx, 'accounts-login-first');
    if (!resident) return;
    const { telegramUserId } = resident;
    const user = { id: resident.userId };
    const { kit } = deps;
    const proofPrompt = `accounts-link-ask-proof-${deps.accounts.proofPolicy}`;
    let at = ctx;
    for (let round = 0; round < LINK_ROUNDS; round++) {
      const number = await kit.ask(conversation, at, {
        prompt: at.t('accounts-link-ask-number'),
        otherwise: { key: 'accounts-link-text-only' },
        parse: (input) => {
          if (input.kind !== 'text') return { ok: false, say: { key: 'accounts-link-text-only' } };
          const value = normalizeAccountNumber(input.text);
          return value
            ? { ok: true, value }
            : { ok: false, say: { key: 'accounts-link-number-invalid' } };
        },
      });
      if (!number) return;
      // The proof (meter serial or last charge) is a secret: deleted from the chat, checked inside
      // `external`, never in the conversation's stored updates; only the outcome is kept.
      const linked = await kit.askSecret(conversation, number.ctx, {
        prompt: number.ctx.t(proofPrompt),
        otherwise: { key: 'accounts-link-text-only' },
        check: async (proof): Promise<Verdict<LinkOutcome>> => {
          if (proof.trim().length === 0)
            return { ok: false, say: { key: 'accounts-link-text-only' } };
          const result = await deps.accounts.linkAccount(user.id, telegramUserId, {
            number: number.value,
            proof: proof.trim(),
          });
          switch (result.kind) {
            case 'linked':
            case 'already-linked':
              return {
                ok: true,
                value: {
                  kind: result.kind as 'linked' | 'already-linked',
                  number: result.account.number,
                  accountId: result.account.id,
                },
              };
            case 'limited':
              return {
                ok: false,
                final: true,
                say: {
                  key: 'accounts-link-limited',
                  vars: { minutes: minutesFrom(result.retryAfterMs), phone: deps.operatorPhone },
                },
              };
            case 'busy':
              return { ok: false, final: true, say: { key: 'accounts-link-busy' } };
            case 'invalid':
              if (result.retryAfterMs !== undefined)
                return {
                  ok: false,
                  final: true,
                  say: {
                    key: 'accounts-link-invalid-last',
                    vars: { minutes: minutesFrom(result.retryAfterMs) },
                  },
                };
              return { ok: true, value: { kind: 'invalid' } };
            case 'bad-number':
              return { ok: true, value: { kind: 'bad-number' } };
          }
        },
      });
      if (!linked) return;
      at = linked.ctx;
      const outcome = linked.value;
      if (outcome.kind === 'linked' || outcome.kind === 'already-linked') {
        await kit.finish(
          conversation,
          at,
          at.t(outcome.kind === 'linked' ? 'accounts-link-done' : 'accounts-link-already', {
            number: outcome.number,
          }),
          { markup: linkedKeyboard(at, outcome.accountId) },
        );
        return;
      }
      await at.reply(
        at.t(outcome.kind === 'invalid' ? 'accounts-link-invalid' : 'accounts-link-number-invalid'),
      );
    }
    await kit.finish(conversation, at, at.t('accounts-link-too-many-tries'));
  };
}

export function enterLinkAccount(ctx: BotContext) {
  return ctx.conversation.enter(LINK_CONVERSATION);
}
