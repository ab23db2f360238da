import { InlineKeyboard } from 'grammy';
import { callbackData } from '../../core/callback-data';
import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import type { ConversationKit } from '../../core/conversation-kit/index';
import type { AccountsService } from '../accounts/service';
import { formatInteger, formatKwh } from '../../core/format';
import type { ReplacedMeter } from '../readings/rules';
import { appealCallbacks } from './keyboards';
import type { AttachmentInput } from './repo';
import {
  APPEAL_TOPICS,
  type AppealTopic,
  isAppealTopic,
  MAX_APPEAL_TEXT,
  MAX_ATTACHMENTS,
} from './rules';
import type { AppealsService, AppealView, CreateResult } from './service';
import { dueDate, statusLabel, topicLabel } from './views';

export const APPEAL_CONVERSATION = 'appeal';
export const APPEAL_ANSWER_CONVERSATION = 'appeal-answer';

/**
 * What a flow may start with: a topic chosen elsewhere (`/replaced`), a text, or the facts of a
 * reading refused as «below the last one» (or taken as a rollover) when the resident pressed
 * «Счётчик заменили?».
 */
export interface AppealArgs {
  topic?: AppealTopic;
  text?: string;
  replacement?: ReplacedMeter;
}

/** The longest serial number of a meter the replacement appeal takes. */
const SERIAL_MAX = 32;

export interface AppealConversationDeps {
  accounts: Pick<AccountsService, 'listAccounts'>;
  appeals: Pick<AppealsService, 'create' | 'filingWaitMs'>;
  kit: ConversationKit;
  timeZone: string;
}

const DONE = callbackData('appeal', 'files-done');
const NO_ACCOUNT = 'none';
/** Messages of another kind while attachments are collected, before the flow gives up. */
const FILE_STEP_BOUND = MAX_ATTACHMENTS + 5;

/**
 * /appeal and «✉️ Написать нам»: topic → the account it concerns (if the cabinet has any) → the
 * text → up to five photos or documents → confirm → committed, then the number, status and
 * deadline. Every step has the kit's Cancel; the appeal exists only after «Отправить».
 */
