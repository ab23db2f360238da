import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import { isLocale, type Locale } from '../../core/i18n';
import { type SecretInputGate, type SecretVault, secretFrom } from '../../core/secret-input';
import { splitForTelegram } from '../privacy/consent';
import type { ConsentService } from '../privacy/service';
import {
  cancelKeyboard,
  cancelPattern,
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
/** The conversations that wait for passwords (see `secretInput`). */
export const AUTH_CONVERSATIONS = [
  REGISTER_CONVERSATION,
  LOGIN_CONVERSATION,
  RECOVER_CONVERSATION,
] as const;

/** Bounds: no conversation loops for ever on bad input. */
const EMAIL_TRIES = 5;
const PASSWORD_ROUNDS = 5;
const CODE_STEPS = 12;
const LOGIN_ROUNDS = 6;

export interface AuthConversationDeps {
  auth: AuthService;
  consents: ConsentService;
  gate: SecretInputGate;
  vault: SecretVault;
  /** Tells a Telegram user (logged out by a recovery elsewhere) what happened, in their language. */
  notifyLoggedOut: (telegramUserId: number) => Promise<void>;
}

type Ctx = ConversationContext;

async function localeOf(ctx: Ctx): Promise<Locale> {
  const locale = await ctx.i18n.getLocale();
  return isLocale(locale) ? locale : 'ru';
}

function ids(ctx: Ctx): { chatId: number; userId: number } {
  if (!ctx.chat || !ctx.from) throw new Error('auth conversations run in private chats');
  return { chatId: ctx.chat.id, userId: ctx.from.id };
}

/** Answers a press of the conversation's own Cancel button. */
async function cancelled(ctx: Ctx): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => {});
  await ctx.reply(ctx.t('cancelled'));
}

/** Waits for an e-mail (or a button); returns the address, a pressed action, or undefined. */
async function askEmail(
  conversation: BotConversation,
  ctx: Ctx,
  prompt: string,
  keyboard = cancelKeyboard(ctx),
): Promise<{ email: string } | { action: 'forgot' } | undefined> {
  await ctx.reply(prompt, { reply_markup: keyboard });
  for (let i = 0; i < EMAIL_TRIES; i++) {
    const next = await conversation.wait();
    if (next.callbackQuery?.data && cancelPattern.test(next.callbackQuery.data)) {
      await cancelled(next);
      return undefined;
    }
    if (next.callbackQuery?.data && forgotPattern.test(next.callbackQuery.data)) {
      await next.answerCallbackQuery();
      return { action: 'forgot' };
    }
    if (next.callbackQuery) {
      await next.answerCallbackQuery();
      continue;
    }
    const text = next.message?.text;
    const email = text === undefined ? undefined : normalizeEmail(text);
    if (email) return { email };
    await next.reply(next.t(text === undefined ? 'auth-email-text-only' : 'auth-email-invalid'), {
      reply_markup: keyboard,
    });
  }
  await ctx.reply(ctx.t('auth-too-many-tries'));
  return undefined;
}

/**
 * Asks for a password and waits for it. The message itself never gets here: `secretInput`
 * deleted it and replaced the text with a vault token, which is what this returns.
 */
async function askSecret(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
  prompt: string,
): Promise<string | undefined> {
  const { chatId, userId } = ids(ctx);
  await ctx.reply(prompt, { reply_markup: cancelKeyboard(ctx) });
  for (let i = 0; i < EMAIL_TRIES; i++) {
    await conversation.external(() => deps.gate.expect(chatId, userId));
    const next = await conversation.wait();
    if (next.callbackQuery?.data && cancelPattern.test(next.callbackQuery.data)) {
      await cancelled(next);
      return undefined;
    }
    if (next.callbackQuery) await next.answerCallbackQuery();
    const secret = secretFrom(next.message?.text);
    if (secret !== undefined) return secret;
    await next.reply(next.t('auth-password-expected'), { reply_markup: cancelKeyboard(next) });
  }
  await ctx.reply(ctx.t('auth-too-many-tries'));
  return undefined;
}

