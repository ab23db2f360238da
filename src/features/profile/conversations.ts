import type { ConversationKit, Verdict } from '../../core/conversation-kit/index';
import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import { formatPhone } from '../../core/format';
import { isLocale, type Locale } from '../../core/i18n';
import { codeKeyboard, resendPattern } from '../auth/keyboards';
import { minutesToWait, normalizeEmail, parseCode } from '../auth/rules';
import { type EditableField, phoneKeyboard, profileKeyboard, profileText } from './keyboards';
import type { Actor, ProfileService } from './service';

export const PROFILE_EDIT_CONVERSATION = 'profile-edit';
export const PROFILE_EMAIL_CONVERSATION = 'profile-email';
export const PROFILE_PASSWORD_CONVERSATION = 'profile-password';

export interface ProfileConversationDeps {
  profile: ProfileService;
  kit: ConversationKit;
  /** Tells Telegram users whose session ended (in their language) why; `key` is the text. */
  notifySessionEnded: (telegramUserIds: number[], key: string) => Promise<void>;
}

type Ctx = ConversationContext;

async function localeOf(ctx: Ctx): Promise<Locale> {
  const locale = await ctx.i18n.getLocale();
  return isLocale(locale) ? locale : 'ru';
}

/** The logged-in cabinet of the conversation's user, or a "log in first" answer. */
async function actorOf(
  conversation: BotConversation,
  ctx: Ctx,
  deps: ProfileConversationDeps,
): Promise<Actor | undefined> {
  return deps.kit.resident(conversation, ctx, 'profile-login-first');
}

/** The flow's last words with the main menu, then the updated card with its buttons. */
async function finishWithCard(
  conversation: BotConversation,
  ctx: Ctx,
  deps: ProfileConversationDeps,
  userId: number,
  text: string,
) {
  await deps.kit.finish(conversation, ctx, text);
  const profile = await conversation.external(() => deps.profile.profile(userId));
  if (profile) await ctx.reply(profileText(ctx, profile), { reply_markup: profileKeyboard(ctx) });
}

const PROMPTS: Partial<Record<EditableField, string>> = {
  name: 'profile-ask-name',
  phone: 'profile-ask-phone',
  address: 'profile-ask-address',
};

/** ФИО, phone (typed or shared) and address: ask, validate and save (one bound), show the card. */
export function createProfileEditConversation(deps: ProfileConversationDeps) {
  return async function profileEditConversation(
    conversation: BotConversation,
    ctx: Ctx,
    field: EditableField,
  ): Promise<void> {
    const prompt = PROMPTS[field];
    if (!prompt) return;
    const actor = await actorOf(conversation, ctx, deps);
    if (!actor) return;
    type Typed =
      | { kind: 'text'; text: string }
      | { kind: 'contact'; phone: string; userId?: number };
    const saved = await deps.kit.ask<Typed, string>(conversation, ctx, {
      prompt: ctx.t(prompt),
      ...(field === 'phone' ? { markup: phoneKeyboard(ctx) } : {}),
      otherwise: { key: 'profile-text-expected' },
      parse: (input) => {
        if (input.kind === 'contact' && field === 'phone')
          return {
            ok: true,
            value: { kind: 'contact', phone: input.phoneNumber, userId: input.userId },
          };
        if (input.kind === 'text') return { ok: true, value: { kind: 'text', text: input.text } };
        return { ok: false, say: { key: 'profile-text-expected' } };
      },
      check: async (typed): Promise<Verdict<string>> => {
        if (field === 'phone') {
          const result =
            typed.kind === 'contact'
              ? await deps.profile.setPhoneFromContact(actor, {
                  phoneNumber: typed.phone,
                  contactUserId: typed.userId,
                })
              : await deps.profile.setPhone(actor, typed.text);
          if (result.ok) return { ok: true, value: result.value };
          return {
            ok: false,
            say: {
              key:
                result.reason === 'foreign-contact'
                  ? 'profile-phone-foreign'
                  : 'profile-phone-invalid',
            },
          };
        }
        if (typed.kind !== 'text') return { ok: false, say: { key: 'profile-text-expected' } };
        const result =
          field === 'name'
            ? await deps.profile.setFullName(actor, typed.text)
            : await deps.profile.setAddress(actor, typed.text);
        return result.ok
          ? { ok: true, value: '' }
          : { ok: false, say: { key: `profile-${field}-${result.reason}` } };
      },
    });
    if (!saved) return;
    const text =
      field === 'phone'
        ? saved.ctx.t('profile-phone-saved', { phone: formatPhone(saved.value) })
        : saved.ctx.t(`profile-${field}-saved`);
    await finishWithCard(conversation, saved.ctx, deps, actor.userId, text);
  };
}

/**
 * The current password, asked as a secret (deleted at once, never stored): the step before
 * changing the password or the e-mail — both hand the cabinet to whoever holds the phone.
 * Wrong passwords count against the same limit as logins; at the limit the flow ends.
 */
async function askCurrentPassword(
  conversation: BotConversation,
  ctx: Ctx,
  deps: ProfileConversationDeps,
  actor: Actor,
) {
  return deps.kit.askSecret(conversation, ctx, {
    prompt: ctx.t('profile-ask-current-password'),
    check: async (password): Promise<Verdict<true>> => {
      const check = await deps.profile.checkCurrentPassword(actor, password);
      if (check.kind === 'ok') return { ok: true, value: true };
      if (check.kind === 'limited')
        return {
          ok: false,
          final: true,
          say: {
            key: 'profile-password-limited',
            vars: { minutes: minutesToWait(check.retryAfterMs) },
          },
        };
      return { ok: false, say: { key: 'profile-password-wrong' } };
    },
  });
}

