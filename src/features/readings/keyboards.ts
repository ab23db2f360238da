import { addPagingRow } from '../../core/paging';
import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPattern } from '../../core/callback-data';
import type { ConversationContext } from '../../core/context';
import { KIT_CANCEL } from '../../core/conversation-kit/index';
import type { MeterChoice } from './service';

/** Translation is all keyboards need; both ordinary and conversation contexts have it. */
type Translating = Pick<ConversationContext, 't'>;

const FEATURE = 'rd';

/**
 * Callback data of the readings feature. Ids in it are untrusted: the service re-checks that the
 * meter or account is linked to the cabinet.
 */
export const readingsData = {
  meter: (meterId: number) => callbackData(FEATURE, 'meter', meterId),
  send: callbackData(FEATURE, 'send'),
  edit: callbackData(FEATURE, 'edit'),
  sure: callbackData(FEATURE, 'sure'),
  fix: callbackData(FEATURE, 'fix'),
  replaced: callbackData(FEATURE, 'replaced'),
  start: callbackData(FEATURE, 'start'),
  history: (accountId: number, page: number) => callbackData(FEATURE, 'hist', accountId, page),
  reminders: (enabled: boolean) => callbackData(FEATURE, 'rem', enabled ? 1 : 0),
};

/** Patterns of the same, validated on the way back in (digits only, bounded length). */
export const readingsPatterns = {
  meter: callbackPattern(FEATURE, 'meter', ['\\d{1,15}']),
  send: callbackPattern(FEATURE, 'send'),
  edit: callbackPattern(FEATURE, 'edit'),
  sure: callbackPattern(FEATURE, 'sure'),
  fix: callbackPattern(FEATURE, 'fix'),
  replaced: callbackPattern(FEATURE, 'replaced'),
  start: callbackPattern(FEATURE, 'start'),
  history: callbackPattern(FEATURE, 'hist', ['\\d{1,15}', '\\d{1,6}']),
  reminders: callbackPattern(FEATURE, 'rem', ['0|1']),
};

/** One big button per meter (elderly residents: one per row), and Cancel. */
export function meterKeyboard(ctx: Translating, meters: readonly MeterChoice[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const meter of meters) {
    const key = meter.refusal ? 'readings-meter-button-refused' : 'readings-meter-button';
    keyboard.text(ctx.t(key, { serial: meter.serial }), readingsData.meter(meter.meterId)).row();
  }
  return keyboard.text(ctx.t('button-cancel'), KIT_CANCEL);
}

/** "Are you sure?" for an implausible value. */
export function sureKeyboard(ctx: Translating): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-readings-sure'), readingsData.sure)
    .row()
    .text(ctx.t('button-readings-fix'), readingsData.fix)
    .row()
    .text(ctx.t('button-cancel'), KIT_CANCEL);
}

/**
 * The summary's Send / Correct / Cancel; with `replaced` (a value taken as a rollover) also
 * «Счётчик заменили?». The button carries nothing: the flow knows the meter and the values.
 */
export function summaryKeyboard(
  ctx: Translating,
  options: { replaced?: boolean } = {},
): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(ctx.t('button-readings-send'), readingsData.send)
    .row()
    .text(ctx.t('button-readings-edit'), readingsData.edit)
    .row();
  if (options.replaced)
    keyboard.text(ctx.t('button-readings-replaced'), readingsData.replaced).row();
  return keyboard.text(ctx.t('button-cancel'), KIT_CANCEL);
}

/** Under «below the last reading»: «Счётчик заменили?» and Cancel (the value is typed again). */
export function belowPreviousKeyboard(ctx: Translating): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-readings-replaced'), readingsData.replaced)
    .row()
    .text(ctx.t('button-cancel'), KIT_CANCEL);
}

/** Under the history: paging, sending a reading, and the reminder switch. */
export function historyKeyboard(
  ctx: Translating,
  input: { accountId: number; page: number; pages: number; remindersEnabled: boolean },
): InlineKeyboard {
  // Newest first: older entries are on the next page.
  const keyboard = addPagingRow(new InlineKeyboard(), ctx, {
    older:
      input.page + 1 < input.pages
        ? readingsData.history(input.accountId, input.page + 1)
        : undefined,
    newer: input.page > 0 ? readingsData.history(input.accountId, input.page - 1) : undefined,
  });
  keyboard.text(ctx.t('button-reading'), readingsData.start).row();
  keyboard.add(...remindersSwitchButtons(ctx, input.remindersEnabled));
  return keyboard;
}

/** The history's reminder switch, showing the state it is in now. */
export function remindersSwitchButtons(ctx: Translating, enabled: boolean) {
  return [
    InlineKeyboard.text(
      ctx.t(enabled ? 'button-readings-reminders-on' : 'button-readings-reminders-off'),
      readingsData.reminders(!enabled),
    ),
  ];
}

/** The switch shown by /reminders. */
export function remindersKeyboard(ctx: Translating, enabled: boolean): InlineKeyboard {
  return new InlineKeyboard().text(
    ctx.t(enabled ? 'button-readings-reminders-turn-off' : 'button-readings-reminders-turn-on'),
    readingsData.reminders(!enabled),
  );
}

/** One big button: start sending a reading (after a flow was interrupted). */
export function startReadingKeyboard(ctx: Translating): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-reading'), readingsData.start);
}
