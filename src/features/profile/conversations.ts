import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import { isLocale, type Locale } from '../../core/i18n';
import { type SecretInputGate, type SecretVault, secretFrom } from '../../core/secret-input';
import { minutesToWait, normalizeEmail, parseCode } from '../auth/rules';
import type { AuthService } from '../auth/service';
import {
  cancelKeyboard,
  type EditableField,
  phoneKeyboard,
  profileKeyboard,
  profileText,
} from './keyboards';
import type { Actor, ProfileService } from './service';

export const PROFILE_EDIT_CONVERSATION = 'profile-edit';
export const PROFILE_EMAIL_CONVERSATION = 'profile-email';
export const PROFILE_PASSWORD_CONVERSATION = 'profile-password';
/** The profile conversations that wait for passwords (see `secretInput`). */
export const PROFILE_SECRET_CONVERSATIONS = [PROFILE_PASSWORD_CONVERSATION] as const;

/** Bounds: no conversation loops for ever on bad input. */
const TRIES = 5;
const CODE_STEPS = 8;
const PASSWORD_ROUNDS = 3;

export interface ProfileConversationDeps {
  profile: ProfileService;
  auth: AuthService;
  gate: SecretInputGate;
  vault: SecretVault;
  /** Tells Telegram users whose session ended (in their language) why; `key` is the text. */
  notifySessionEnded: (telegramUserIds: number[], key: string) => Promise<void>;
}

type Ctx = ConversationContext;
type Input =
  | { kind: 'text'; text: string; ctx: Ctx }
  | { kind: 'contact'; phoneNumber: string; userId?: number; ctx: Ctx }
  | { kind: 'other'; ctx: Ctx };

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
  const telegramUserId = ctx.from?.id;
  if (telegramUserId === undefined) return undefined;
  const user = await conversation.external(() => deps.auth.currentUser(telegramUserId));
  if (!user) {
    await ctx.reply(ctx.t('profile-login-first'));
    return undefined;
  }
  return { userId: user.id, telegramUserId };
}

/**
 * The next thing the resident sends. A command or a button of another message leaves the
 * conversation and is handled as usual (the resident went elsewhere); the reply keyboard's
 * «Отмена» ends it here. Returns undefined when the conversation should stop.
 */
async function nextInput(conversation: BotConversation): Promise<Input | undefined> {
  const next = await conversation.wait();
  const message = next.message;
  const text = message?.text;
  if (next.callbackQuery || text?.startsWith('/')) return conversation.halt({ next: true });
  if (text !== undefined && text === next.t('button-cancel')) {
    await next.reply(next.t('profile-left'), { reply_markup: { remove_keyboard: true } });
    return undefined;
  }
  if (message?.contact) {
    return {
      kind: 'contact',
      phoneNumber: message.contact.phone_number,
      userId: message.contact.user_id,
      ctx: next,
    };
  }
  if (text !== undefined && !message?.forward_origin) return { kind: 'text', text, ctx: next };
  return { kind: 'other', ctx: next };
}

/** The updated card, so the resident sees the result and the way on. */
async function showCard(
  conversation: BotConversation,
  ctx: Ctx,
  deps: ProfileConversationDeps,
  userId: number,
) {
  const profile = await conversation.external(() => deps.profile.profile(userId));
  if (profile) await ctx.reply(profileText(ctx, profile), { reply_markup: profileKeyboard(ctx) });
}

