import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import type { AuthService } from '../auth/service';
import {
  CANCEL_DATA,
  cancelKeyboard,
  meterKeyboard,
  readingsPatterns,
  summaryKeyboard,
  sureKeyboard,
} from './keyboards';
import type { ZoneCode } from './rules';
import {
  displayDate,
  type MeterChoice,
  type PreparedReading,
  type ReadingForm,
  type ReadingRefusal,
  type ReadingsService,
  type WindowView,
  type ZoneCheck,
  type ZoneForm,
} from './service';

export const READING_CONVERSATION = 'reading';

/** Bounds: no question is asked for ever. */
const TRIES_PER_QUESTION = 5;
const EDIT_ROUNDS = 3;

export interface ReadingConversationDeps {
  auth: Pick<AuthService, 'currentUser'>;
  readings: ReadingsService;
  operatorPhone: string;
  window: { startDay: number; endDay: number };
}

type Ctx = ConversationContext;
type Translating = Pick<ConversationContext, 't'>;

/** kWh for people: grouped thousands, up to three decimals, in the reader's convention. */
export function formatKwh(milli: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'ru-RU', {
    maximumFractionDigits: 3,
  }).format(milli / 1000);
}

/** Rubles the Russian way (DESIGN: `ru-RU`, RUB) whatever the language. */
export function formatRub(kopecks: number): string {
  return new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' }).format(
    kopecks / 100,
  );
}

/** `YYYY-MM` → `MM.YYYY`. */
export function periodLabel(period: string): string {
  const [year, month] = period.split('-');
  return `${month}.${year}`;
}

/** A zone's name as printed on the meter and the receipt. */
export function zoneLabel(ctx: Translating, role: ZoneForm['role']): string {
  return ctx.t(`readings-zone-${role}`);
}

/** Why a reading cannot be taken, in words, with what to do. */
export function refusalText(
  ctx: Translating,
  refusal: ReadingRefusal,
  details: {
    meter?: MeterChoice;
    window?: WindowView;
    operatorPhone: string;
    startDay: number;
    endDay: number;
  },
): string {
  switch (refusal) {
    case 'automated':
      return ctx.t('readings-refused-automated', { serial: details.meter?.serial ?? '' });
    case 'verification-expired':
      return ctx.t('readings-refused-verification', {
        serial: details.meter?.serial ?? '',
        date: details.meter?.verifiedUntil ? displayDate(details.meter.verifiedUntil) : '',
        phone: details.operatorPhone,
      });
    case 'window-closed':
      return ctx.t('readings-window-refused', {
        start: details.startDay,
        end: details.endDay,
        opens: details.window?.opensOn ? displayDate(details.window.opensOn) : '',
      });
    case 'already-billed':
      return ctx.t('readings-refused-billed', {
        period: details.window ? periodLabel(details.window.period) : '',
        phone: details.operatorPhone,
      });
    case 'not-linked':
      return ctx.t('readings-refused-not-linked');
  }
}

/** The outside-the-window notice when a late (or early) reading is still taken. */
export function windowNotice(ctx: Translating, window: WindowView): string | undefined {
  if (window.open || !window.accepts) return undefined;
  const opens = window.opensOn ? displayDate(window.opensOn) : '';
  // Before the window a reading counts for this month; after it, for the next one.
  return ctx.t(window.late ? 'readings-window-late' : 'readings-window-early', {
    period: periodLabel(window.period),
    opens,
  });
}

async function localeOf(ctx: Ctx): Promise<string> {
  return (await ctx.i18n.getLocale()) ?? 'ru';
}

type Waited =
  | { kind: 'text'; ctx: Ctx; text: string }
  | { kind: 'button'; ctx: Ctx; data: string }
  | { kind: 'cancelled' }
  | { kind: 'gave-up' };

/**
 * Waits for a text or one of `buttons` (callback patterns), re-asking on anything else, at most
 * {@link TRIES_PER_QUESTION} times. A command ends the conversation and is handled as usual
 * (`halt({ next: true })`): /start or /help must never be swallowed by a question.
 */
async function waitForAnswer(
  conversation: BotConversation,
  ctx: Ctx,
  input: { buttons: RegExp[]; acceptText: boolean; reprompt: () => Promise<unknown> },
): Promise<Waited> {
  for (let i = 0; i < TRIES_PER_QUESTION; i++) {
    const next = await conversation.wait();
    const data = next.callbackQuery?.data;
    if (data !== undefined) {
      if (data === CANCEL_DATA) {
        await next.answerCallbackQuery().catch(() => {});
        await next.reply(next.t('cancelled'));
        return { kind: 'cancelled' };
      }
      const button = input.buttons.find((pattern) => pattern.test(data));
      await next.answerCallbackQuery().catch(() => {});
      if (button) return { kind: 'button', ctx: next, data };
      await input.reprompt();
      continue;
    }
    const text = next.message?.text;
    if (text?.startsWith('/')) await conversation.halt({ next: true });
    if (text !== undefined && input.acceptText) return { kind: 'text', ctx: next, text };
    await next.reply(
      next.t(input.acceptText ? 'readings-text-expected' : 'readings-choose-button'),
    );
    await input.reprompt();
  }
  await ctx.reply(ctx.t('readings-too-many-tries'));
  return { kind: 'gave-up' };
}

