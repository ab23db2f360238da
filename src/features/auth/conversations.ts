import type { ConversationKit, Input, Verdict } from '../../core/conversation-kit/index';
import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import { isLocale, type Locale } from '../../core/i18n';
import { splitForTelegram } from '../privacy/consent';
import type { ConsentService } from '../privacy/service';
import {
  codeKeyboard,
  consentAgreePattern,
  consentKeyboard,
  forgotPattern,
  loginEmailKeyboard,
  mainMenuKeyboard,
  resendPattern,
} from './keyboards';
import type { CodePurpose } from './repo';
import { minutesToWait, normalizeEmail, parseCode } from './rules';
import type { AuthService, CodeCheck } from './service';

export const REGISTER_CONVERSATION = 'register';
export const LOGIN_CONVERSATION = 'login';
export const RECOVER_CONVERSATION = 'recover';

/**
 * Login rounds (an e-mail and a password each). The real bound is the service's rate limiter
 * (5 failures per window); this only keeps one sitting finite.
 */
const LOGIN_ROUNDS = 6;

export interface AuthConversationDeps {
  auth: AuthService;
  consents: ConsentService;
  kit: ConversationKit;
  /** Tells a Telegram user (logged out by a recovery elsewhere) what happened, in their language. */
  notifyLoggedOut: (telegramUserId: number) => Promise<void>;
}

type Ctx = ConversationContext;

async function localeOf(ctx: Ctx): Promise<Locale> {
  const locale = await ctx.i18n.getLocale();
  return isLocale(locale) ? locale : 'ru';
}

function userIdOf(ctx: Ctx): number {
  if (!ctx.from) throw new Error('auth conversations run in private chats');
  return ctx.from.id;
}

/** An e-mail typed as text, normalised; the message key explaining a bad one. */
function parseEmail(input: Input): Verdict<string> {
  if (input.kind !== 'text') return { ok: false, say: { key: 'auth-email-text-only' } };
  const email = normalizeEmail(input.text);
  return email ? { ok: true, value: email } : { ok: false, say: { key: 'auth-email-invalid' } };
}

/**
 * A new password typed twice; returns the server-side draft id, never the password. A refused
 * password is asked again (the kit's bound); a mismatch asks for the repetition again.
 */
async function askNewPassword(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
  email: string,
): Promise<{ draftId: string; ctx: Ctx } | undefined> {
  const draft = await deps.kit.askSecret(conversation, ctx, {
    prompt: ctx.t('auth-password-new'),
    check: async (password) => {
      const verdict = await deps.auth.draftPassword(password, [email, ...email.split('@')]);
      return verdict.ok
        ? { ok: true, value: verdict.draftId }
        : { ok: false, say: { key: `auth-password-${verdict.reason}` } };
    },
  });
  if (!draft) return undefined;
  const draftId = draft.value;
  const same = await deps.kit.askSecret(conversation, draft.ctx, {
    prompt: draft.ctx.t('auth-password-again'),
    check: async (password) =>
      (await deps.auth.confirmDraft(draftId, password))
        ? { ok: true, value: draftId }
        : { ok: false, say: { key: 'auth-password-mismatch' } },
  });
  return same ? { draftId, ctx: same.ctx } : undefined;
}

/**
 * The mailed code, treated as a secret (deleted from the chat, never in conversation storage);
 * «send the code again» is answered in place.
 */
