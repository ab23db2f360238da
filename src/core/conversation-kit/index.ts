/**
 * The conversation kit: the one way a flow asks a question and the one way it ends.
 *
 * Every conversation (auth, profile, accounts, readings, language, …) is written with it:
 *
 * - {@link ConversationKit.ask} — a prompt, a pure `parse` to a typed value (or the message key
 *   saying what is wrong), optional buttons that answer it, optional in-place `actions` (e.g.
 *   «send the code again»), an optional `check` run in `conversation.external` (a service call
 *   that may refuse, ask again, or end the flow). ONE bound per question ({@link DEFAULT_TRIES}
 *   unusable answers), counted only for real answers: a press of an old button is answered and
 *   ignored, an edited message is taken as the corrected answer when it was sent after the
 *   question (the step is still open), otherwise politely explained — never counted.
 * - {@link ConversationKit.askSecret} — the same for passwords, codes and linking proofs: the kit
 *   marks that a secret is expected right before it waits; the secret-input middleware deletes the
 *   message and swaps the text for a one-time vault token before conversation storage sees it;
 *   `check` receives the plaintext inside `external`, so only its (JSON) verdict is stored. The
 *   mark is cleared on every exit (see `onFlowExit` and the exit path).
 * - {@link ConversationKit.choose} — one button per option; the chosen button's message is edited
 *   to show the choice («Выбрано: …») and loses its buttons, every press is answered; a repeated
 *   tap on a question the flow already took is a quiet «Уже выбрано», not the stale alert.
 * - {@link ConversationKit.pickerShown} / {@link ConversationKit.pickerDone} — the same for
 *   pickers outside flows (/pay, /receipt, the profile's language): one press acts, the rest are
 *   answered quietly by the exit path.
 * - {@link ConversationKit.finish} — the flow's last message with the right menu for who the
 *   person is now (main menu for a resident, the guest buttons for a guest).
 *
 * The exit path (cancel button, /cancel, «✖️ Отмена» typed from a reply keyboard, any other
 * command or main-menu button, the idle timeout, an error) lives in `exit.ts`: one middleware in
 * front of every conversation. A command inside a flow ends the flow and then runs.
 *
 * Rules of conversations v2 are kept: side effects only in `conversation.external`, plain JSON
 * results, no unbounded loops; bump `CONVERSATION_STATE_VERSION` when flow code changes shape.
 */