/** The message for a zone whose typed value was refused. */
function zoneErrorText(
  ctx: Translating,
  check: ZoneCheck,
  form: ReadingForm,
  locale: string,
): string {
  if (check.status === 'below-previous') {
    return ctx.t('readings-bad-below', {
      previous: formatKwh(check.previousMilli, locale),
      date: check.previousDate ? displayDate(check.previousDate) : '',
    });
  }
  if (check.status === 'invalid')
    return ctx.t(`readings-bad-${check.reason}`, { digits: form.digits });
  return ctx.t('readings-bad-empty');
}

/** The question for one zone: the last accepted value and its date, and a replaced one if any. */
function zoneQuestion(ctx: Translating, zone: ZoneForm, form: ReadingForm, locale: string): string {
  const label = zoneLabel(ctx, zone.role);
  const question = zone.previous
    ? ctx.t('readings-ask-zone', {
        zone: label,
        serial: form.serial,
        previous: formatKwh(zone.previous.valueMilli, locale),
        date: displayDate(zone.previous.date),
      })
    : ctx.t('readings-ask-zone-first', { zone: label, serial: form.serial });
  return zone.sentThisPeriodMilli === null
    ? question
    : `${ctx.t('readings-sent-this-period', { value: formatKwh(zone.sentThisPeriodMilli, locale) })}\n\n${question}`;
}

/** The summary before saving: per zone previous → new, consumption, estimated charge; total. */
export function summaryText(
  ctx: Translating,
  prepared: Extract<PreparedReading, { ok: true }>,
  locale: string,
): string {
  const lines = [
    ctx.t('readings-summary-title', {
      serial: prepared.form.serial,
      period: periodLabel(prepared.form.window.period),
    }),
  ];
  for (const check of prepared.zones) {
    if (check.status !== 'ok') continue;
    const zone = prepared.form.zones.find((z) => z.zone === check.zone);
    const label = zone ? zoneLabel(ctx, zone.role) : check.zone;
    if (check.previousMilli === null || check.consumptionMilli === null) {
      lines.push(
        ctx.t('readings-summary-line-first', {
          zone: label,
          value: formatKwh(check.valueMilli, locale),
        }),
      );
      continue;
    }
    lines.push(
      ctx.t(
        check.kind === 'rollover' ? 'readings-summary-line-rollover' : 'readings-summary-line',
        {
          zone: label,
          previous: formatKwh(check.previousMilli, locale),
          value: formatKwh(check.valueMilli, locale),
          consumption: formatKwh(check.consumptionMilli, locale),
          charge: check.chargeKopecks === null ? '—' : formatRub(check.chargeKopecks),
        },
      ),
    );
  }
  if (prepared.totalChargeKopecks !== null && prepared.form.zones.length > 1) {
    lines.push(
      '',
      ctx.t('readings-summary-total', { total: formatRub(prepared.totalChargeKopecks) }),
    );
  }
  if (prepared.implausible) lines.push('', ctx.t('readings-summary-flagged'));
  return lines.join('\n');
}

/**
 * /reading: the current account's meter (picked by button if there are several), then each zone
 * in turn with the last accepted value shown; bad input is explained and asked again (bounded);
 * implausible values ask "are you sure?"; a summary with the estimate; Send → committed → the ids.
 * Every database call is in `conversation.external` and returns plain data, so replays are
 * exact; the service re-checks ownership of whatever id a button carried.
 */