async function askCode(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
  prompt: string,
  resend: { ref: number | null; purpose: CodePurpose },
  check: (code: string) => Promise<CodeCheck>,
): Promise<Ctx | undefined> {
  const locale = await localeOf(ctx);
  const answer = await deps.kit.askSecret(conversation, ctx, {
    prompt,
    markup: codeKeyboard(ctx),
    otherwise: { key: 'auth-code-format' },
    actions: [
      {
        pattern: resendPattern,
        run: async (at) => {
          const resent = await conversation.external(() =>
            deps.auth.resendCode(resend.ref, resend.purpose, locale),
          );
          await at.reply(
            resent.kind === 'sent'
              ? at.t('auth-code-resent')
              : at.t('auth-code-resend-wait', {
                  seconds: Math.max(1, Math.ceil(resent.retryAfterMs / 1000)),
                }),
            { reply_markup: codeKeyboard(at) },
          );
        },
      },
    ],
    check: async (typed): Promise<Verdict<true>> => {
      const code = parseCode(typed);
      if (!code) return { ok: false, say: { key: 'auth-code-format' } };
      const result = await check(code);
      if (result.kind === 'ok') return { ok: true, value: true };
      if (result.kind === 'wrong')
        return { ok: false, say: { key: 'auth-code-wrong', vars: { left: result.attemptsLeft } } };
      return { ok: false, say: { key: `auth-code-${result.kind}` } };
    },
  });
  return answer?.ctx;
}

async function alreadyLoggedIn(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
): Promise<boolean> {
  if ((await deps.kit.who(conversation, ctx)) === 'guest') return false;
  await ctx.reply(ctx.t('auth-already-logged-in'), { reply_markup: mainMenuKeyboard(ctx) });
  return true;
}

/**
 * Registration: consent first (nothing personal is stored before «Согласен»), then e-mail,
 * password twice, and the code from the letter.
 */
export function createRegisterConversation(deps: AuthConversationDeps) {
  const { kit } = deps;
  return async function registerConversation(conversation: BotConversation, ctx: Ctx) {
    if (await alreadyLoggedIn(conversation, ctx, deps)) return;
    const locale = await localeOf(ctx);
    // The text is rendered from the template (deterministic), so replays show the same words.
    for (const part of splitForTelegram(deps.consents.current(locale).text)) await ctx.reply(part);
    const agreed = await kit.ask(conversation, ctx, {
      prompt: ctx.t('consent-ask'),
      markup: consentKeyboard(ctx),
      buttons: [consentAgreePattern],
      repeatPrompt: true,
      otherwise: { key: 'kit-choose-button' },
      parse: (input) =>
        input.kind === 'button'
          ? { ok: true, value: true }
          : { ok: false, say: { key: 'kit-choose-button' } },
    });
    if (!agreed) return;
    const at = agreed.ctx;
    const asked = await kit.ask(conversation, at, {
      prompt: at.t('auth-register-email'),
      parse: parseEmail,
    });
    if (!asked) return;
    const email = asked.value;
    const password = await askNewPassword(conversation, asked.ctx, deps, email);
    if (!password) return;
    const userId = userIdOf(at);
    const started = await conversation.external(() =>
      deps.auth.register({ email, draftId: password.draftId, locale, telegramUserId: userId }),
    );
    if (started.kind === 'limited') {
      await kit.finish(
        conversation,
        password.ctx,
        password.ctx.t('auth-limited', { minutes: minutesToWait(started.retryAfterMs) }),
      );
      return;
    }
    const confirmed = await askCode(
      conversation,
      password.ctx,
      deps,
      password.ctx.t('auth-register-code-sent', { email }),
      { ref: started.ref, purpose: 'verify_email' },
      (code) => deps.auth.confirmEmail({ ref: started.ref, code, telegramUserId: userId }),
    );
    if (!confirmed) return;
    await kit.finish(conversation, confirmed, confirmed.t('auth-registered'), { who: 'resident' });
  };
}