import { randomBytes } from 'node:crypto';
import type { Conversation } from '@grammyjs/conversations';
import type { I18nFlavor } from '@grammyjs/i18n';
import { type Context, InlineKeyboard } from 'grammy';
import type {
  ForceReply,
  InlineKeyboardMarkup,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from 'grammy/types';
import { callbackData } from '../callback-data';
import type { LogFlavor } from '../context';
import type { Outbox, TextPayload } from '../outbox/outbox';
import { TELEGRAM_TEXT_LIMIT } from '../paging';
import type { SecretInputGate, SecretVault } from '../secret-input';
import { secretFrom } from '../secret-input';
import type { FlowMessages } from './flow-messages';

/** A flow's context (the conversation's own): translation and the logger. */
export type FlowContext = Context & I18nFlavor & LogFlavor;
/** The conversation handle the kit works on (outer context left open on purpose). */
// biome-ignore lint/suspicious/noExplicitAny: the outer context type does not matter to the kit
export type FlowConversation = Conversation<any, FlowContext>;

export type Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** Who the person is, for the menu they are left with. */
export type Who = 'resident' | 'guest';

/** A message key with its variables: services and parsers say what is wrong, views render it. */
export interface Said {
  key: string;
  vars?: Record<string, string | number>;
}

/** What a parser or a check decides about one answer. */
export type Verdict<T> =
  | { ok: true; value: T }
  /** Not usable: `say` explains why and the question is asked again (one try used). */
  | { ok: false; say: Said }
  /** The flow ends here with `say` (e.g. «too many attempts, wait N minutes»), menu restored. */
  | { ok: false; say: Said; final: true };

/** One answer as the person gave it. */
export type Input =
  | { kind: 'text'; text: string }
  | { kind: 'contact'; phoneNumber: string; userId?: number }
  | { kind: 'button'; data: string }
  /**
   * A photo (its largest size) or a document, by Telegram `file_id`, with its caption. Only
   * questions whose `parse` takes files see this; the default parser asks for text.
   */
  | {
      kind: 'file';
      file: {
        kind: 'photo' | 'document';
        fileId: string;
        fileName?: string | null;
        mimeType?: string | null;
      };
      caption?: string;
    };

/** A held confirmation's own send gives up after this (the claim's lease is 60 s). */
const HELD_SEND_TIMEOUT_MS = 20_000;
type ReplySignal = Parameters<FlowContext['reply']>[2];

/** The single source of the number of unusable answers a question takes before giving up. */
export const DEFAULT_TRIES = 5;
/** The idle timeout of every flow: no answer this long ends it; the next message runs afresh. */
export const FLOW_IDLE_MS = 30 * 60 * 1000;

/** The kit's cancel button data; `exit.ts` handles it (and legacy `v1|<feature>|cancel`). */
export const KIT_CANCEL = callbackData('kit', 'cancel');
/** Any version-1 cancel button, including ones left in old messages by earlier releases. */
export const CANCEL_PATTERN = /^v1\|[a-z-]+\|cancel$/;
const CHOICE_FEATURE = 'kit';

export interface AskOptions<T, R = T> {
  /** The question, already rendered. */
  prompt: string;
  /** Buttons under the question; default: a Cancel button. */
  markup?: Markup;
  /** Callback data patterns that answer the question (passed to `parse` as a button input). */
  buttons?: RegExp[];
  /**
   * Buttons handled in place without answering (e.g. «send the code again»): `run` may use
   * `conversation.external`; the question stays open and no try is used.
   */
  actions?: { pattern: RegExp; run: (ctx: FlowContext) => Promise<unknown> }[];
  /** Pure: the answer to a value, or what to say. Default: text only, trimmed, non-empty. */
  parse?: (input: Input) => Verdict<T>;
  /** Optional, side effects allowed (run inside `conversation.external`): may refuse or end. */
  check?: (value: T) => Promise<Verdict<R>>;
  /** Unusable answers before giving up; default {@link DEFAULT_TRIES}. */
  tries?: number;
  /**
   * Photos and documents answer this question too (passed to `parse` as a `file` input); without
   * it they are «another kind» like a sticker.
   */
  files?: boolean;
  /** What to say for a message of another kind (a sticker, a photo); default `kit-text-expected`. */
  otherwise?: Said;
  /**
   * The buttons under the explanation of a refused answer, chosen by what is said (e.g. «Счётчик
   * заменили?» under «below the last reading»); undefined keeps the question's. Its buttons must
   * be in `buttons` (or `actions`) to be answered.
   */
  refusalMarkup?: (say: Said) => Markup | undefined;
  /** Repeat the question under the explanation of a refused answer (default: the explanation alone, with the same buttons). */
  repeatPrompt?: boolean;
}

export interface SecretOptions<R> {
  prompt: string;
  markup?: Markup;
  actions?: AskOptions<string>['actions'];
  /** What to say when something other than text arrives; default `kit-secret-expected`. */
  otherwise?: Said;
  /** Runs inside `conversation.external` with the plaintext; only the verdict is stored. */
  check: (secret: string) => Promise<Verdict<R>>;
  tries?: number;
}

export interface ChooseOptions {
  prompt: string;
  /** One button per option (one per row: big, easy to hit); `value` must be short. */
  options: { label: string; value: string }[];
  /** Offer a Cancel button under the options (default true). */
  cancel?: boolean;
}

/** An answer and the context it came with (reply to it; its language is current). */
export interface Answered<T> {
  value: T;
  ctx: FlowContext;
}

export interface KitDeps {
  gate: SecretInputGate;
  vault: SecretVault;
  /** Whether the Telegram user is logged in now, read afresh (asked inside `external`). */
  whoIs: (telegramUserId: number) => Promise<Who>;
  /** The cabinet of the update's sender, once per update (see core/resident). */
  residentOf: (telegramUserId: number) => Promise<{ userId: number } | undefined>;
  /**
   * Sends `text` and leaves the person with their menu: the main-menu keyboard for a resident; for
   * a guest the text and then the welcome with the guest buttons (`welcome: false` leaves the
   * welcome out, when a command that answers for itself runs next). Works on any context.
   */
  leave: (
    ctx: FlowContext,
    text: string,
    who: Who,
    extra?: { markup?: Markup; welcome?: boolean },
  ) => Promise<void>;
  /** The resident's main-menu keyboard (what `leave` shows a resident), for held confirmations. */
  residentMenu: (ctx: FlowContext) => Markup;
  /** Held confirmations: the kit sends them itself and marks them sent (see `confirm`). */
  outbox: Pick<Outbox, 'claimHeld' | 'heldSent' | 'releaseHeld'>;
  /** The open question's message and the last outcome, for the exit path (see flow-messages). */
  flowMessages: FlowMessages;
}

export interface ConversationKit {
  ask<T = string, R = T>(
    conversation: FlowConversation,
    ctx: FlowContext,
    options: AskOptions<T, R>,
  ): Promise<Answered<R> | undefined>;
  askSecret<R>(
    conversation: FlowConversation,
    ctx: FlowContext,
    options: SecretOptions<R>,
  ): Promise<Answered<R> | undefined>;
  choose(
    conversation: FlowConversation,
    ctx: FlowContext,
    options: ChooseOptions,
  ): Promise<Answered<string> | undefined>;
  /**
   * The logged-in resident who started the flow, or undefined after telling a guest to log in
   * first (`loginFirstKey`) and leaving them with the guest menu. Services still check access.
   */
  resident(
    conversation: FlowConversation,
    ctx: FlowContext,
    loginFirstKey: string,
  ): Promise<{ userId: number; telegramUserId: number } | undefined>;
  /** Who the flow's person is now (a logged-in resident or a guest), saying nothing. */
  who(conversation: FlowConversation, ctx: FlowContext): Promise<Who>;
  /**
   * The flow's last message, with the right menu (`markup` overrides it, e.g. a card's buttons).
   * A flow that has just changed who the person is (logged in, erased) passes `who`.
   */
  finish(
    conversation: FlowConversation,
    ctx: FlowContext,
    text: string,
    extra?: { markup?: Markup; who?: Who },
  ): Promise<void>;
  /**
   * The payload of a confirmation the resident is left with (the text and the main menu), for a
   * service to write to the outbox with its data (`ConfirmationRequest.render`).
   */
  confirmation(ctx: FlowContext, text: string): TextPayload;
  /**
   * The flow's last message when it confirms a commit: the service wrote it to the outbox in the
   * same transaction (`Outbox.hold`, row `outboxId`). The kit claims the row and sends `text`
   * with the main menu at once; a failed send goes back to the worker, which delivers it; a row
   * the worker has already taken is left to it. So it arrives once, even if the process dies
   * right after the commit. `outboxId` null (nothing held): sent like `finish`.
   */
  confirm(
    conversation: FlowConversation,
    ctx: FlowContext,
    outboxId: number | null,
    text: string,
  ): Promise<void>;
  /** A Cancel-only inline keyboard (the default markup of every question). */
  cancelKeyboard(ctx: Pick<FlowContext, 't'>): InlineKeyboard;
  /** Adds the Cancel button as the last row of `keyboard`. */
  withCancel(ctx: Pick<FlowContext, 't'>, keyboard: InlineKeyboard): InlineKeyboard;
  /**
   * Clears a pending "secret expected" mark of this chat: called on every exit (conversation
   * `onExit`, the exit path, errors) and when a flow that asks secrets starts.
   */
  clearSecretMark(chatId: number, userId: number): Promise<void>;
  /**
   * Edits away the buttons of the flow's open question (best effort): every exit that is not an
   * answer calls this (a command, a main-menu button, /cancel, the idle timeout, an error), so no
   * button of a flow outlives it. Works on any context of the chat. True when there was one.
   */
  closeOpenQuestion(ctx: Context): Promise<boolean>;
  /**
   * A picker shown outside a flow (the /pay or /receipt account and period buttons, with their
   * Cancel) is an open question too: the next command, main-menu button or /cancel edits its
   * buttons away, like a flow's.
   */
  pickerShown(ctx: Context, messageId: number): Promise<void>;
  /**
   * A button of such a picker (or of a card outside a flow) was pressed and acted on: its
   * buttons are edited away, and a repeated or concurrent press of the same button is answered
   * quietly by the exit path — «Уже сделано. `outcome`», or «Уже выбрано.» without one — and
   * never acted on twice (updates of a chat are handled one at a time). Call it before the slow
   * part (rendering, sending), right after what was done is decided.
   */
  pickerDone(ctx: Context, outcome?: string): Promise<void>;
  /**
   * How the flow that ended on a press of this button (message and callback data) ended (its
   * last message), or undefined: a late or repeated press of a confirm button is answered with
   * it, quietly.
   */
  outcomeOf(ctx: Context, messageId: number, data: string): Promise<string | undefined>;
}

const plainText = (input: Input): Verdict<string> =>
  input.kind === 'text' && input.text.trim().length > 0
    ? { ok: true, value: input.text.trim() }
    : { ok: false, say: { key: 'kit-text-expected' } };

function inputOf(ctx: FlowContext): Input | undefined {
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) return { kind: 'button', data };
  const message = ctx.message;
  if (message?.contact) {
    return {
      kind: 'contact',
      phoneNumber: message.contact.phone_number,
      userId: message.contact.user_id,
    };
  }
  // A forwarded text is not the person's answer (someone else's words).
  if (message?.text !== undefined && !message.forward_origin)
    return { kind: 'text', text: message.text };
  const photo = message?.photo?.at(-1);
  if (photo && !message?.forward_origin) {
    return {
      kind: 'file',
      file: { kind: 'photo', fileId: photo.file_id },
      ...(message?.caption ? { caption: message.caption } : {}),
    };
  }
  if (message?.document && !message.forward_origin) {
    return {
      kind: 'file',
      file: {
        kind: 'document',
        fileId: message.document.file_id,
        fileName: message.document.file_name ?? null,
        mimeType: message.document.mime_type ?? null,
      },
      ...(message.caption ? { caption: message.caption } : {}),
    };
  }
  if (ctx.editedMessage?.text !== undefined) return { kind: 'text', text: ctx.editedMessage.text };
  return undefined;
}