export function createAppealConversation(deps: AppealConversationDeps) {
  const { accounts, appeals, kit } = deps;
  return async function appealConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
    args?: AppealArgs,
  ): Promise<void> {
    const resident = await kit.resident(conversation, ctx, 'appeals-login-first');
    if (!resident) return;
    const { telegramUserId } = resident;
    const user = { id: resident.userId };
    let at = ctx;
    // Over the per-cabinet limit: said before anything is typed, with when the next one may go.
    const waitMs = await conversation.external(() => appeals.filingWaitMs(user.id));
    if (waitMs > 0) {
      await kit.finish(conversation, at, limitedText(at, waitMs));
      return;
    }

    const replacement = args?.replacement;
    let topic: AppealTopic | undefined = replacement ? 'meter-replacement' : args?.topic;
    if (!topic) {
      const picked = await kit.choose(conversation, at, {
        prompt: at.t('appeals-ask-topic'),
        options: APPEAL_TOPICS.map((t) => ({ label: at.t(`appeals-topic-${t}`), value: t })),
      });
      if (!picked || !isAppealTopic(picked.value)) return;
      topic = picked.value;
      at = picked.ctx;
    }

    const linked = await conversation.external(() =>
      accounts.listAccounts(user.id, telegramUserId),
    );
    let accountId: number | null = null;
    // A replaced meter names its account (the service checks it is still linked).
    if (replacement) accountId = replacement.accountId;
    else if (linked.length > 0) {
      const picked = await kit.choose(conversation, at, {
        prompt: at.t('appeals-ask-account'),
        options: [
          ...linked.map((a) => ({ label: `№ ${a.number}`, value: String(a.id) })),
          { label: at.t('appeals-no-account'), value: NO_ACCOUNT },
        ],
      });
      if (!picked) return;
      accountId = picked.value === NO_ACCOUNT ? null : Number(picked.value);
      at = picked.ctx;
    }

    // A text given from outside (the «send this as an appeal» offer) is taken whole or not at
    // all: over the limit, the resident is asked for it like anybody else (never cut silently).
    const given = args?.text?.trim();
    let text = given && given.length <= MAX_APPEAL_TEXT ? given : undefined;
    if (replacement) {
      // What staff need for a replaced meter: the old one and its last value, the new one's serial
      // and first reading (the value just refused); the act or a photo comes next, as a file.
      const serial = await kit.ask(conversation, at, {
        prompt: at.t('appeals-ask-new-serial', { serial: replacement.serial }),
        parse: (input) => {
          const value = input.kind === 'text' ? input.text.trim() : '';
          if (value === '') return { ok: false, say: { key: 'kit-text-expected' } };
          if (value.length > SERIAL_MAX) {
            return { ok: false, say: { key: 'appeals-text-too-long', vars: { max: SERIAL_MAX } } };
          }
          return { ok: true, value };
        },
      });
      if (!serial) return;
      at = serial.ctx;
      text = at.t('appeals-replacement-text', {
        account: replacement.accountNumber,
        old: replacement.serial,
        zone: replacement.zone,
        previous: formatKwh(replacement.previousMilli),
        serial: serial.value,
        value: formatKwh(replacement.valueMilli),
      });
    }
    if (!text) {
      const asked = await kit.ask(conversation, at, {
        prompt: at.t(topic === 'meter-replacement' ? 'appeals-ask-text-meter' : 'appeals-ask-text'),
        parse: (input) => {
          if (input.kind !== 'text' || input.text.trim() === '') {
            return { ok: false, say: { key: 'kit-text-expected' } };
          }
          if (input.text.length > MAX_APPEAL_TEXT) {
            return {
              ok: false,
              say: { key: 'appeals-text-too-long', vars: { max: MAX_APPEAL_TEXT } },
            };
          }
          return { ok: true, value: input.text.trim() };
        },
      });
      if (!asked) return;
      text = asked.value;
      at = asked.ctx;
    }

    // Attachments: photos and documents, up to five; «Готово» (or «Без вложений») moves on.
    const files: AttachmentInput[] = [];
    const doneKeyboard = () =>
      kit.withCancel(
        at,
        new InlineKeyboard().text(
          at.t(files.length ? 'appeals-files-done' : 'appeals-files-none'),
          DONE,
        ),
      );
    // One «Готово» on screen at a time: a new one closes the last, and moving on closes it too;
    // it is the flow's open question meanwhile, so every exit closes it as well.
    let shown: number | undefined;
    const offerDone = async (ctx: typeof at, text: string) => {
      await closeDone(ctx);
      const sent = await ctx.reply(text, { reply_markup: doneKeyboard() });
      shown = sent.message_id;
      await conversation.external(() => kit.pickerShown(ctx, sent.message_id));
    };
    const closeDone = async (ctx: typeof at) => {
      if (shown === undefined || !ctx.chat) return;
      await ctx.api.editMessageReplyMarkup(ctx.chat.id, shown).catch(() => {});
      shown = undefined;
    };
    await offerDone(
      at,
      at.t(replacement ? 'appeals-ask-files-meter' : 'appeals-ask-files', { max: MAX_ATTACHMENTS }),
    );
    for (let step = 0; step < FILE_STEP_BOUND && files.length < MAX_ATTACHMENTS; step++) {
      const next = await conversation.wait();
      at = next;
      if (next.callbackQuery?.data === DONE) {
        await next.answerCallbackQuery();
        break;
      }
      if (next.callbackQuery) {
        await next.answerCallbackQuery();
        continue;
      }
      const photo = next.message?.photo?.at(-1);
      const document = next.message?.document;
      // The caption is kept with its file (shown on the card and in the thread), not dropped.
      const caption = next.message?.caption?.trim() || null;
      if (photo) files.push({ kind: 'photo', fileId: photo.file_id, caption });
      else if (document) {
        files.push({
          kind: 'document',
          fileId: document.file_id,
          fileName: document.file_name ?? null,
          mimeType: document.mime_type ?? null,
          caption,
        });
      } else {
        await offerDone(next, at.t('appeals-files-expected'));
        continue;
      }
      if (files.length < MAX_ATTACHMENTS) {
        await offerDone(
          next,
          at.t('appeals-file-added', { n: files.length, max: MAX_ATTACHMENTS }),
        );
      }
    }
    await closeDone(at);

    const confirm = await kit.choose(conversation, at, {
      prompt: at.t('appeals-confirm', {
        topic: at.t(`appeals-topic-${topic}`),
        account:
          linked.find((a) => a.id === accountId)?.number ?? replacement?.accountNumber ?? '—',
        files: files.length,
        // In full (at most MAX_APPEAL_TEXT, so the check stays one message): nothing hidden.
        text,
      }),
      options: [{ label: at.t('appeals-send'), value: 'send' }],
    });
    if (!confirm) return;
    at = confirm.ctx;
    // The name they go by in Telegram: the staff card shows it when the profile has no ФИО.
    const telegramName = [at.from?.first_name, at.from?.last_name].filter(Boolean).join(' ');
    const input = {
      userId: user.id,
      telegramUserId,
      telegramName,
      topic,
      accountId,
      text,
      attachments: files,
    };
    const locale = (await conversation.external(() => at.i18n.getLocale())) ?? 'ru';
    const confirmed = at;
    const texts = { t: confirmed.t.bind(confirmed), locale, timeZone: deps.timeZone };
    const createdText = (appeal: AppealView) =>
      confirmed.t('appeals-created', {
        number: appeal.number,
        topic: topicLabel(texts, appeal.topic),
        status: statusLabel(texts, appeal.status),
        due: dueDate(texts, appeal.dueAt),
      });
    const chatId = at.chat?.id ?? telegramUserId;
    // «Обращение принято» is written to the outbox with the appeal: a crash after the commit
    // still delivers the number.
    const result: CreateResult = await conversation.external(() =>
      appeals.create(input, {
        chatId,
        render: (appeal) => kit.confirmation(confirmed, createdText(appeal)),
      }),
    );
    if (result.kind !== 'created') {
      await kit.finish(
        conversation,
        at,
        result.kind === 'rate-limited'
          ? limitedText(at, result.retryAfterMs)
          : at.t(`appeals-create-${result.kind}`),
      );
      return;
    }
    await kit.confirm(conversation, at, result.outboxId, createdText(result.appeal));
  };
}