/** ФИО, phone (typed or shared) and address: ask, validate, save, show the card. */
export function createProfileEditConversation(deps: ProfileConversationDeps) {
  return async function profileEditConversation(
    conversation: BotConversation,
    ctx: Ctx,
    field: EditableField,
  ): Promise<void> {
    const actor = await actorOf(conversation, ctx, deps);
    if (!actor) return;
    const keyboard = () => (field === 'phone' ? phoneKeyboard(ctx) : cancelKeyboard(ctx));
    const prompts: Partial<Record<EditableField, string>> = {
      name: 'profile-ask-name',
      phone: 'profile-ask-phone',
      address: 'profile-ask-address',
    };
    const prompt = prompts[field];
    if (!prompt) return;
    await ctx.reply(ctx.t(prompt), { reply_markup: keyboard() });
    for (let i = 0; i < TRIES; i++) {
      const input = await nextInput(conversation);
      if (!input) return;
      const at = input.ctx;
      let error: string | undefined;
      let saved: string | undefined;
      if (field === 'phone' && input.kind === 'contact') {
        const result = await conversation.external(() =>
          deps.profile.setPhoneFromContact(actor, {
            phoneNumber: input.phoneNumber,
            contactUserId: input.userId,
          }),
        );
        if (result.ok) saved = at.t('profile-phone-saved', { phone: result.value });
        else
          error =
            result.reason === 'foreign-contact' ? 'profile-phone-foreign' : 'profile-phone-invalid';
      } else if (input.kind === 'text') {
        const text = input.text;
        if (field === 'phone') {
          const result = await conversation.external(() => deps.profile.setPhone(actor, text));
          if (result.ok) saved = at.t('profile-phone-saved', { phone: result.value });
          else error = 'profile-phone-invalid';
        } else if (field === 'name') {
          const result = await conversation.external(() => deps.profile.setFullName(actor, text));
          if (result.ok) saved = at.t('profile-name-saved');
          else error = `profile-name-${result.reason}`;
        } else {
          const result = await conversation.external(() => deps.profile.setAddress(actor, text));
          if (result.ok) saved = at.t('profile-address-saved');
          else error = `profile-address-${result.reason}`;
        }
      } else {
        error = 'profile-text-expected';
      }
      if (saved !== undefined) {
        await at.reply(saved, { reply_markup: { remove_keyboard: true } });
        await showCard(conversation, at, deps, actor.userId);
        return;
      }
      await at.reply(at.t(error ?? 'profile-text-expected'), { reply_markup: keyboard() });
    }
    await ctx.reply(ctx.t('profile-too-many-tries'), { reply_markup: { remove_keyboard: true } });
  };
}

/** A new e-mail: the code goes to the new address, the old one is told after the change. */
export function createProfileEmailConversation(deps: ProfileConversationDeps) {
  return async function profileEmailConversation(conversation: BotConversation, ctx: Ctx) {
    const actor = await actorOf(conversation, ctx, deps);
    if (!actor) return;
    const locale = await localeOf(ctx);
    await ctx.reply(ctx.t('profile-ask-email'), { reply_markup: cancelKeyboard(ctx) });
    let email: string | undefined;
    for (let i = 0; i < TRIES && email === undefined; i++) {
      const input = await nextInput(conversation);
      if (!input) return;
      const at = input.ctx;
      if (input.kind !== 'text') {
        await at.reply(at.t('profile-text-expected'), { reply_markup: cancelKeyboard(at) });
        continue;
      }
      const typed = input.text;
      const started = await conversation.external(() =>
        deps.profile.startEmailChange(actor, typed, locale),
      );
      switch (started.kind) {
        case 'sent':
          email = normalizeEmail(typed);
          await at.reply(at.t('profile-email-code-sent', { email: email ?? typed }), {
            reply_markup: cancelKeyboard(at),
          });
          break;
        case 'limited':
          await at.reply(
            at.t('profile-email-limited', { minutes: minutesToWait(started.retryAfterMs) }),
          );
          return;
        case 'wait':
          await at.reply(
            at.t('profile-email-wait', {
              seconds: Math.max(1, Math.ceil(started.retryAfterMs / 1000)),
            }),
            { reply_markup: cancelKeyboard(at) },
          );
          break;
        default:
          await at.reply(at.t(`profile-email-${started.kind}`), {
            reply_markup: cancelKeyboard(at),
          });
      }
    }
    if (email === undefined) {
      await ctx.reply(ctx.t('profile-too-many-tries'));
      return;
    }
    for (let step = 0; step < CODE_STEPS; step++) {
      const input = await nextInput(conversation);
      if (!input) return;
      const at = input.ctx;
      const code = input.kind === 'text' ? parseCode(input.text) : undefined;
      if (!code) {
        await at.reply(at.t('profile-code-format'), { reply_markup: cancelKeyboard(at) });
        continue;
      }
      const result = await conversation.external(() =>
        deps.profile.confirmEmailChange(actor, code, locale),
      );
      if (result.kind === 'ok') {
        await at.reply(at.t('profile-email-saved', { email: result.email }));
        await showCard(conversation, at, deps, actor.userId);
        return;
      }
      if (result.kind === 'wrong') {
        await at.reply(at.t('profile-code-wrong', { left: result.attemptsLeft }), {
          reply_markup: cancelKeyboard(at),
        });
        continue;
      }
      await at.reply(at.t(`profile-code-${result.kind}`));
      return;
    }
    await ctx.reply(ctx.t('profile-too-many-tries'));
  };
}

