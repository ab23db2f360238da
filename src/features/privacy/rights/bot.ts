import { Composer, InputFile } from 'grammy';
import type { BotContext } from '../../../core/context';
import { isLocale, type Locale } from '../../../core/i18n';
import type { AuthService } from '../../auth/service';
import { guestKeyboard } from '../../help/keyboards';
import { requireActor } from '../../profile/bot';
import { formatConsentVersion, formatDateTime, formatLocale } from '../../../core/format';
import { splitForTelegram } from '../consent';
import {
  privacyKeyboard,
  rightsPatterns,
  withdrawStepOneKeyboard,
  withdrawStepTwoKeyboard,
} from './keyboards';
import type { RightsService } from './service';
import type { Clock } from '../../../core/clock';

/** A withdrawal confirmation older than this is refused: the resident starts again. */
const CONFIRM_TTL_S = 10 * 60;

export interface RightsFeatureDeps {
  auth: AuthService;
  rights: RightsService;
  timeZone: string;
  notifySessionEnded: (telegramUserIds: number[], key: string) => Promise<void>;
  clock: Clock;
}

async function localeOf(ctx: BotContext): Promise<Locale> {
  const locale = await ctx.i18n.getLocale();
  return isLocale(locale) ? locale : 'ru';
}

/** /privacy, /mydata and /withdraw (152-ФЗ rights) for logged-in residents. */
export function createRightsFeature(deps: RightsFeatureDeps): Composer<BotContext> {
  const { auth, rights } = deps;
  const now = () => Math.floor(deps.clock().getTime() / 1000);
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  privateChat.command('privacy', async (ctx) => {
    const actor = await requireActor(ctx, auth);
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
    const actor = await requireActor(ctx, auth);
    if (!actor) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('rights-mydata-preparing'));
    const files = await rights.export(actor.userId, actor.telegramUserId, await localeOf(ctx));
    await ctx.replyWithDocument(new InputFile(files.json, `${files.baseName}.json`), {
      caption: ctx.t('rights-mydata-json'),
    });
    await ctx.replyWithDocument(new InputFile(files.pdf, `${files.baseName}.pdf`), {
      caption: ctx.t('rights-mydata-pdf'),
    });
  };
  privateChat.command('mydata', sendMyData);
  privateChat.callbackQuery(rightsPatterns.mydata, sendMyData);

  const startWithdrawal = async (ctx: BotContext) => {
    const actor = await requireActor(ctx, auth);
    if (!actor) return;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t('rights-withdraw-step1'), {
      reply_markup: withdrawStepOneKeyboard(ctx, now()),
    });
  };
  privateChat.command('withdraw', startWithdrawal);
  privateChat.callbackQuery(rightsPatterns.withdraw, startWithdrawal);

  const fresh = (at: string | undefined) => {
    const shown = Number(at);
    return Number.isFinite(shown) && now() - shown <= CONFIRM_TTL_S && shown <= now() + 60;
  };

  privateChat.callbackQuery(rightsPatterns.continue, async (ctx) => {
    const actor = await requireActor(ctx, auth);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => {});
    if (!fresh(ctx.match[1])) {
      await ctx.reply(ctx.t('rights-withdraw-expired'));
      return;
    }
    await ctx.reply(ctx.t('rights-withdraw-step2'), {
      reply_markup: withdrawStepTwoKeyboard(ctx, Number(ctx.match[1])),
    });
  });

  privateChat.callbackQuery(rightsPatterns.keep, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => {});
    await ctx.reply(ctx.t('rights-withdraw-kept'));
  });

  privateChat.callbackQuery(rightsPatterns.erase, async (ctx) => {
    const actor = await requireActor(ctx, auth);
    if (!actor) return;
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => {});
    if (!fresh(ctx.match[1])) {
      await ctx.reply(ctx.t('rights-withdraw-expired'));
      return;
    }
    const report = await rights.withdraw(actor.userId, actor.telegramUserId);
    await ctx.conversation.exitAll();
    await ctx.reply(
      ctx.t('rights-withdraw-done', {
        sessions: report.sessions,
        accounts: report.accountsUnlinked,
        readings: report.readingsKept,
      }),
      { reply_markup: { remove_keyboard: true } },
    );
    await deps.notifySessionEnded(report.others, 'rights-session-ended');
    await ctx.reply(ctx.t('profile-login-first'), { reply_markup: guestKeyboard(ctx) });
  });
  return feature;
}