/**
 * A new e-mail: the current password first (as for a new password: the e-mail is how the
 * cabinet is recovered), then the code goes to the new address, the old one is told after.
 */
export function createProfileEmailConversation(deps: ProfileConversationDeps) {
  const { kit } = deps;
  return async function profileEmailConversation(conversation: BotConversation, start: Ctx) {
    const actor = await actorOf(conversation, start, deps);
    if (!actor) return;
    const locale = await localeOf(start);
    const password = await askCurrentPassword(conversation, start, deps, actor);
    if (!password) return;
    const ctx = password.ctx;
    const started = await kit.ask<string, string>(conversation, ctx, {
      prompt: ctx.t('profile-ask-email'),
      otherwise: { key: 'profile-text-expected' },
      check: async (typed): Promise<Verdict<string>> => {
        const result = await deps.profile.startEmailChange(actor, typed, locale);
        switch (result.kind) {
          case 'sent':
            return { ok: true, value: normalizeEmail(typed) ?? typed };
          case 'limited':
            return {
              ok: false,
              final: true,
              say: {
                key: 'profile-email-limited',
                vars: { minutes: minutesToWait(result.retryAfterMs) },
              },
            };
          case 'wait':
            return {
              ok: false,
              say: {
                key: 'profile-email-wait',
                vars: { seconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) },
              },
            };
          default:
            return { ok: false, say: { key: `profile-email-${result.kind}` } };
        }
      },
    });
    if (!started) return;
    const at = started.ctx;
    // The code is a secret: deleted from the chat, never in the conversation's stored updates.
    // «Отправить код ещё раз», as registration and recovery offer, with the same wait.
    const confirmed = await kit.askSecret(conversation, at, {
      prompt: at.t('profile-email-code-sent', { email: started.value }),
      markup: codeKeyboard(at),
      otherwise: { key: 'profile-code-format' },
      actions: [
        {
          pattern: resendPattern,
          run: async (here) => {
            const resent = await conversation.external(() =>
              deps.profile.resendEmailCode(actor, locale),
            );
            const text =
              resent.kind === 'wait'
                ? here.t('auth-code-resend-wait', {
                    seconds: Math.max(1, Math.ceil(resent.retryAfterMs / 1000)),
                  })
                : resent.kind === 'limited'
                  ? here.t('profile-email-limited', {
                      minutes: minutesToWait(resent.retryAfterMs),
                    })
                  : resent.kind === 'none'
                    ? here.t('profile-code-expired')
                    : here.t('auth-code-resent');
            await here.reply(text, { reply_markup: codeKeyboard(here) });
          },
        },
      ],
      check: async (typed): Promise<Verdict<string>> => {
        const code = parseCode(typed);
        if (!code) return { ok: false, say: { key: 'profile-code-format' } };
        const result = await deps.profile.confirmEmailChange(actor, code, locale);
        if (result.kind === 'ok') return { ok: true, value: result.email };
        if (result.kind === 'wrong')
          return {
            ok: false,
            say: { key: 'profile-code-wrong', vars: { left: result.attemptsLeft } },
          };
        return { ok: false, final: true, say: { key: `profile-code-${result.kind}` } };
      },
    });
    if (!confirmed) return;
    await finishWithCard(
      conversation,
      confirmed.ctx,
      deps,
      actor.userId,
      confirmed.ctx.t('profile-email-saved', { email: confirmed.value }),
    );
  };
}

/** Changing the password: the current one first, then the new one twice (AUTH's policy). */
export function createProfilePasswordConversation(deps: ProfileConversationDeps) {
  const { kit } = deps;
  return async function profilePasswordConversation(conversation: BotConversation, ctx: Ctx) {
    const actor = await actorOf(conversation, ctx, deps);
    if (!actor) return;
    const locale = await localeOf(ctx);
    const current = await askCurrentPassword(conversation, ctx, deps, actor);
    if (!current) return;
    const draft = await kit.askSecret(conversation, current.ctx, {
      prompt: current.ctx.t('auth-password-new'),
      check: async (password): Promise<Verdict<string>> => {
        const verdict = await deps.profile.draftNewPassword(actor, password);
        return verdict.ok
          ? { ok: true, value: verdict.draftId }
          : { ok: false, say: { key: `auth-password-${verdict.reason}` } };
      },
    });
    if (!draft) return;
    const draftId = draft.value;
    const same = await kit.askSecret(conversation, draft.ctx, {
      prompt: draft.ctx.t('auth-password-again'),
      check: async (password): Promise<Verdict<true>> =>
        (await deps.profile.confirmNewPassword(draftId, password))
          ? { ok: true, value: true }
          : { ok: false, say: { key: 'auth-password-mismatch' } },
    });
    if (!same) return;
    const { loggedOut } = await conversation.external(() =>
      deps.profile.applyNewPassword(actor, draftId, locale),
    );
    await conversation.external(() => deps.notifySessionEnded(loggedOut, 'auth-session-ended'));
    await finishWithCard(
      conversation,
      same.ctx,
      deps,
      actor.userId,
      same.ctx.t('profile-password-saved'),
    );
  };
}

/** Enters the conversation that edits `field`. */
export function enterProfileEdit(ctx: BotContext, field: EditableField): Promise<void> {
  if (field === 'email') return ctx.conversation.enter(PROFILE_EMAIL_CONVERSATION);
  if (field === 'password') return ctx.conversation.enter(PROFILE_PASSWORD_CONVERSATION);
  return ctx.conversation.enter(PROFILE_EDIT_CONVERSATION, field);
}