/**
 * Waits for a password. The message never gets here: `secretInput` deleted it and put a vault
 * token in its place, which is what this returns.
 */
async function askSecret(
  conversation: BotConversation,
  ctx: Ctx,
  deps: ProfileConversationDeps,
  prompt: string,
): Promise<string | undefined> {
  const chatId = ctx.chat?.id;
  const userId = ctx.from?.id;
  if (chatId === undefined || userId === undefined) return undefined;
  await ctx.reply(prompt, { reply_markup: cancelKeyboard(ctx) });
  for (let i = 0; i < TRIES; i++) {
    await conversation.external(() => deps.gate.expect(chatId, userId));
    const input = await nextInput(conversation);
    if (!input) return undefined;
    const secret = input.kind === 'text' ? secretFrom(input.text) : undefined;
    if (secret !== undefined) return secret;
    await input.ctx.reply(input.ctx.t('auth-password-expected'), {
      reply_markup: cancelKeyboard(ctx),
    });
  }
  await ctx.reply(ctx.t('profile-too-many-tries'));
  return undefined;
}

/** Changing the password: the current one first, then the new one twice (AUTH's policy). */
export function createProfilePasswordConversation(deps: ProfileConversationDeps) {
  return async function profilePasswordConversation(conversation: BotConversation, ctx: Ctx) {
    const actor = await actorOf(conversation, ctx, deps);
    if (!actor) return;
    const locale = await localeOf(ctx);
    let prompt = ctx.t('profile-ask-current-password');
    let verified = false;
    for (let i = 0; i < TRIES && !verified; i++) {
      const token = await askSecret(conversation, ctx, deps, prompt);
      if (token === undefined) return;
      const check = await conversation.external(async () =>
        deps.profile.checkCurrentPassword(actor, deps.vault.take(token) ?? ''),
      );
      if (check.kind === 'limited') {
        await ctx.reply(
          ctx.t('profile-password-limited', { minutes: minutesToWait(check.retryAfterMs) }),
        );
        return;
      }
      verified = check.kind === 'ok';
      prompt = ctx.t('profile-password-wrong');
    }
    if (!verified) return;
    prompt = ctx.t('auth-password-new');
    for (let round = 0; round < PASSWORD_ROUNDS; round++) {
      const first = await askSecret(conversation, ctx, deps, prompt);
      if (first === undefined) return;
      const draft = await conversation.external(async () => {
        const password = deps.vault.take(first);
        if (password === undefined) return { ok: false as const, reason: 'lost' as const };
        return deps.profile.draftNewPassword(actor, password);
      });
      if (!draft.ok) {
        prompt = ctx.t(`auth-password-${draft.reason}`);
        continue;
      }
      const second = await askSecret(conversation, ctx, deps, ctx.t('auth-password-again'));
      if (second === undefined) return;
      const same = await conversation.external(async () => {
        const password = deps.vault.take(second);
        return password !== undefined && deps.profile.confirmNewPassword(draft.draftId, password);
      });
      if (!same) {
        prompt = ctx.t('auth-password-mismatch');
        continue;
      }
      const { loggedOut } = await conversation.external(() =>
        deps.profile.applyNewPassword(actor, draft.draftId, locale),
      );
      await conversation.external(() => deps.notifySessionEnded(loggedOut, 'auth-session-ended'));
      await ctx.reply(ctx.t('profile-password-saved'));
      await showCard(conversation, ctx, deps, actor.userId);
      return;
    }
    await ctx.reply(ctx.t('profile-too-many-tries'));
  };
}

/** Enters the conversation that edits `field`. */
export function enterProfileEdit(ctx: BotContext, field: EditableField): Promise<void> {
  if (field === 'email') return ctx.conversation.enter(PROFILE_EMAIL_CONVERSATION);
  if (field === 'password') return ctx.conversation.enter(PROFILE_PASSWORD_CONVERSATION);
  return ctx.conversation.enter(PROFILE_EDIT_CONVERSATION, field);
}