/** «Too many appeals this hour; the next in N min», the wait rounded up to whole minutes. */
function limitedText(at: { t: BotContext['t'] }, waitMs: number): string {
  return at.t('appeals-create-rate-limited', {
    minutes: formatInteger(Math.max(1, Math.ceil(waitMs / 60_000))),
  });
}

export function enterAppeal(ctx: BotContext, args?: AppealArgs) {
  return ctx.conversation.enter(APPEAL_CONVERSATION, args);
}

/** What «✍️ Ответить» carries into the flow: the appeal (re-checked against the cabinet). */
export interface AppealAnswerArgs {
  appealId: number;
}

export interface AppealAnswerDeps {
  appeals: Pick<AppealsService, 'threadOwn' | 'residentAnswer' | 'currentCard'>;
  kit: ConversationKit;
}

/** The resident's answer as given: the text (or a file's caption) and the file, if any. */
interface GivenAnswer {
  text: string;
  attachments: AttachmentInput[];
}

/**
 * «✍️ Ответить» under a staff answer or a thread: the next message is the answer — a text, or a
 * photo or document (its caption the text), sent on to the admin chat under the appeal's card.
 * The kit's Cancel button and /cancel lead back to the menu; other kinds (voice, stickers) are
 * told what is accepted. The appeal id comes from a button, so the service checks it is the
 * cabinet's own (same «not found» for anybody else's).
 */
