import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import type { ConversationKit, Said } from '../../core/conversation-kit/index';
import {
  belowPreviousKeyboard,
  meterKeyboard,
  readingsPatterns,
  summaryKeyboard,
  sureKeyboard,
} from './keyboards';
import {
  formatDate,
  formatKwh,
  formatLocale,
  formatMoney,
  formatMonth,
  formatPeriod,
  formatZone,
  localeOf as formatLocaleOf,
  type TariffZone,
} from '../../core/format';
import type { ReplacedMeter, ZoneCode } from './rules';
import { shortAddress } from '../accounts/rules';
import {
  type AcceptedReading,
  checkZoneOnForm,
  type MeterChoice,
  type PreparedReading,
  type ReadingForm,
  type ReadingRefusal,
  type ReadingsService,
  type WindowView,
  type ZoneCheck,
  type ZoneForm,
  prepareOnForm,
} from './service';

export const READING_CONVERSATION = 'reading';

/**
 * Summaries a flow may show: the first, and one after each «Исправить» (one zone typed again);
 * each question has the kit's bound as well.
 */
const EDIT_ROUNDS = 6;

export interface ReadingConversationDeps {
  readings: ReadingsService;
  kit: ConversationKit;
  operatorPhone: string;
  window: { startDay: number; endDay: number };
  /**
   * «Счётчик заменили?»: the appeal about a replaced meter, run as the next step of this flow with
   * what it knows (the appeals feature's module provides it). Without it, no such button.
   */
  reportReplacement?: (
    conversation: BotConversation,
    ctx: Ctx,
    replaced: ReplacedMeter,
  ) => Promise<void>;
}

/** A zone's answer: the value typed, or «Счётчик заменили?» pressed under a refusal. */
type ZoneAnswer = { kind: 'value'; text: string } | { kind: 'replaced' };

type Ctx = ConversationContext;
type Translating = Pick<ConversationContext, 't'>;

/** Rubles the Russian way (DESIGN: `ru-RU`, RUB) whatever the language. */
export function formatRub(kopecks: number): string {
  return formatMoney(kopecks);
}

/** `YYYY-MM` → «ноябрь 2026», in the reader's language. */
export function periodLabel(period: string, ctx?: Translating): string {
  return formatPeriod(period, ctx ? formatLocaleOf(ctx) : 'ru');
}

const CODE_OF_ROLE: Record<ZoneForm['role'], TariffZone> = {
  'all-day': 'T1',
  day: 'T1',
  peak: 'T1',
  night: 'T2',
  'half-peak': 'T3',
};

/** A zone's name as printed on the meter and the receipt, «Т2 ночь»: the one tariff-zone model. */
export function zoneLabel(ctx: Translating, role: ZoneForm['role']): string {
  return ctx.t(`zone-${role}`, { zone: formatZone(CODE_OF_ROLE[role]) });
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
        date: details.meter?.verifiedUntil
          ? formatDate(details.meter.verifiedUntil, formatLocaleOf(ctx))
          : '',
        phone: details.operatorPhone,
      });
    case 'window-closed':
      return ctx.t('readings-window-refused', {
        start: details.startDay,
        end: details.endDay,
        opens: details.window?.opensOn
          ? formatDate(details.window.opensOn, formatLocaleOf(ctx))
          : '',
      });
    case 'already-billed':
      return ctx.t('readings-refused-billed', {
        period: details.window ? periodLabel(details.window.period, ctx) : '',
        phone: details.operatorPhone,
      });
    case 'not-linked':
      return ctx.t('readings-refused-not-linked');
  }
}

/** The outside-the-window notice when a late (or early) reading is still taken. */
export function windowNotice(ctx: Translating, window: WindowView): string | undefined {
  if (window.open || !window.accepts) return undefined;
  const opens = window.opensOn ? formatDate(window.opensOn, formatLocaleOf(ctx)) : '';
  // Before the window a reading counts for this month; after it, for the next one.
  return ctx.t(window.late ? 'readings-window-late' : 'readings-window-early', {
    period: periodLabel(window.period, ctx),
    opens,
  });
}

async function localeOf(ctx: Ctx): Promise<string> {
  return (await ctx.i18n.getLocale()) ?? 'ru';
}

