import { formatDate, formatKwh, localeOf as formatLocaleOf } from '../../core/format';
import { hearsButton } from '../../core/i18n';
import { Composer } from 'grammy';
import type { BotContext } from '../../core/context';
import { enterReading, zoneLabel } from './conversations';
import {
  historyKeyboard,
  readingsPatterns,
  remindersKeyboard,
  remindersSwitchButtons,
  startReadingKeyboard,
} from './keyboards';
import type { ZoneCode } from './rules';
import type { HistoryItem, HistoryPage, ReadingsService } from './service';
import { readingStatusText } from './views';

export interface ReadingsFeatureDeps {
  readings: ReadingsService;
}

const ROLE_OF: Record<ZoneCode, Record<number, Parameters<typeof zoneLabel>[1]>> = {
  T1: { 1: 'all-day', 2: 'day', 3: 'peak' },
  T2: { 2: 'night', 3: 'night' },
  T3: { 3: 'half-peak' },
};

function statusText(ctx: BotContext, item: HistoryItem): string {
  return readingStatusText((key, vars) => ctx.t(key, vars), item);
}

function historyText(ctx: BotContext, page: HistoryPage): string {
  const account = page.accountNumber;
  if (page.items.length === 0) return ctx.t('readings-history-empty', { account });
  const zonesOf = (serial: string) =>
    Math.max(...page.items.filter((i) => i.serial === serial).map((i) => Number(i.zone.slice(1))));
  const lines = page.items.map((item) => {
    const zone = item.zone as ZoneCode;
    const role = ROLE_OF[zone]?.[zonesOf(item.serial)];
    return ctx.t('readings-history-line', {
      date: formatDate(item.date, formatLocaleOf(ctx)),
      serial: item.serial,
      zone: role ? zoneLabel(ctx, role) : item.zone,
      value: formatKwh(item.valueMilli),
      status: statusText(ctx, item),
    });
  });
  return [
    ctx.t('readings-history-title', { account, page: page.page + 1, pages: page.pages }),
    '',
    ...lines,
  ].join('\n');
}

/**
 * /reading (the conversation is registered in the app), /readings — the history with statuses,
 * paged — and /reminders, the monthly reminder switch. Guests are asked to log in first; ids in
 * buttons are re-checked by the service (a forged account id gets a refusal).
 */
export function createReadingsFeature({ readings }: ReadingsFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  const resident = async (ctx: BotContext) => {
    const user = await ctx.resident();
    if (!user) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t('readings-login-first'));
    }
    return user;
  };

  const showHistory = async (ctx: BotContext, accountId: number | undefined, page: number) => {
    const user = await resident(ctx);
    if (!user || !ctx.from) return;
    const account =
      accountId === undefined ? await readings.currentAccount(ctx.from.id, user.id) : undefined;
    const id = accountId ?? account?.id;
    if (id === undefined) {
      await ctx.reply(ctx.t('readings-no-account'));
      return;
    }
    const history = await readings.history(user.id, id, page);
    if (!history) {
      if (ctx.callbackQuery) {
        await ctx.answerCallbackQuery({ text: ctx.t('readings-access-denied'), show_alert: true });
      } else {
        await ctx.reply(ctx.t('readings-access-denied'));
      }
      return;
    }
    if (ctx.callbackQuery) await ctx.answerCallbackQuery();
    await ctx.reply(historyText(ctx, history), {
      reply_markup: historyKeyboard(ctx, {
        accountId: id,
        page: history.page,
        pages: history.pages,
        remindersEnabled: await readings.remindersEnabled(user.id),
      }),
    });
  };

  privateChat.command('reading', async (ctx) => {
    if (await resident(ctx)) await enterReading(ctx);
  });
  privateChat.filter(hearsButton('button-reading'), async (ctx) => {
    if (await resident(ctx)) await enterReading(ctx);
  });
  privateChat.callbackQuery(readingsPatterns.start, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (await resident(ctx)) await enterReading(ctx);
  });
  // A summary or "are you sure?" button pressed after its flow ended (a restart, /start, another
  // command): nothing was sent; say so and offer to start again, never a silent loss.
  const orphan = [
    readingsPatterns.send,
    readingsPatterns.edit,
    readingsPatterns.sure,
    readingsPatterns.fix,
    readingsPatterns.meter,
  ];
  privateChat.callbackQuery(orphan, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => {});
    await ctx.reply(ctx.t('readings-not-sent'), { reply_markup: startReadingKeyboard(ctx) });
  });
  privateChat.command('readings', (ctx) => showHistory(ctx, undefined, 0));
  privateChat.callbackQuery(readingsPatterns.history, (ctx) =>
    showHistory(ctx, Number(ctx.match[1]), Number(ctx.match[2])),
  );

  privateChat.command('reminders', async (ctx) => {
    const user = await resident(ctx);
    if (!user) return;
    const enabled = await readings.remindersEnabled(user.id);
    await ctx.reply(
      ctx.t(enabled ? 'readings-reminders-state-on' : 'readings-reminders-state-off'),
      {
        reply_markup: remindersKeyboard(ctx, enabled),
      },
    );
  });
  privateChat.callbackQuery(readingsPatterns.reminders, async (ctx) => {
    const user = await resident(ctx);
    if (!user) return;
    const enabled = ctx.match[1] === '1';
    await readings.setRemindersEnabled(user.id, enabled);
    await ctx.answerCallbackQuery();
    // The pressed message's switch shows the old state: turn it into the new one in place.
    const pressed = ctx.callbackQuery.message?.reply_markup?.inline_keyboard ?? [];
    if (pressed.length === 1 && pressed[0]?.length === 1) {
      // The /reminders message: its switch goes; the new state follows with a fresh one.
      await ctx.editMessageReplyMarkup().catch(() => {});
    } else {
      const fresh = pressed.map((row) =>
        row.flatMap((button) =>
          'callback_data' in button && readingsPatterns.reminders.test(button.callback_data ?? '')
            ? remindersSwitchButtons(ctx, enabled)
            : [button],
        ),
      );
      await ctx
        .editMessageReplyMarkup({ reply_markup: { inline_keyboard: fresh } })
        .catch(() => {});
    }
    await ctx.reply(
      ctx.t(enabled ? 'readings-reminders-state-on' : 'readings-reminders-state-off'),
      {
        reply_markup: remindersKeyboard(ctx, enabled),
      },
    );
  });
  return feature;
}