export function createAppealAnswerConversation(deps: AppealAnswerDeps) {
  const { appeals, kit } = deps;
  return async function appealAnswerConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
    args?: AppealAnswerArgs,
  ): Promise<void> {
    const resident = await kit.resident(conversation, ctx, 'appeals-login-first');
    if (!resident) return;
    const { userId, telegramUserId } = resident;
    const appealId = Number(args?.appealId);
    const appeal = await conversation.external(async () => {
      const thread = await appeals.threadOwn(userId, appealId, telegramUserId);
      return thread ? { number: thread.number, status: thread.status } : null;
    });
    if (!appeal || appeal.status === 'closed') {
      await kit.finish(
        conversation,
        ctx,
        ctx.t(appeal ? 'appeals-not-allowed' : 'appeals-not-found'),
      );
      return;
    }
    const asked = await kit.ask<GivenAnswer>(conversation, ctx, {
      prompt: ctx.t('appeals-reply-prompt', { number: appeal.number }),
      files: true,
      otherwise: { key: 'appeals-reply-kinds' },
      parse: (input) => {
        const text =
          input.kind === 'text'
            ? input.text.trim()
            : input.kind === 'file'
              ? (input.caption ?? '').trim()
              : '';
        if (input.kind !== 'file' && text === '')
          return { ok: false, say: { key: 'appeals-reply-kinds' } };
        if (text.length > MAX_APPEAL_TEXT) {
          return {
            ok: false,
            say: { key: 'appeals-text-too-long', vars: { max: MAX_APPEAL_TEXT } },
          };
        }
        return {
          ok: true,
          value: { text, attachments: input.kind === 'file' ? [input.file] : [] },
        };
      },
    });
    if (!asked) return;
    const at = asked.ctx;
    const answer = {
      userId,
      telegramUserId,
      appealId,
      text: asked.value.text || at.t('appeals-attachment-only'),
      attachments: asked.value.attachments,
    };
    const result = await conversation.external(async () => {
      const done = await appeals.residentAnswer(answer);
      return done.kind === 'done'
        ? { kind: 'done' as const, number: done.appeal.number }
        : done.kind === 'too-long'
          ? { kind: 'too-long' as const, max: done.max }
          : {
              kind: done.kind === 'not-allowed' ? ('not-allowed' as const) : ('not-found' as const),
            };
    });
    if (result.kind !== 'done') {
      await kit.finish(
        conversation,
        at,
        result.kind === 'too-long'
          ? at.t('appeals-text-too-long', { max: result.max })
          : at.t(result.kind === 'not-allowed' ? 'appeals-not-allowed' : 'appeals-not-found'),
      );
      // Closed while the resident was writing: the words are not lost, they may go as a new appeal.
      const typed = at.message;
      if (result.kind === 'not-allowed' && typed?.text) {
        await at.reply(at.t('appeals-closed-offer-new', { number: appeal.number }), {
          reply_parameters: { message_id: typed.message_id },
          reply_markup: {
            inline_keyboard: [
              [{ text: at.t('appeals-send-as-appeal'), callback_data: appealCallbacks.fromText }],
            ],
          },
        });
      }
      return;
    }
    // The staff's card shows the status the answer left («в работе»), with its buttons.
    const card = await conversation.external(() => appeals.currentCard(appealId));
    if (card) {
      const markup = card.payload.reply_markup;
      await at.api
        .editMessageText(card.chatId, card.messageId, card.payload.text, {
          reply_markup: markup && 'inline_keyboard' in markup ? markup : undefined,
        })
        .catch(() => undefined);
    }
    await kit.finish(conversation, at, at.t('appeals-answer-sent', { number: result.number }));
  };
}

/** Starts the answer flow of «✍️ Ответить». */
export function enterAppealAnswer(ctx: BotContext, args: AppealAnswerArgs) {
  return ctx.conversation.enter(APPEAL_ANSWER_CONVERSATION, args);
}