/** What to say about a zone whose typed value was refused. */
function zoneError(check: ZoneCheck, form: ReadingForm, locale: string): Said {
  if (check.status === 'below-previous') {
    return {
      key: 'readings-bad-below',
      vars: {
        previous: formatKwh(check.previousMilli),
        date: check.previousDate ? formatDate(check.previousDate, formatLocale(locale)) : '',
      },
    };
  }
  if (check.status === 'invalid')
    return { key: `readings-bad-${check.reason}`, vars: { digits: form.digits } };
  return { key: 'readings-bad-empty' };
}

/** The question for one zone: the last accepted value and its date, and a replaced one if any. */
function zoneQuestion(ctx: Translating, zone: ZoneForm, form: ReadingForm): string {
  const label = zoneLabel(ctx, zone.role);
  const question = zone.previous
    ? ctx.t('readings-ask-zone', {
        zone: label,
        serial: form.serial,
        previous: formatKwh(zone.previous.valueMilli),
        date: formatDate(zone.previous.date, formatLocaleOf(ctx)),
      })
    : ctx.t('readings-ask-zone-first', { zone: label, serial: form.serial });
  return zone.sentThisPeriodMilli === null
    ? question
    : `${ctx.t('readings-sent-this-period', {
        value: formatKwh(zone.sentThisPeriodMilli),
        month: formatMonth(form.window.period, formatLocaleOf(ctx)),
      })}\n\n${question}`;
}

