import { hearsButton } from '../../core/i18n';
import { Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { BotContext } from '../../core/context';
import { MAX_APPEAL_TEXT } from './rules';
import { enterAppeal, enterAppealAnswer } from './conversations';
import { appealCallbacks, appealPatterns, threadKeyboard } from './keyboards';
import type { AttachmentInput } from './repo';
import type { ActResult, AppealsService } from './service';
import { appealLine, type Texts, threadPages } from './views';

export interface AppealsFeatureDeps {
  appeals: AppealsService;
  timeZone: string;
}

/** An appeal number as printed in prompts and notices. */
const APPEAL_NUMBER = /А-\d{4}-\d{6}/;

/**
 * The resident's side of appeals: `/appeals` (paged, the thread on tap), answering a staff reply
 * (a Telegram reply to the bot's prompt, which names the appeal) and closing. Ids in buttons are
 * untrusted: the service answers «not found» for anybody else's appeal and audits it.
 */
export function createAppealsFeature({
  appeals,
  timeZone,
}: AppealsFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');
  const textsOf = async (ctx: BotContext): Promise<Texts> => ({
    t: (key, vars) => ctx.t(key, vars),
    locale: (await ctx.i18n.getLocale()) ?? 'ru',
    timeZone,
  });

  const resident = async (ctx: BotContext) => {
    const user = await ctx.resident();
    if (!user) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t('appeals-login-first'));
    }
    return user;
  };

  const showList = async (ctx: BotContext, page: number) => {
    const user = await resident(ctx);
    if (!user) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const list = await appeals.listOwn(user.id, page);
    const texts = await textsOf(ctx);
    if (list.items.length === 0) {
      await ctx.reply(ctx.t('appeals-list-empty'));
      return;
    }
    const rows: InlineKeyboardButton[][] = list.items.map((a) => [
      { text: a.number, callback_data: appealCallbacks.open(a.id) },
    ]);
    const nav: InlineKeyboardButton[] = [];
    if (list.page > 0) nav.push({ text: '◀️', callback_data: appealCallbacks.page(list.page - 1) });
    if (list.page + 1 < list.pages) {
      nav.push({ text: '▶️', callback_data: appealCallbacks.page(list.page + 1) });
    }
    if (nav.length > 0) rows.push(nav);
    await ctx.reply(
      [
        ctx.t('appeals-list-title', { page: list.page + 1, pages: list.pages }),
        '',
        ...list.items.map((a) => appealLine(texts, a)),
      ].join('\n'),
      { reply_markup: { inline_keyboard: rows } },
    );
  };

  const startAppeal = async (ctx: BotContext) => {
    if (await resident(ctx)) await enterAppeal(ctx);
  };
  privateChat.command('appeal', startAppeal);
  // «Счётчик заменили?» from /reading: a value below the last one, or one taken as a rollover.
  privateChat.command('replaced', async (ctx) => {
    if (await resident(ctx)) await enterAppeal(ctx, { topic: 'meter-replacement' });
  });
  privateChat.filter(hearsButton('button-appeal'), startAppeal);
  privateChat.callbackQuery(appealPatterns.start, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startAppeal(ctx);
  });
  // «Отправить это как обращение?»: the text is the message the hint quoted (Telegram's copy,
  // not callback data), so it cannot be forged into someone else's words.
  privateChat.callbackQuery(appealPatterns.fromText, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!(await resident(ctx))) return;
    const quoted = ctx.callbackQuery.message?.reply_to_message;
    const text = quoted?.from?.id === ctx.from.id ? quoted.text : undefined;
    // The same limit as /appeal, said with the limit: a longer text is refused whole, never cut.
    if (text && text.trim().length > MAX_APPEAL_TEXT) {
      await ctx.reply(ctx.t('appeals-from-text-too-long', { max: MAX_APPEAL_TEXT }));
      return;
    }
    await enterAppeal(ctx, text ? { text } : undefined);
  });
  privateChat.command('appeals', (ctx) => showList(ctx, 0));
  privateChat.callbackQuery(appealPatterns.page, (ctx) => showList(ctx, Number(ctx.match[1])));

  /**
   * One page of the thread: a tap on the appeal opens its newest page as a new message; «◀ Раньше»
   * and «Позже ▶» turn the pages in place.
   */
  const showThread = async (ctx: BotContext, appealId: number, page?: number) => {
    const user = await resident(ctx);
    if (!user || !ctx.from) return;
    const thread = await appeals.threadOwn(user.id, appealId, ctx.from.id);
    if (!thread) {
      await ctx.answerCallbackQuery({ text: ctx.t('appeals-not-found'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const pages = threadPages(await textsOf(ctx), thread);
    const shown = Math.min(page ?? pages.length - 1, pages.length - 1);
    const text = pages[shown] ?? '';
    const reply_markup = threadKeyboard(ctx.t, thread, shown, pages.length);
    if (page === undefined) {
      await ctx.reply(text, { reply_markup });
      return;
    }
    // A page turned in place; a message too old to edit gets the page as a new one.
    await ctx.editMessageText(text, { reply_markup }).catch(async (error: unknown) => {
      if (String(error).includes('message is not modified')) return;
      await ctx.reply(text, { reply_markup });
    });
  };
  privateChat.callbackQuery(appealPatterns.open, (ctx) => showThread(ctx, Number(ctx.match[1])));
  privateChat.callbackQuery(appealPatterns.thread, (ctx) =>
    showThread(ctx, Number(ctx.match[1]), Number(ctx.match[2])),
  );

  privateChat.callbackQuery(appealPatterns.reply, async (ctx) => {
    const user = await resident(ctx);
    if (!user) return;
    const thread = await appeals.threadOwn(user.id, Number(ctx.match[1]), ctx.from.id);
    if (!thread || thread.status === 'closed') {
      await ctx.answerCallbackQuery({
        text: ctx.t(thread ? 'appeals-not-allowed' : 'appeals-not-found'),
        show_alert: true,
      });
      return;
    }
    await ctx.answerCallbackQuery();
    // A kit flow: the next message is the answer, with Cancel and /cancel back to the menu.
    await enterAppealAnswer(ctx, { appealId: thread.id });
  });

  /** The staff's card shows the status the resident's move left, with the buttons that still apply. */
  const redrawStaffCard = async (ctx: BotContext, appealId: number) => {
    const card = await appeals.currentCard(appealId);
    if (!card) return;
    const markup = card.payload.reply_markup;
    await ctx.api
      .editMessageText(card.chatId, card.messageId, card.payload.text, {
        reply_markup: markup && 'inline_keyboard' in markup ? markup : undefined,
      })
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'could not redraw the appeal card'));
  };

  privateChat.callbackQuery(appealPatterns.close, async (ctx) => {
    const user = await resident(ctx);
    if (!user) return;
    const result = await appeals.residentClose({
      userId: user.id,
      telegramUserId: ctx.from.id,
      appealId: Number(ctx.match[1]),
    });
    await answerOutcome(ctx, result, 'appeals-closed-by-you');
    if (result.kind === 'done') await redrawStaffCard(ctx, result.appeal.id);
  });

  // A reply to the bot's prompt (or to a staff answer) that names an appeal: the resident's answer.
  // Voice, video or stickers get a polite word about what is accepted instead of silence.
  privateChat.on('message', async (ctx, next) => {
    const replied = ctx.message.reply_to_message;
    if (!replied || replied.from?.id !== ctx.me.id) return next();
    const number = (replied.text ?? replied.caption ?? '').match(APPEAL_NUMBER)?.[0];
    const text = ctx.message.text ?? ctx.message.caption ?? '';
    if (!number || text.startsWith('/')) return next();
    const user = await resident(ctx);
    if (!user) return;
    if (ctx.message.text === undefined && !ctx.message.photo && !ctx.message.document) {
      await ctx.reply(ctx.t('appeals-reply-kinds'));
      return;
    }
    const appealId = await appeals.idByNumber(number);
    const attachments: AttachmentInput[] = [];
    const photo = ctx.message.photo?.at(-1);
    if (photo) attachments.push({ kind: 'photo', fileId: photo.file_id });
    if (ctx.message.document) {
      attachments.push({
        kind: 'document',
        fileId: ctx.message.document.file_id,
        fileName: ctx.message.document.file_name ?? null,
        mimeType: ctx.message.document.mime_type ?? null,
      });
    }
    const result =
      appealId === undefined
        ? ({ kind: 'not-found' } as const)
        : await appeals.residentAnswer({
            userId: user.id,
            telegramUserId: ctx.from.id,
            appealId,
            text: text || ctx.t('appeals-attachment-only'),
            attachments,
          });
    // An answer to an appeal already closed is not lost: offered as a new appeal (the offer quotes
    // this message, the way «Отправить это как обращение» works for free text).
    if (result.kind === 'not-allowed' && result.appeal.status === 'closed') {
      await ctx.reply(ctx.t('appeals-closed-offer-new', { number: result.appeal.number }), {
        reply_parameters: { message_id: ctx.message.message_id },
        reply_markup: {
          inline_keyboard: [
            [{ text: ctx.t('appeals-send-as-appeal'), callback_data: appealCallbacks.fromText }],
          ],
        },
      });
      return;
    }
    await answerOutcome(ctx, result, 'appeals-answer-sent');
    if (result.kind === 'done') await redrawStaffCard(ctx, result.appeal.id);
  });

  // Free text nobody understood, from a logged-in resident: the hint, and an offer to send it on.
  privateChat.on('message:text', async (ctx, next) => {
    if (ctx.message.text.startsWith('/')) return next();
    if (!(await ctx.resident())) return next();
    await ctx.reply(ctx.t('appeals-unhandled-hint'), {
      reply_parameters: { message_id: ctx.message.message_id },
      reply_markup: {
        inline_keyboard: [
          [{ text: ctx.t('appeals-send-as-appeal'), callback_data: appealCallbacks.fromText }],
        ],
      },
    });
  });
  return feature;
}

async function answerOutcome(ctx: BotContext, result: ActResult, doneKey: string): Promise<void> {
  const text =
    result.kind === 'done'
      ? ctx.t(doneKey, { number: result.appeal.number })
      : result.kind === 'not-allowed'
        ? ctx.t('appeals-not-allowed')
        : result.kind === 'too-long'
          ? ctx.t('appeals-text-too-long', { max: result.max })
          : ctx.t('appeals-not-found');
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery(result.kind === 'done' ? undefined : { text, show_alert: true });
    if (result.kind !== 'done') return;
  }
  await ctx.reply(text);
}