/** Password recovery, from /recover or the «Забыли пароль?» button of the login. */
async function recoveryFlow(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
): Promise<void> {
  const { kit } = deps;
  const asked = await kit.ask(conversation, ctx, {
    prompt: ctx.t('auth-recover-email'),
    parse: parseEmail,
  });
  if (!asked) return;
  const email = asked.value;
  const at = asked.ctx;
  const locale = await localeOf(at);
  const userId = userIdOf(at);
  const started = await conversation.external(() =>
    deps.auth.startRecovery({ email, telegramUserId: userId, locale }),
  );
  if (started.kind === 'limited') {
    await kit.finish(
      conversation,
      at,
      at.t('auth-limited', { minutes: minutesToWait(started.retryAfterMs) }),
    );
    return;
  }
  const ref = started.ref;
  const coded = await askCode(
    conversation,
    at,
    deps,
    at.t('auth-recover-code-sent', { email }),
    { ref, purpose: 'reset_password' },
    (code) => deps.auth.checkCode(ref, 'reset_password', code),
  );
  if (!coded || ref === null) return;
  const password = await askNewPassword(conversation, coded, deps, email);
  if (!password) return;
  const { loggedOut } = await conversation.external(() =>
    deps.auth.completeRecovery({ ref, draftId: password.draftId, telegramUserId: userId, locale }),
  );
  await conversation.external(async () => {
    for (const id of loggedOut) await deps.notifyLoggedOut(id);
  });
  await kit.finish(conversation, password.ctx, password.ctx.t('auth-recover-done'), {
    who: 'resident',
  });
}

export function createRecoverConversation(deps: AuthConversationDeps) {
  return async function recoverConversation(conversation: BotConversation, ctx: Ctx) {
    await recoveryFlow(conversation, ctx, deps);
  };
}

/** Login: e-mail and password; failures are limited and told as a wait in minutes. */
export function createLoginConversation(deps: AuthConversationDeps) {
  const { kit } = deps;
  return async function loginConversation(conversation: BotConversation, ctx: Ctx) {
    if (await alreadyLoggedIn(conversation, ctx, deps)) return;
    let prompt = ctx.t('auth-login-email');
    let at = ctx;
    for (let round = 0; round < LOGIN_ROUNDS; round++) {
      const asked = await kit.ask<string | { action: 'forgot' }>(conversation, at, {
        prompt,
        markup: loginEmailKeyboard(at),
        buttons: [forgotPattern],
        parse: (input) =>
          input.kind === 'button' ? { ok: true, value: { action: 'forgot' } } : parseEmail(input),
      });
      if (!asked) return;
      const email = asked.value;
      if (typeof email !== 'string') {
        await recoveryFlow(conversation, asked.ctx, deps);
        return;
      }
      const userId = userIdOf(asked.ctx);
      const result = await kit.askSecret(conversation, asked.ctx, {
        prompt: asked.ctx.t('auth-login-password'),
        // Only the outcome is stored (not the cabinet's data).
        check: async (password) => {
          const login = await deps.auth.login({ email, password, telegramUserId: userId });
          return {
            ok: true,
            value: login.kind === 'limited' ? login : { kind: login.kind, retryAfterMs: 0 },
          };
        },
      });
      if (!result) return;
      at = result.ctx;
      const outcome = result.value;
      if (outcome.kind === 'ok') {
        await kit.finish(conversation, at, at.t('auth-logged-in'), { who: 'resident' });
        return;
      }
      if (outcome.kind === 'limited') {
        await kit.finish(
          conversation,
          at,
          at.t('auth-limited', { minutes: minutesToWait(outcome.retryAfterMs) }),
        );
        return;
      }
      // Another attempt (a double tap, a second phone) is still being checked: no failure counted.
      if (outcome.kind === 'busy') {
        await kit.finish(conversation, at, at.t('auth-login-busy'));
        return;
      }
      prompt = at.t('auth-login-invalid');
    }
    await kit.finish(conversation, at, at.t('kit-too-many-tries'));
  };
}

export function enterRegister(ctx: BotContext) {
  return ctx.conversation.enter(REGISTER_CONVERSATION);
}
export function enterLogin(ctx: BotContext) {
  return ctx.conversation.enter(LOGIN_CONVERSATION);
}
export function enterRecover(ctx: BotContext) {
  return ctx.conversation.enter(RECOVER_CONVERSATION);
}