export function createReadingConversation(deps: ReadingConversationDeps) {
  const details = (extra: { meter?: MeterChoice; window?: WindowView }) => ({
    ...extra,
    operatorPhone: deps.operatorPhone,
    startDay: deps.window.startDay,
    endDay: deps.window.endDay,
  });

  return async function readingConversation(
    conversation: BotConversation,
    ctx: Ctx,
  ): Promise<void> {
    const telegramUserId = ctx.from?.id;
    if (telegramUserId === undefined) return;
    const locale = await localeOf(ctx);
    const start = await conversation.external(async () => {
      const user = await deps.auth.currentUser(telegramUserId);
      if (!user) return { kind: 'guest' as const };
      const account = await deps.readings.currentAccount(telegramUserId, user.id);
      if (!account) return { kind: 'no-account' as const };
      const window = deps.readings.window();
      const meters = window.accepts
        ? ((await deps.readings.meterChoices(user.id, account.id)) ?? [])
        : [];
      return { kind: 'ok' as const, userId: user.id, account, window, meters };
    });
    if (start.kind === 'guest') {
      await ctx.reply(ctx.t('readings-login-first'));
      return;
    }
    if (start.kind === 'no-account') {
      await ctx.reply(ctx.t('readings-no-account'));
      return;
    }
    const { userId, account, window, meters } = start;
    // Refused outside the window: say when it opens, and ask nothing.
    if (!window.accepts) {
      await ctx.reply(refusalText(ctx, 'window-closed', details({ window })));
      return;
    }
    const notice = windowNotice(ctx, window);
    if (notice) await ctx.reply(notice);
    if (meters.length === 0) {
      await ctx.reply(ctx.t('readings-no-meters', { account: account.number }));
      return;
    }

    let meterId = meters[0]?.meterId ?? 0;
    if (meters.length > 1) {
      const ask = () =>
        ctx.reply(ctx.t('readings-choose-meter', { account: account.number }), {
          reply_markup: meterKeyboard(ctx, meters),
        });
      await ask();
      const picked = await waitForAnswer(conversation, ctx, {
        buttons: [readingsPatterns.meter],
        acceptText: false,
        reprompt: ask,
      });
      if (picked.kind !== 'button') return;
      meterId = Number(readingsPatterns.meter.exec(picked.data)?.[1]);
    }

    const opened = await conversation.external(() => deps.readings.readingForm(userId, meterId));
    if (!opened.ok) {
      await ctx.reply(refusalText(ctx, opened.refusal, details(opened)));
      return;
    }
    const { form } = opened;

    for (let round = 0; round < EDIT_ROUNDS; round++) {
      const values: Partial<Record<ZoneCode, string>> = {};
      for (const zone of form.zones) {
        const ask = () =>
          ctx.reply(zoneQuestion(ctx, zone, form, locale), { reply_markup: cancelKeyboard(ctx) });
        await ask();
        let accepted = false;
        for (let i = 0; i < TRIES_PER_QUESTION && !accepted; i++) {
          const answer = await waitForAnswer(conversation, ctx, {
            buttons: [],
            acceptText: true,
            reprompt: ask,
          });
          if (answer.kind !== 'text') return;
          const text = answer.text;
          const checked = await conversation.external(() =>
            deps.readings.prepareReading(userId, meterId, { ...values, [zone.zone]: text }),
          );
          if (!checked.ok) {
            await ctx.reply(refusalText(ctx, checked.refusal, details(checked)));
            return;
          }
          const verdict = checked.zones.find((z) => z.zone === zone.zone);
          if (verdict?.status === 'ok') {
            values[zone.zone] = text;
            accepted = true;
          } else if (verdict) {
            await ctx.reply(zoneErrorText(ctx, verdict, form, locale), {
              reply_markup: cancelKeyboard(ctx),
            });
          }
        }
        if (!accepted) {
          await ctx.reply(ctx.t('readings-too-many-tries'));
          return;
        }
      }

      const prepared = await conversation.external(() =>
        deps.readings.prepareReading(userId, meterId, values),
      );
      if (!prepared.ok) {
        await ctx.reply(refusalText(ctx, prepared.refusal, details(prepared)));
        return;
      }
      if (!prepared.complete) continue;

      if (prepared.implausible) {
        const strange = prepared.zones.filter((z) => z.status === 'ok' && z.implausible !== null);
        const text = strange
          .map((z) => {
            const zoneForm = form.zones.find((f) => f.zone === z.zone);
            const consumption = z.status === 'ok' ? (z.consumptionMilli ?? 0) : 0;
            return ctx.t('readings-implausible', {
              zone: zoneForm && form.zones.length > 1 ? zoneLabel(ctx, zoneForm.role) : '',
              consumption: formatKwh(consumption, locale),
            });
          })
          .join('\n\n');
        const ask = () => ctx.reply(text, { reply_markup: sureKeyboard(ctx) });
        await ask();
        const sure = await waitForAnswer(conversation, ctx, {
          buttons: [readingsPatterns.sure, readingsPatterns.fix],
          acceptText: false,
          reprompt: ask,
        });
        if (sure.kind !== 'button') return;
        if (readingsPatterns.fix.test(sure.data)) continue;
      }

      const showSummary = () =>
        ctx.reply(summaryText(ctx, prepared, locale), { reply_markup: summaryKeyboard(ctx) });
      await showSummary();
      const decision = await waitForAnswer(conversation, ctx, {
        buttons: [readingsPatterns.send, readingsPatterns.edit],
        acceptText: false,
        reprompt: showSummary,
      });
      if (decision.kind !== 'button') return;
      if (readingsPatterns.edit.test(decision.data)) continue;

      const result = await conversation.external(() =>
        deps.readings.submitReading(userId, meterId, values, {
          confirmedImplausible: prepared.implausible,
        }),
      );
      if (!result.ok) {
        if (result.refusal === 'invalid' || result.refusal === 'needs-confirmation') continue;
        await ctx.reply(refusalText(ctx, result.refusal, details({ window: form.window })));
        return;
      }
      const lines = [ctx.t('readings-accepted', { ids: result.ids.join(', ') })];
      if (result.replaced) lines.push(ctx.t('readings-accepted-replaced'));
      await ctx.reply(lines.join('\n'));
      return;
    }
    await ctx.reply(ctx.t('readings-too-many-tries'));
  };
}

/** Starts /reading. */
export function enterReading(ctx: BotContext) {
  return ctx.conversation.enter(READING_CONVERSATION);
}
