import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../../core/context';
import { readingStatusText } from '../../readings/views';
import { formatConsentVersion, formatDateTime, formatLocale } from '../../../core/format';
import { isLocale, type Locale } from '../../../core/i18n';
import { residentOrLoginHint } from '../../help/guard';
import { splitForTelegram } from '../consent';
import { enterWithdraw } from './conversations';
import { privacyKeyboard, rightsButtons, rightsPatterns } from './keyboards';
import type { RightsService } from './service';
import { myDataDocument, readingStatusOf } from './views';
import type { RenderPdf } from '../../../core/render-pool/index';
import { renderOrSayBusy } from '../../../core/render-pool/busy';

export interface RightsFeatureDeps {
  rights: RightsService;
  timeZone: string;
  /** The app's render pool: the `/mydata` PDF is made off the event loop. */
  renderPdf: RenderPdf;
}

async function localeOf(ctx: BotContext): Promise<Locale> {
  const locale = await ctx.i18n.getLocale();
  return isLocale(locale) ? locale : 'ru';
}

async function requireActor(ctx: BotContext) {
  const user = await residentOrLoginHint(ctx, 'profile-login-first');
  return user ? { userId: user.id, telegramUserId: user.telegramUserId } : undefined;
}

/** /privacy, /mydata and /withdraw (152-ФЗ rights) for logged-in residents. */
export function createRightsFeature(deps: RightsFeatureDeps): Composer<BotContext> {
  const { rights } = deps;
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  privateChat.command('privacy', async (ctx) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    const locale = await localeOf(ctx);
    const consent = await rights.consent(actor.userId, locale);
    for (const part of splitForTelegram(consent.text)) await ctx.reply(part);
    const given = consent.acceptedAt
      ? ctx.t('rights-consent-given', {
          time: formatDateTime(consent.acceptedAt, deps.timeZone, formatLocale(locale)),
          version: formatConsentVersion(consent.version, formatLocale(locale)),
        })
      : ctx.t('rights-consent-none', {
          version: formatConsentVersion(consent.version, formatLocale(locale)),
        });
    await ctx.reply(`${given}\n\n${ctx.t('rights-actions')}`, {
      reply_markup: privacyKeyboard(ctx),
    });
  });

  const sendMyData = async (ctx: BotContext) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    const locale = await localeOf(ctx);
    const t = (key: string, vars?: Record<string, string | number>) => ctx.t(key, vars);
    const result = await rights.export(actor.userId, actor.telegramUserId, locale, (r) =>
      readingStatusText(t, readingStatusOf(r)),
    );
    if (result.kind === 'limited') {
      const time = formatDateTime(result.retryAt, deps.timeZone, formatLocale(locale));
      await ctx.reply(ctx.t('rights-mydata-limited', { time }));
      return;
    }
    const files = result.files;
    await ctx.reply(ctx.t('rights-mydata-preparing'));
    // The PDF renders in the worker pool meanwhile; the chat shows «отправляет файл…».
    await ctx.replyWithChatAction('upload_document').catch(() => {});
    // A full render queue: nothing is sent, the export's limit slots are given back, and the
    // resident is asked to try again in a minute (with the button for it).
    const pdf = await renderOrSayBusy(
      ctx,
      'mydata',
      () => deps.renderPdf(myDataDocument(files.data, t, locale, deps.timeZone)),
      new InlineKeyboard().text(ctx.t('button-retry'), rightsButtons.mydata),
    );
    if (!pdf) {
      await rights.exportNotDelivered(actor.userId);
      return;
    }
    await ctx.replyWithDocument(new InputFile(files.json, `${files.baseName}.json`), {
      caption: ctx.t('rights-mydata-json'),
    });
    await ctx.replyWithDocument(new InputFile(pdf, `${files.baseName}.pdf`), {
      caption: ctx.t('rights-mydata-pdf'),
    });
  };
  privateChat.command('mydata', sendMyData);
  privateChat.callbackQuery(rightsPatterns.mydata, sendMyData);

  const startWithdrawal = async (ctx: BotContext) => {
    const actor = await requireActor(ctx);
    if (!actor) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await enterWithdraw(ctx);
  };
  privateChat.command('withdraw', startWithdrawal);
  privateChat.callbackQuery(rightsPatterns.withdraw, startWithdrawal);

  // The withdrawal steps are obeyed only inside the withdrawal conversation (server-side state):
  // pressed from an old message or forged, they are refused and nothing changes.
  privateChat.callbackQuery(
    [rightsPatterns.continue, rightsPatterns.erase, rightsPatterns.keep],
    async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => {});
      await ctx.reply(ctx.t('rights-withdraw-expired'));
    },
  );
  return feature;
}