function ids(ctx: FlowContext): { chatId: number; userId: number } {
  if (!ctx.chat || !ctx.from) throw new Error('flows run in chats with a sender');
  return { chatId: ctx.chat.id, userId: ctx.from.id };
}

/** Builds the kit over its dependencies; one instance per app, shared by every feature. */
export function createConversationKit(deps: KitDeps): ConversationKit {
  const cancelKeyboard = (ctx: Pick<FlowContext, 't'>) =>
    new InlineKeyboard().text(ctx.t('button-cancel'), KIT_CANCEL);

  /**
   * The questions (message ids) this flow has already taken an answer to. Kept per conversation
   * object: a replay re-runs every earlier question and rebuilds it, so nothing is stored.
   */
  const answered = new WeakMap<FlowConversation, Set<number>>();
  const answeredIn = (conversation: FlowConversation): Set<number> => {
    let ids = answered.get(conversation);
    if (!ids) {
      ids = new Set();
      answered.set(conversation, ids);
    }
    return ids;
  };

  /**
   * An answered `choose` question keeps the choice on screen: its text gets «Выбрано: …» (the
   * pressed option's label) and, as the edit carries no keyboard, it has no buttons left (best
   * effort; a text that would pass 4096 characters keeps its text and just loses its buttons).
   */
  async function showChoice(ctx: FlowContext, options: ChooseOptions, value: string) {
    const message = ctx.callbackQuery?.message;
    const label = options.options.find((option) => option.value === value)?.label;
    if (!ctx.chat || !message || !('text' in message) || !message.text || !label) return;
    const shown = `${message.text}\n\n${ctx.t('kit-chosen', { choice: label })}`;
    if (shown.length > TELEGRAM_TEXT_LIMIT) return;
    await ctx.api.editMessageText(ctx.chat.id, message.message_id, shown).catch(() => {});
  }

  /** Removes the inline buttons of a question once it is answered (best effort). */
  async function closeQuestion(ctx: FlowContext, messageId: number, markup: Markup | undefined) {
    if (markup && !('inline_keyboard' in markup)) return;
    if (!ctx.chat) return;
    await ctx.api.editMessageReplyMarkup(ctx.chat.id, messageId).catch(() => {});
  }

  /**
   * A flow that ends on a button press remembers it: a second press of that message (a double
   * tap, a late press) is answered quietly with what was done (see the exit path).
   */
  async function remember(conversation: FlowConversation, ctx: FlowContext, text: string) {
    const messageId = ctx.callbackQuery?.message?.message_id;
    const data = ctx.callbackQuery?.data;
    if (messageId === undefined || data === undefined || !ctx.chat || !ctx.from) return;
    const { chatId, userId } = ids(ctx);
    await conversation.external(() =>
      deps.flowMessages.ended(chatId, userId, { messageId, data, text }),
    );
  }

  /** The question's message has buttons that answer it: the exit path must close them. */
  async function opened(
    conversation: FlowConversation,
    ctx: FlowContext,
    messageId: number,
    markup: Markup,
  ) {
    if (!('inline_keyboard' in markup) || !ctx.chat || !ctx.from) return;
    const { chatId, userId } = ids(ctx);
    await conversation.external(() => deps.flowMessages.opened(chatId, userId, messageId));
  }

  async function finish(
    conversation: FlowConversation,
    ctx: FlowContext,
    text: string,
    extra?: { markup?: Markup; who?: Who },
  ) {
    await remember(conversation, ctx, text);
    await leaveWith(conversation, ctx, text, extra);
  }

  async function leaveWith(
    conversation: FlowConversation,
    ctx: FlowContext,
    text: string,
    extra?: { markup?: Markup; who?: Who },
  ) {
    // A staff flow in the admin group ends with its text alone: no resident menu in a group.
    if (ctx.chat && ctx.chat.type !== 'private') {
      await ctx.reply(text, extra?.markup ? { reply_markup: extra.markup } : {});
      return;
    }
    const { userId } = ids(ctx);
    const who = extra?.who ?? (await conversation.external(() => deps.whoIs(userId)));
    await deps.leave(ctx, text, who, extra);
  }

  /** Who claims held rows in `outbox.locked_by`: this process (a dead one's claim lapses). */
  const claimant = `reply:${process.pid}:${randomBytes(3).toString('hex')}`;

  const confirmation = (ctx: FlowContext, text: string): TextPayload => ({
    text,
    reply_markup: deps.residentMenu(ctx),
  });

  async function confirm(
    conversation: FlowConversation,
    ctx: FlowContext,
    outboxId: number | null,
    text: string,
  ) {
    if (outboxId === null) {
      await finish(conversation, ctx, text, { who: 'resident' });
      return;
    }
    await remember(conversation, ctx, text);
    const claimed = await conversation.external(() => deps.outbox.claimHeld(outboxId, claimant));
    // Taken by the worker already (a slow reply): it sends this very text and menu.
    if (!claimed) return;
    const { text: body, ...other } = confirmation(ctx, text);
    // Bounded well inside the claim's lease: auto-retry would retry a network error for ever,
    // and a late success after the worker took the row over would say it twice.
    const signal = AbortSignal.timeout(HELD_SEND_TIMEOUT_MS) as unknown as ReplySignal;
    const sent = await ctx.reply(body, other, signal).then(
      (message) => ({ ok: true as const, messageId: message.message_id }),
      (error: unknown) => ({ ok: false as const, error: String(error) }),
    );
    await conversation.external(() =>
      sent.ok
        ? deps.outbox.heldSent(outboxId, claimant, sent.messageId)
        : deps.outbox.releaseHeld(outboxId, claimant, sent.error),
    );
  }

  /**
   * The one wait loop. `secret`: the kit arms the secret mark before each wait and accepts only a
   * vault token as text.
   */
  async function loop<T, R>(
    conversation: FlowConversation,
    ctx: FlowContext,
    options: AskOptions<T, R> & { secret?: boolean },
  ): Promise<Answered<R> | undefined> {
    const markup = options.markup ?? cancelKeyboard(ctx);
    const parse = options.parse ?? (plainText as unknown as (input: Input) => Verdict<T>);
    const tries = options.tries ?? DEFAULT_TRIES;
    let asked = await ctx.reply(options.prompt, { reply_markup: markup });
    await opened(conversation, ctx, asked.message_id, markup);
    const firstAsked = asked.message_id;
    let used = 0;
    // Each pass waits for one update; the bound counts unusable answers, and the total number of
    // passes is bounded too (ignored updates such as old buttons cannot keep a flow alive forever).
    for (let pass = 0; pass < tries * 4 && used < tries; pass++) {
      if (options.secret) {
        const { chatId, userId } = ids(ctx);
        await conversation.external(() => deps.gate.expect(chatId, userId));
      }
      const next = await conversation.wait();
      const given = inputOf(next);
      const input = given?.kind === 'file' && !options.files ? undefined : given;
      const again = async (say: Said) => {
        used++;
        if (used >= tries) return;
        await closeQuestion(next, asked.message_id, markup);
        const explanation = next.t(say.key, say.vars);
        const text = options.repeatPrompt ? `${explanation}\n\n${options.prompt}` : explanation;
        const buttons = options.refusalMarkup?.(say) ?? markup;
        asked = await next.reply(text, { reply_markup: buttons });
        await opened(conversation, next, asked.message_id, buttons);
      };

      if (input?.kind === 'button') {
        const action = options.actions?.find((a) => a.pattern.test(input.data));
        if (action) {
          await next.answerCallbackQuery().catch(() => {});
          await action.run(next);
          continue;
        }
        if (!(options.buttons ?? []).some((pattern) => pattern.test(input.data))) {
          const pressed = next.callbackQuery?.message?.message_id;
          if (pressed !== undefined && answeredIn(conversation).has(pressed)) {
            // A repeated tap on a question this flow already took (a double tap on «✅ Согласен»):
            // a quiet «already chosen», like a repeated «✅ Отправить» — nothing to explain.
            await next
              .answerCallbackQuery({ text: next.t('kit-already-answered') })
              .catch(() => {});
            continue;
          }
          // A button of an earlier message: answered, explained, not counted.
          await next
            .answerCallbackQuery({ text: next.t('kit-button-stale'), show_alert: true })
            .catch(() => {});
          continue;
        }
        await next.answerCallbackQuery().catch(() => {});
      }

      const edited = next.editedMessage;
      if (edited) {
        // An edit answers this question only if the edited message came after it was first asked
        // (the step is still open); an edit of an earlier answer is explained, nothing changes.
        if (options.secret || edited.message_id < firstAsked) {
          // The hint carries the question's buttons: it becomes the open question (one at a time).
          await closeQuestion(next, asked.message_id, markup);
          asked = await next.reply(next.t('kit-edit-ignored'), { reply_markup: markup });
          await opened(conversation, next, asked.message_id, markup);
          continue;
        }
      }

      let verdict: Verdict<R>;
      if (options.secret) {
        const token = input?.kind === 'text' ? secretFrom(input.text) : undefined;
        if (token === undefined) {
          await again(options.otherwise ?? { key: 'kit-secret-expected' });
          continue;
        }
        // The plaintext exists only inside this `external`; only the verdict is stored.
        verdict = await conversation.external(async () => {
          const secret = deps.vault.take(token);
          if (secret === undefined) return { ok: false as const, say: { key: 'kit-secret-lost' } };
          return (options.check as (value: string) => Promise<Verdict<R>>)(secret);
        });
      } else {
        if (!input) {
          await again(options.otherwise ?? { key: 'kit-text-expected' });
          continue;
        }
        const parsed = parse(input);
        const check = options.check;
        if (!parsed.ok) verdict = parsed;
        else if (check) verdict = await conversation.external(() => check(parsed.value));
        else verdict = { ok: true, value: parsed.value as unknown as R };
      }
      if (verdict.ok) {
        answeredIn(conversation).add(asked.message_id);
        await closeQuestion(next, asked.message_id, markup);
        return { value: verdict.value, ctx: next };
      }
      if ('final' in verdict) {
        await closeQuestion(next, asked.message_id, markup);
        await leaveWith(conversation, next, next.t(verdict.say.key, verdict.say.vars));
        return undefined;
      }
      await again(verdict.say);
    }
    await closeQuestion(ctx, asked.message_id, markup);
    await leaveWith(conversation, ctx, ctx.t('kit-too-many-tries'));
    return undefined;
  }

  return {
    ask: (conversation, ctx, options) => loop(conversation, ctx, options),

    askSecret: (conversation, ctx, options) =>
      loop<string, typeof options extends SecretOptions<infer R> ? R : never>(
        conversation,
        ctx,
        // biome-ignore lint/suspicious/noExplicitAny: the secret path calls `check` itself
        { ...(options as any), secret: true },
      ),

    async choose(conversation, ctx, options) {
      const nonce = Math.floor((await conversation.random()) * 36 ** 4).toString(36);
      const keyboard = new InlineKeyboard();
      options.options.forEach((option, index) => {
        keyboard.text(option.label, callbackData(CHOICE_FEATURE, 'pick', nonce, index)).row();
      });
      if (options.cancel !== false) keyboard.text(ctx.t('button-cancel'), KIT_CANCEL);
      const pattern = new RegExp(`^v1\\|${CHOICE_FEATURE}\\|pick\\|${nonce}\\|(\\d{1,2})$`);
      const answer = await loop<string, string>(conversation, ctx, {
        prompt: options.prompt,
        markup: keyboard,
        buttons: [pattern],
        otherwise: { key: 'kit-choose-button' },
        repeatPrompt: true,
        parse: (input) => {
          const index = input.kind === 'button' ? Number(pattern.exec(input.data)?.[1]) : -1;
          const option = options.options[index];
          return option
            ? { ok: true, value: option.value }
            : { ok: false, say: { key: 'kit-choose-button' } };
        },
      });
      if (answer) await showChoice(answer.ctx, options, answer.value);
      return answer;
    },

    async resident(conversation, ctx, loginFirstKey) {
      const telegramUserId = ctx.from?.id;
      if (telegramUserId === undefined) return undefined;
      const found = await conversation.external(async () => {
        const resident = await deps.residentOf(telegramUserId);
        return resident ? { userId: resident.userId } : null;
      });
      if (!found) {
        await leaveWith(conversation, ctx, ctx.t(loginFirstKey));
        return undefined;
      }
      return { userId: found.userId, telegramUserId };
    },

    async who(conversation, ctx) {
      const telegramUserId = ctx.from?.id;
      if (telegramUserId === undefined) return 'guest';
      return conversation.external(() => deps.whoIs(telegramUserId));
    },

    finish,
    confirmation,
    confirm,
    cancelKeyboard,
    withCancel: (ctx, keyboard) => keyboard.row().text(ctx.t('button-cancel'), KIT_CANCEL),
    clearSecretMark: (chatId, userId) => deps.gate.clear(chatId, userId),
    async closeOpenQuestion(ctx) {
      if (!ctx.chat || !ctx.from) return false;
      const messageId = await deps.flowMessages.takeOpen(ctx.chat.id, ctx.from.id);
      if (messageId === undefined) return false;
      await ctx.api.editMessageReplyMarkup(ctx.chat.id, messageId).catch(() => {});
      return true;
    },
    async pickerShown(ctx, messageId) {
      if (!ctx.chat || !ctx.from) return;
      await deps.flowMessages.opened(ctx.chat.id, ctx.from.id, messageId);
    },
    async pickerDone(ctx, outcome) {
      const messageId = ctx.callbackQuery?.message?.message_id;
      const data = ctx.callbackQuery?.data;
      if (!ctx.chat || !ctx.from || messageId === undefined || data === undefined) return;
      await deps.flowMessages.ended(ctx.chat.id, ctx.from.id, {
        messageId,
        data,
        text: outcome ?? '',
      });
      await ctx.api.editMessageReplyMarkup(ctx.chat.id, messageId).catch(() => {});
    },
    async outcomeOf(ctx, messageId, data) {
      if (!ctx.chat || !ctx.from) return undefined;
      return (await deps.flowMessages.outcomeOf(ctx.chat.id, ctx.from.id, messageId, data))?.text;
    },
  };
}