/** The summary before saving: per zone previous → new, consumption, estimated charge; total. */
export function summaryText(
  ctx: Translating,
  prepared: Extract<PreparedReading, { ok: true }>,
): string {
  const lines = [
    ctx.t('readings-summary-title', {
      serial: prepared.form.serial,
      period: periodLabel(prepared.form.window.period, ctx),
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
          value: formatKwh(check.valueMilli),
        }),
      );
      continue;
    }
    lines.push(
      ctx.t(
        check.kind === 'rollover' ? 'readings-summary-line-rollover' : 'readings-summary-line',
        {
          zone: label,
          previous: formatKwh(check.previousMilli),
          value: formatKwh(check.valueMilli),
          consumption: formatKwh(check.consumptionMilli),
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
 * in turn with the last accepted value shown; bad input is explained and asked again (the kit's
 * one bound); implausible values ask "are you sure?"; a summary with the estimate; Send →
 * committed → the ids. The database is read when the flow starts (the form carries what the
 * per-zone rules need) and written at submit; every typed value is checked by the pure
 * `checkZoneOnForm`. The service re-checks ownership of whatever id a button carried.
 */
export function createReadingConversation(deps: ReadingConversationDeps) {
  const { kit } = deps;
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
    const resident = await kit.resident(conversation, ctx, 'readings-login-first');
    if (!resident) return;
    const { userId, telegramUserId } = resident;
    const locale = await localeOf(ctx);
    // The database is read here, once (the form of a single meter included) …
    const start = await conversation.external(() =>
      deps.readings.openReading(telegramUserId, userId),
    );
    if (start.kind === 'no-account') {
      await kit.finish(conversation, ctx, ctx.t('readings-no-account'));
      return;
    }
    const { account, window, meters } = start;
    if (meters.length === 0) {
      await kit.finish(conversation, ctx, ctx.t('readings-no-meters', { account: account.number }));
      return;
    }
    // One order, one message (issue 14): first what the meters are — a meter on АСКУЭ or with
    // expired verification takes no readings whatever the date, so the window is not mentioned —
    // then the window, only when some meter could take a reading.
    const open = meters.filter((m) => m.refusal === null);
    if (open.length === 0) {
      const reasons = meters.map((meter) =>
        refusalText(ctx, meter.refusal ?? 'not-linked', details({ meter })),
      );
      await kit.finish(conversation, ctx, reasons.join('\n\n'));
      return;
    }
    // Refused outside the window: say when it opens, and ask nothing.
    if (!window.accepts) {
      await kit.finish(conversation, ctx, refusalText(ctx, 'window-closed', details({ window })));
      return;
    }
    // With several accounts, every question names which one (its address, short).
    const place =
      start.accountsLinked > 1
        ? ctx.t('readings-account-line', {
            account: account.number,
            address: shortAddress(account.address),
          })
        : undefined;
    const withPlace = (text: string) => (place ? `${place}\n${text}` : text);

    let at = ctx;
    let meterId = meters[0]?.meterId ?? 0;
    if (meters.length > 1) {
      const picked = await kit.ask<number>(conversation, ctx, {
        prompt: place
          ? withPlace(ctx.t('readings-choose-meter-here'))
          : ctx.t('readings-choose-meter', { account: account.number }),
        markup: meterKeyboard(ctx, meters),
        buttons: [readingsPatterns.meter],
        repeatPrompt: true,
        otherwise: { key: 'readings-choose-button' },
        parse: (input) =>
          input.kind === 'button'
            ? { ok: true, value: Number(readingsPatterns.meter.exec(input.data)?.[1]) }
            : { ok: false, say: { key: 'readings-choose-button' } },
      });
      if (!picked) return;
      meterId = picked.value;
      at = picked.ctx;
    }

    const opened =
      start.opened ??
      (await conversation.external(() => deps.readings.readingForm(userId, meterId)));
    if (!opened.ok) {
      await kit.finish(conversation, at, refusalText(at, opened.refusal, details(opened)));
      return;
    }
    const { form } = opened;
    // The late (or early) notice comes once the meter is known to take readings.
    const notice = windowNotice(at, window);
    if (notice) await at.reply(notice);

    const values: Partial<Record<ZoneCode, string>> = {};
    /**
     * Asks one zone; false when the flow ended (cancel, the bound, another command, or «Счётчик
     * заменили?» under a refusal, which goes on to the appeal about the replaced meter).
     */
    const askZone = async (zone: ZoneForm): Promise<boolean> => {
      // The last value refused as below the previous one: what «Счётчик заменили?» carries on.
      // Set by the pure parser, so a replay of the flow sets it the same way.
      let refused: { valueMilli: number; previousMilli: number } | undefined;
      const answer = await kit.ask<ZoneAnswer>(conversation, at, {
        prompt: withPlace(zoneQuestion(at, zone, form)),
        otherwise: { key: 'readings-text-expected' },
        buttons: deps.reportReplacement ? [readingsPatterns.replaced] : [],
        refusalMarkup: (say) =>
          deps.reportReplacement && say.key === 'readings-bad-below'
            ? belowPreviousKeyboard(at)
            : undefined,
        parse: (input) => {
          if (input.kind === 'button' && refused) return { ok: true, value: { kind: 'replaced' } };
          if (input.kind !== 'text') return { ok: false, say: { key: 'readings-text-expected' } };
          const verdict = checkZoneOnForm(form, zone, input.text);
          if (verdict.status === 'below-previous') {
            refused = { valueMilli: verdict.valueMilli, previousMilli: verdict.previousMilli };
          }
          return verdict.status === 'ok'
            ? { ok: true, value: { kind: 'value', text: input.text } }
            : { ok: false, say: zoneError(verdict, form, locale) };
        },
      });
      if (!answer) return false;
      at = answer.ctx;
      if (answer.value.kind === 'replaced') {
        if (refused && deps.reportReplacement) {
          await deps.reportReplacement(conversation, at, {
            ...replacedMeterOf(form),
            zone: zoneLabel(at, zone.role),
            ...refused,
          });
        }
        return false;
      }
      values[zone.zone] = answer.value.text;
      return true;
    };
    /** «Исправить»: the zone to type again — asked only when the meter has several. */
    const pickZone = async (among: readonly ZoneForm[]): Promise<ZoneForm | undefined> => {
      if (among.length <= 1) return among[0];
      const typed = prepareOnForm(form, values).zones;
      const picked = await kit.choose(conversation, at, {
        prompt: at.t('readings-fix-which'),
        options: among.map((zone) => {
          const check = typed.find((z) => z.zone === zone.zone);
          const value = check?.status === 'ok' ? formatKwh(check.valueMilli) : '—';
          return {
            label: at.t('readings-fix-zone-button', { zone: zoneLabel(at, zone.role), value }),
            value: zone.zone,
          };
        }),
      });
      if (!picked) return undefined;
      at = picked.ctx;
      return among.find((zone) => zone.zone === picked.value);
    };

    for (const zone of form.zones) if (!(await askZone(zone))) return;

    for (let round = 0; round < EDIT_ROUNDS; round++) {
      const prepared = prepareOnForm(form, values);

      if (prepared.implausible) {
        const strange = prepared.zones.filter((z) => z.status === 'ok' && z.implausible !== null);
        const text = strange
          .map((z) => {
            const zoneForm = form.zones.find((f) => f.zone === z.zone);
            const consumption = z.status === 'ok' ? (z.consumptionMilli ?? 0) : 0;
            return at.t('readings-implausible', {
              zone: zoneForm ? zoneLabel(at, zoneForm.role) : formatZone(z.zone),
              consumption: formatKwh(consumption),
            });
          })
          .join('\n\n');
        const sure = await kit.ask<boolean>(conversation, at, {
          prompt: text,
          markup: sureKeyboard(at),
          buttons: [readingsPatterns.sure, readingsPatterns.fix],
          repeatPrompt: true,
          otherwise: { key: 'readings-choose-button' },
          parse: (input) =>
            input.kind === 'button'
              ? { ok: true, value: readingsPatterns.sure.test(input.data) }
              : { ok: false, say: { key: 'readings-choose-button' } },
        });
        if (!sure) return;
        at = sure.ctx;
        if (!sure.value) {
          // Only the zones that looked wrong are typed again.
          const suspects = form.zones.filter((f) => strange.some((z) => z.zone === f.zone));
          const zone = await pickZone(suspects);
          if (!zone || !(await askZone(zone))) return;
          continue;
        }
      }

      // A value taken as a rollover may be a new meter starting from zero: offer to report it.
      const rollover = deps.reportReplacement
        ? prepared.zones.find((z) => z.status === 'ok' && z.kind === 'rollover')
        : undefined;
      const decision = await kit.ask<'send' | 'edit' | 'replaced'>(conversation, at, {
        prompt: withPlace(summaryText(at, prepared)),
        markup: summaryKeyboard(at, { replaced: rollover !== undefined }),
        buttons: [
          readingsPatterns.send,
          readingsPatterns.edit,
          ...(rollover ? [readingsPatterns.replaced] : []),
        ],
        repeatPrompt: true,
        otherwise: { key: 'readings-choose-button' },
        parse: (input) =>
          input.kind === 'button'
            ? {
                ok: true,
                value: readingsPatterns.send.test(input.data)
                  ? 'send'
                  : readingsPatterns.replaced.test(input.data)
                    ? 'replaced'
                    : 'edit',
              }
            : { ok: false, say: { key: 'readings-choose-button' } },
      });
      if (!decision) return;
      at = decision.ctx;
      if (decision.value === 'replaced' && rollover?.status === 'ok' && deps.reportReplacement) {
        const zoneForm = form.zones.find((z) => z.zone === rollover.zone);
        await deps.reportReplacement(conversation, at, {
          ...replacedMeterOf(form),
          zone: zoneForm ? zoneLabel(at, zoneForm.role) : formatZone(rollover.zone),
          previousMilli: rollover.previousMilli ?? 0,
          valueMilli: rollover.valueMilli,
        });
        return;
      }
      if (decision.value !== 'send') {
        const zone = await pickZone(form.zones);
        if (!zone || !(await askZone(zone))) return;
        continue;
      }

      // … and written here, once: the service checks the values and ownership again, and
      // writes «принято» to the outbox with the readings (delivered even if we die right after).
      const confirmed = at;
      const accepted = (outcome: AcceptedReading) => {
        const lines = [confirmed.t('readings-accepted', { number: outcome.submissionId })];
        if (outcome.replaced) lines.push(confirmed.t('readings-accepted-replaced'));
        return lines.join('\n');
      };
      const chatId = at.chat?.id ?? telegramUserId;
      const result = await conversation.external(() =>
        deps.readings.submitOnForm(userId, form, values, {
          confirmedImplausible: prepared.implausible,
          confirmation: {
            chatId,
            render: (outcome) => kit.confirmation(confirmed, accepted(outcome)),
          },
        }),
      );
      if (!result.ok) {
        if (result.refusal === 'invalid' || result.refusal === 'needs-confirmation') continue;
        await kit.finish(
          conversation,
          at,
          refusalText(at, result.refusal, details({ window: form.window })),
        );
        return;
      }
      // The submit has just re-checked the cabinet: the resident gets the main menu with it.
      await kit.confirm(conversation, at, result.outboxId, accepted(result));
      return;
    }
    await kit.finish(conversation, at, at.t('readings-too-many-tries'));
  };
}

/** The account and the old meter of a form, for «Счётчик заменили?». */
function replacedMeterOf(
  form: ReadingForm,
): Pick<ReplacedMeter, 'accountId' | 'accountNumber' | 'serial'> {
  return { accountId: form.accountId, accountNumber: form.accountNumber, serial: form.serial };
}

/** Starts /reading. */
export function enterReading(ctx: BotContext) {
  return ctx.conversation.enter(READING_CONVERSATION);
}
