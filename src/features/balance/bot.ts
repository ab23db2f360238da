import { hearsButton } from '../../core/i18n';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../core/context';
import { formatLocale, formatPeriod, formatPeriodShort, zoneName } from '../../core/format';
import type { RenderPool } from '../../core/render-pool/index';
import { renderOrSayBusy } from '../../core/render-pool/busy';
import { accountButtons } from '../accounts/keyboards';
import { residentOrLoginHint } from '../help/guard';
import { balanceButtons, balanceKeyboard, balancePatterns, historyKeyboard } from './keyboards';
import { isPeriod } from './rules';
import type { BalanceService } from './service';
import { balanceText, historyText } from './views';

export interface BalanceFeatureDeps {
  balance: BalanceService;
  /** The app's render pool: the chart is drawn off the event loop. */
  renderPool: Pick<RenderPool, 'renderChart'>;
}

/** The id and (for history) the period captured by a validated callback pattern. */
function matchedArgs(ctx: BotContext): { accountId?: number; period?: string } {
  const match = typeof ctx.match === 'object' && ctx.match ? ctx.match : [];
  const id = Number(match[1]);
  const period = match[2];
  return {
    accountId: Number.isSafeInteger(id) && id > 0 ? id : undefined,
    period: period && isPeriod(period) ? period : undefined,
  };
}

/** /balance, the monthly history (paged) and the consumption chart of the current account. */
export function createBalanceFeature({
  balance,
  renderPool,
}: BalanceFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');
  const localeOf = async (ctx: BotContext) => (await ctx.i18n.getLocale()) ?? 'ru';

  const refuse = (ctx: BotContext) =>
    ctx.answerCallbackQuery({ text: ctx.t('accounts-not-yours'), show_alert: true });

  const showBalance = async (ctx: BotContext, accountId: number): Promise<boolean> => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return true;
    const summary = await balance.summary(user.id, accountId, ctx.from?.id);
    if (!summary) return false;
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(balanceText(ctx, summary, await localeOf(ctx)), {
      reply_markup: balanceKeyboard(ctx, accountId, accountButtons.list),
    });
    return true;
  };

  const balanceCommand = async (ctx: BotContext) => {
    const user = await residentOrLoginHint(ctx);
    if (!user || !ctx.from) return;
    const summary = await balance.currentSummary(user.id, ctx.from.id);
    if (!summary) {
      await ctx.reply(ctx.t('balance-no-accounts'), {
        reply_markup: new InlineKeyboard().text(ctx.t('button-account-link'), accountButtons.link),
      });
      return;
    }
    await ctx.reply(balanceText(ctx, summary, await localeOf(ctx)), {
      reply_markup: balanceKeyboard(ctx, summary.accountId, accountButtons.list),
    });
  };
  privateChat.command('balance', balanceCommand);
  privateChat.filter(hearsButton('button-balance'), balanceCommand);

  privateChat.callbackQuery(balancePatterns.show, async (ctx) => {
    const { accountId } = matchedArgs(ctx);
    if (accountId === undefined || !(await showBalance(ctx, accountId))) await refuse(ctx);
  });

  privateChat.callbackQuery(balancePatterns.history, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const { accountId, period } = matchedArgs(ctx);
    const page =
      accountId === undefined
        ? undefined
        : await balance.history(user.id, accountId, period, ctx.from.id);
    if (!page) {
      await refuse(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    const text = historyText(ctx, page, await localeOf(ctx));
    const reply_markup = historyKeyboard(ctx, page);
    // Paging edits the history message in place; the first page arrives as a new message.
    if (period !== undefined && ctx.callbackQuery.message) {
      await ctx.editMessageText(text, { reply_markup }).catch(async (error: unknown) => {
        if (!String(error).includes('message is not modified'))
          await ctx.reply(text, { reply_markup });
      });
    } else {
      await ctx.reply(text, { reply_markup });
    }
  });

  privateChat.callbackQuery(balancePatterns.chart, async (ctx) => {
    const user = await residentOrLoginHint(ctx);
    if (!user) return;
    const { accountId } = matchedArgs(ctx);
    const series =
      accountId === undefined
        ? undefined
        : await balance.consumption(user.id, accountId, 12, ctx.from.id);
    if (!series) {
      await refuse(ctx);
      return;
    }
    await ctx.answerCallbackQuery();
    const first = series.periods[0];
    const last = series.periods.at(-1);
    if (!first || !last) {
      await ctx.reply(ctx.t('balance-chart-empty'));
      return;
    }
    await ctx.replyWithChatAction('upload_photo').catch(() => {});
    const locale = await localeOf(ctx);
    const zoneNames: Record<string, string> = {};
    for (const zone of series.zones) zoneNames[zone] = zoneName(ctx.t, series.zones.length, zone);
    const labels = {
      title: ctx.t('balance-chart-title'),
      volumeAxis: ctx.t('balance-chart-volume'),
      chargesAxis: ctx.t('balance-chart-charges'),
      months: series.periods.map((p) => formatPeriodShort(p, formatLocale(locale))),
      zoneNames,
    };
    // A full render queue: «try again in a minute», the chart button again and the balance.
    const png = await renderOrSayBusy(
      ctx,
      'chart',
      () => renderPool.renderChart(series, labels),
      new InlineKeyboard()
        .text(ctx.t('button-retry'), balanceButtons.chart(series.accountId))
        .row()
        .text(ctx.t('button-balance'), balanceButtons.show(series.accountId)),
    );
    if (!png) return;
    await ctx.replyWithPhoto(new InputFile(png, 'chart.png'), {
      caption: ctx.t('balance-chart-caption', {
        from: formatPeriod(first, formatLocale(locale)),
        to: formatPeriod(last, formatLocale(locale)),
        number: series.number,
      }),
      reply_markup: new InlineKeyboard().text(
        ctx.t('button-balance'),
        balanceButtons.show(series.accountId),
      ),
    });
  });
  return feature;
}