/** A new password typed twice; returns the server-side draft id, never the password. */
async function askNewPassword(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
  email: string,
): Promise<string | undefined> {
  let prompt = ctx.t('auth-password-new');
  for (let round = 0; round < PASSWORD_ROUNDS; round++) {
    const first = await askSecret(conversation, ctx, deps, prompt);
    if (first === undefined) return undefined;
    const draft = await conversation.external(async () => {
      const password = deps.vault.take(first);
      if (password === undefined) return { ok: false as const, reason: 'lost' as const };
      return deps.auth.draftPassword(password, [email, ...email.split('@')]);
    });
    if (!draft.ok) {
      prompt = ctx.t(`auth-password-${draft.reason}`);
      continue;
    }
    const second = await askSecret(conversation, ctx, deps, ctx.t('auth-password-again'));
    if (second === undefined) return undefined;
    const same = await conversation.external(async () => {
      const password = deps.vault.take(second);
      return password !== undefined && deps.auth.confirmDraft(draft.draftId, password);
    });
    if (same) return draft.draftId;
    prompt = ctx.t('auth-password-mismatch');
  }
  await ctx.reply(ctx.t('auth-too-many-tries'));
  return undefined;
}

/** Waits for the mailed code (or a resend press); true once it is right. */
async function askCode(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
  ref: number | null,
  purpose: CodePurpose,
  check: (code: string) => Promise<CodeCheck>,
): Promise<boolean> {
  const locale = await localeOf(ctx);
  for (let step = 0; step < CODE_STEPS; step++) {
    const next = await conversation.wait();
    const data = next.callbackQuery?.data;
    if (data && cancelPattern.test(data)) {
      await cancelled(next);
      return false;
    }
    if (data && resendPattern.test(data)) {
      await next.answerCallbackQuery();
      const resent = await conversation.external(() => deps.auth.resendCode(ref, purpose, locale));
      await next.reply(
        resent.kind === 'sent'
          ? next.t('auth-code-resent')
          : next.t('auth-code-resend-wait', {
              seconds: Math.max(1, Math.ceil(resent.retryAfterMs / 1000)),
            }),
        { reply_markup: codeKeyboard(next) },
      );
      continue;
    }
    if (next.callbackQuery) {
      await next.answerCallbackQuery();
      continue;
    }
    const code = next.message?.text === undefined ? undefined : parseCode(next.message.text);
    if (!code) {
      await next.reply(next.t('auth-code-format'), { reply_markup: codeKeyboard(next) });
      continue;
    }
    const result = await conversation.external(() => check(code));
    if (result.kind === 'ok') return true;
    const text =
      result.kind === 'wrong'
        ? next.t('auth-code-wrong', { left: result.attemptsLeft })
        : next.t(`auth-code-${result.kind}`);
    await next.reply(text, { reply_markup: codeKeyboard(next) });
  }
  await ctx.reply(ctx.t('auth-too-many-tries'));
  return false;
}

async function alreadyLoggedIn(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
): Promise<boolean> {
  const { userId } = ids(ctx);
  const user = await conversation.external(() => deps.auth.currentUser(userId));
  if (!user) return false;
  await ctx.reply(ctx.t('auth-already-logged-in'), { reply_markup: mainMenuKeyboard(ctx) });
  return true;
}

/**
 * Registration: consent first (nothing personal is stored before «Согласен»), then e-mail,
 * password twice, and the code from the letter.
 */
export function createRegisterConversation(deps: AuthConversationDeps) {
  return async function registerConversation(conversation: BotConversation, ctx: Ctx) {
    if (await alreadyLoggedIn(conversation, ctx, deps)) return;
    const locale = await localeOf(ctx);
    // The text is rendered from the template (deterministic), so replays show the same words.
    for (const part of splitForTelegram(deps.consents.current(locale).text)) await ctx.reply(part);
    await ctx.reply(ctx.t('consent-ask'), { reply_markup: consentKeyboard(ctx) });
    const answer = await conversation.waitForCallbackQuery([consentAgreePattern, cancelPattern], {
      otherwise: (other) =>
        other.reply(other.t('consent-ask'), { reply_markup: consentKeyboard(other) }),
    });
    await answer.answerCallbackQuery();
    if (cancelPattern.test(answer.callbackQuery.data)) {
      await answer.reply(answer.t('cancelled'));
      return;
    }

    const asked = await askEmail(conversation, answer, answer.t('auth-register-email'));
    if (!asked || !('email' in asked)) return;
    const { email } = asked;
    const draftId = await askNewPassword(conversation, answer, deps, email);
    if (!draftId) return;
    const { userId } = ids(answer);
    const started = await conversation.external(() =>
      deps.auth.register({ email, draftId, locale, telegramUserId: userId }),
    );
    if (started.kind === 'limited') {
      await answer.reply(
        answer.t('auth-limited', { minutes: minutesToWait(started.retryAfterMs) }),
      );
      return;
    }
    await answer.reply(answer.t('auth-register-code-sent', { email }), {
      reply_markup: codeKeyboard(answer),
    });
    const confirmed = await askCode(
      conversation,
      answer,
      deps,
      started.ref,
      'verify_email',
      (code) => deps.auth.confirmEmail({ ref: started.ref, code, telegramUserId: userId }),
    );
    if (!confirmed) return;
    await answer.reply(answer.t('auth-registered'), { reply_markup: mainMenuKeyboard(answer) });
  };
}

/** Password recovery, from /recover or the «Забыли пароль?» button of the login. */
async function recoveryFlow(
  conversation: BotConversation,
  ctx: Ctx,
  deps: AuthConversationDeps,
): Promise<void> {
  const asked = await askEmail(conversation, ctx, ctx.t('auth-recover-email'));
  if (!asked || !('email' in asked)) return;
  const { email } = asked;
  const locale = await localeOf(ctx);
  const { userId } = ids(ctx);
  const started = await conversation.external(() =>
    deps.auth.startRecovery({ email, telegramUserId: userId, locale }),
  );
  if (started.kind === 'limited') {
    await ctx.reply(ctx.t('auth-limited', { minutes: minutesToWait(started.retryAfterMs) }));
    return;
  }
  await ctx.reply(ctx.t('auth-recover-code-sent', { email }), { reply_markup: codeKeyboard(ctx) });
  const ref = started.ref;
  const ok = await askCode(conversation, ctx, deps, ref, 'reset_password', (code) =>
    deps.auth.checkCode(ref, 'reset_password', code),
  );
  if (!ok || ref === null) return;
  const draftId = await askNewPassword(conversation, ctx, deps, email);
  if (!draftId) return;
  const { loggedOut } = await conversation.external(() =>
    deps.auth.completeRecovery({ ref, draftId, telegramUserId: userId, locale }),
  );
  await conversation.external(async () => {
    for (const id of loggedOut) await deps.notifyLoggedOut(id);
  });
  await ctx.reply(ctx.t('auth-recover-done'), { reply_markup: mainMenuKeyboard(ctx) });
}

export function createRecoverConversation(deps: AuthConversationDeps) {
  return async function recoverConversation(conversation: BotConversation, ctx: Ctx) {
    await recoveryFlow(conversation, ctx, deps);
  };
}

/** Login: e-mail and password; failures are limited and told as a wait in minutes. */
export function createLoginConversation(deps: AuthConversationDeps) {
  return async function loginConversation(conversation: BotConversation, ctx: Ctx) {
    if (await alreadyLoggedIn(conversation, ctx, deps)) return;
    let prompt = ctx.t('auth-login-email');
    for (let round = 0; round < LOGIN_ROUNDS; round++) {
      const asked = await askEmail(conversation, ctx, prompt, loginEmailKeyboard(ctx));
      if (!asked) return;
      if ('action' in asked) {
        await recoveryFlow(conversation, ctx, deps);
        return;
      }
      const token = await askSecret(conversation, ctx, deps, ctx.t('auth-login-password'));
      if (token === undefined) return;
      const { userId } = ids(ctx);
      const result = await conversation.external(async () => {
        const password = deps.vault.take(token) ?? '';
        return deps.auth.login({ email: asked.email, password, telegramUserId: userId });
      });
      if (result.kind === 'ok') {
        await ctx.reply(ctx.t('auth-logged-in'), { reply_markup: mainMenuKeyboard(ctx) });
        return;
      }
      if (result.kind === 'limited') {
        await ctx.reply(ctx.t('auth-limited', { minutes: minutesToWait(result.retryAfterMs) }));
        return;
      }
      prompt = ctx.t('auth-login-invalid');
    }
    await ctx.reply(ctx.t('auth-too-many-tries'));
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
