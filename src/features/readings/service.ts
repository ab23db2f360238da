import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { Locale, Translate } from '../../core/i18n';
import { formatDate, formatLocale } from '../../core/format';
import type { ConfirmationRequest, Outbox, OutboxMessage } from '../../core/outbox/outbox';
import type { AccountsService } from '../accounts/service';
import { type ReadingMeterRow, type ReadingRow, ReadingsRepo } from './repo';
import {
  checkAgainstPrevious,
  checkPlausibility,
  estimateCharge,
  type ImplausibleReason,
  instantOfLocal,
  type LatePolicy,
  localPartsOf,
  MILLI,
  type ParseReadingFailure,
  parseReadingValue,
  readingsWindow,
  type ZoneCode,
  type ZoneInfo,
  zonesOf,
} from './rules';
import type { Clock } from '../../core/clock';

/**
 * What the readings feature needs from the accounts feature: which accounts a cabinet holds, the
 * current one, and the ownership check (which audits a refusal). `AccountsService` satisfies it.
 */
export type AccountAccess = Pick<
  AccountsService,
  'currentAccount' | 'listAccounts' | 'ensureLinked'
>;

/** Digits after the decimal point a resident may type (household registers show 1, some 2). */
export const FRACTION_DIGITS = 2;
/** Readings shown per history page: short pages read well on a small phone. */
export const HISTORY_PAGE_SIZE = 8;
/** Months of past consumption the "3× the average" rule looks at. */
const RECENT_MONTHS = 6;
/** The outbox kind of «Показания приняты». */
export const READING_ACCEPTED_KIND = 'reading-accepted';
/** Verification due within this many days gets one notice. */
export const VERIFICATION_NOTICE_DAYS = 60;

/** Why a reading cannot be taken at all (before any value is typed). */
export type ReadingRefusal =
  /** The meter is not on an account linked to this cabinet (or does not exist): a forged id. */
  | 'not-linked'
  /** On automated metering (АСКУЭ): the supplier reads it remotely. */
  | 'automated'
  /** Verification (поверка) expired: readings of an unverified meter are not accepted. */
  | 'verification-expired'
  /** Outside the window, and the late policy is `refuse`. */
  | 'window-closed'
  /** The period's reading was already exported to billing: it can no longer be replaced. */
  | 'already-billed';

/** The window as plain data (local dates), safe to keep in a conversation's replay log. */
export interface WindowView {
  open: boolean;
  accepts: boolean;
  /** The period a reading sent now counts for. */
  period: string;
  /** Closed because this month's window is over (the reading goes to the next period). */
  late: boolean;
  /** When closed: the local date (`YYYY-MM-DD`) the next window opens. */
  opensOn: string | null;
  /** The local date of the last day of the window the period belongs to. */
  closesOn: string | null;
}

/** A meter the resident can pick, with why it takes no readings, if it does not. */
export interface MeterChoice {
  meterId: number;
  serial: string;
  zones: number;
  automated: boolean;
  verifiedUntil: string | null;
  refusal: 'automated' | 'verification-expired' | null;
}

/** One zone to ask for: the last counted value before this period and its local date. */
export interface ZoneForm {
  zone: ZoneCode;
  role: ZoneInfo['role'];
  previous: { valueMilli: number; period: string; date: string } | null;
  /** A value already sent for this period (the new one will replace it). */
  sentThisPeriodMilli: number | null;
}

/** What the bot needs to ask for a reading of one meter. */
export interface ReadingForm {
  meterId: number;
  serial: string;
  accountId: number;
  accountNumber: string;
  digits: number;
  window: WindowView;
  zones: ZoneForm[];
  /**
   * What the per-zone rules need, loaded once with the form so every typed value is checked
   * without the database (see {@link prepareOnForm}).
   */
  rules: FormRules;
}

/** The data behind the per-zone checks, plain JSON (kept in the conversation's replay log). */
export interface FormRules {
  /** "Now" (UTC ISO) when the form was loaded: the days since the last reading count to it. */
  loadedAt: string;
  /** The per-day consumption cap, thousandths of kWh. */
  perDayCapMilli: number;
  /** Kopecks per kWh of each zone at the tariff in force for the period (absent when unknown). */
  prices: Record<string, number>;
  /** Per zone: when the last counted reading was sent (UTC ISO) and the recent monthly use. */
  zones: Partial<
    Record<ZoneCode, { lastSubmittedAt: string | null; recentMonthlyMilli: number[] }>
  >;
}

/** The verdict on one zone's typed value. */
export type ZoneCheck =
  | { zone: ZoneCode; status: 'missing' }
  | { zone: ZoneCode; status: 'invalid'; reason: ParseReadingFailure }
  | {
      zone: ZoneCode;
      status: 'below-previous';
      /** The refused value (thousandths of kWh): «Счётчик заменили?» carries it to staff. */
      valueMilli: number;
      previousMilli: number;
      previousDate: string;
    }
  | {
      zone: ZoneCode;
      status: 'ok';
      valueMilli: number;
      kind: 'first' | 'normal' | 'rollover';
      previousMilli: number | null;
      consumptionMilli: number | null;
      implausible: ImplausibleReason | null;
      /** This zone's consumption at the tariff in force; null when unknown (first reading). */
      chargeKopecks: number | null;
    };

/** `prepareReading`: refused outright, or a verdict per zone and the estimate. */
export type PreparedReading =
  | { ok: false; refusal: ReadingRefusal; window?: WindowView; meter?: MeterChoice }
  | {
      ok: true;
      form: ReadingForm;
      zones: ZoneCheck[];
      /** Every zone typed and valid. */
      complete: boolean;
      /** Some zone looks implausible: ask "are you sure?" and flag it. */
      implausible: boolean;
      totalChargeKopecks: number | null;
    };

/** What a submission committed, for the confirmation the caller renders. */
export interface AcceptedReading {
  /** The one number of the submission (all its zones): the number the confirmation quotes. */
  submissionId: number;
  /** The per-zone reading rows. */
  ids: number[];
  /** The period already had a reading, which the new one replaced. */
  replaced: boolean;
}

/** Options of a submission. */
export interface SubmitOptions {
  /** The resident confirmed values the plausibility rules flagged. */
  confirmedImplausible: boolean;
  /** The confirmation to write to the outbox with the readings (one transaction). */
  confirmation?: ConfirmationRequest<AcceptedReading>;
}

/**
 * `submitReading`: committed, or why not. `submissionId` is the one number of the submission (all
 * its zones); `ids` are the per-zone reading rows.
 */
export type SubmitResult =
  | {
      ok: true;
      submissionId: number;
      ids: number[];
      period: string;
      replaced: boolean;
      flagged: boolean;
      /** The held confirmation's outbox row; null when none was asked for. */
      outboxId: number | null;
    }
  | {
      ok: false;
      refusal: ReadingRefusal | 'invalid' | 'needs-confirmation';
      prepared?: PreparedReading;
    };

/** One row of the history, dates local. */
export interface HistoryItem {
  id: number;
  serial: string;
  zone: string;
  period: string;
  valueMilli: number;
  source: string;
  status: 'accepted' | 'billed' | 'rejected' | 'replaced';
  rejectReason: string | null;
  flagged: boolean;
  date: string;
}

/** A page of the history; undefined from the service when the account is not the user's. */
export interface HistoryPage {
  accountId: number;
  accountNumber: string;
  items: HistoryItem[];
  page: number;
  pages: number;
}

export interface ReadingsServiceDeps {
  db: Db;
  accounts: AccountAccess;
  timeZone: string;
  window: { startDay: number; endDay: number };
  latePolicy: LatePolicy;
  dailyCapKwh: number;
  clock: Clock;
  /** «Показания приняты» is written here in the reading's transaction (see `Outbox.hold`). */
  outbox: Pick<Outbox, 'hold'>;
}

/** `YYYY-MM-DD` of an instant in a zone. */
export function localDateOf(instant: Date | string, timeZone: string): string {
  const p = localPartsOf(typeof instant === 'string' ? new Date(instant) : instant, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function monthsBetween(older: string, newer: string): number {
  const [y1, m1] = older.split('-').map(Number);
  const [y2, m2] = newer.split('-').map(Number);
  return ((y2 ?? 0) - (y1 ?? 0)) * 12 + ((m2 ?? 0) - (m1 ?? 0));
}

/**
 * Meter readings as use cases: which meters take readings, the per-zone checks and the estimate
 * before saving, the one-transaction submission (a resubmission replaces, the history keeps
 * both), the history and the reminder opt-out. Every method re-checks through the accounts
 * feature that the meter's account is linked to the cabinet: ids arrive in `callback_data`.
 */
export class ReadingsService {
  private readonly repo: ReadingsRepo;
  private readonly clock: Clock;

  constructor(private readonly deps: ReadingsServiceDeps) {
    this.repo = new ReadingsRepo(deps.db);
    this.clock = deps.clock;
  }

  /** The window at `now` in the configured zone, as plain data. */
  window(now: Date = this.clock()): WindowView {
    const w = readingsWindow({
      now,
      timeZone: this.deps.timeZone,
      startDay: this.deps.window.startDay,
      endDay: this.deps.window.endDay,
      latePolicy: this.deps.latePolicy,
    });
    // `closesAt` is the local midnight after the last day: the last day is the one before it.
    const lastDay = w.closesAt
      ? localDateOf(new Date(w.closesAt.getTime() - 1), this.deps.timeZone)
      : null;
    const today = localDateOf(now, this.deps.timeZone);
    return {
      open: w.open,
      accepts: w.accepts,
      period: w.period,
      late: !w.open && !today.startsWith(w.period),
      opensOn: w.opensAt ? localDateOf(w.opensAt, this.deps.timeZone) : null,
      closesOn: lastDay,
    };
  }

  /** The account the Telegram user works with (the accounts feature decides which). */
  async currentAccount(
    telegramUserId: number,
    userId: number,
  ): Promise<{ id: number; number: string } | undefined> {
    const account = await this.deps.accounts.currentAccount(telegramUserId, userId);
    return account ? { id: account.id, number: account.number } : undefined;
  }

  /** The meters of a linked account, each with why it takes no readings; undefined if not linked. */
  async meterChoices(
    userId: number,
    accountId: number,
    now: Date = this.clock(),
  ): Promise<MeterChoice[] | undefined> {
    if (!(await this.deps.accounts.ensureLinked(userId, accountId))) return undefined;
    const today = localDateOf(now, this.deps.timeZone);
    return (await this.repo.meters(accountId)).map((meter) => this.toChoice(meter, today));
  }

  /**
   * Everything needed to ask for a reading of one meter, or why none can be taken: not the
   * user's, automated, verification expired, or the window closed under the `refuse` policy.
   */
  async readingForm(
    userId: number,
    meterId: number,
    now: Date = this.clock(),
  ): Promise<{ ok: true; form: ReadingForm } | Extract<PreparedReading, { ok: false }>> {
    const loaded = await this.load(userId, meterId, now);
    if (!loaded.ok) return loaded;
    return { ok: true, form: loaded.form };
  }

  /**
   * Checks typed values (zone → text as typed; zones not given are `missing`) against the rules:
   * the number format and register size, not below the last counted value except a genuine
   * rollover, plausibility (3× the recent average or over the daily cap → confirm and flag), and
   * estimates the charge at the tariff in force for the period. Writes nothing.
   */
  async prepareReading(
    userId: number,
    meterId: number,
    valuesByZone: Partial<Record<ZoneCode, string>>,
    now: Date = this.clock(),
  ): Promise<PreparedReading> {
    const loaded = await this.load(userId, meterId, now);
    if (!loaded.ok) return loaded;
    return prepareOnForm(loaded.form, valuesByZone);
  }

  /**
   * Saves a reading of every zone in ONE transaction, after checking it all again: the period's
   * live readings become `replaced` and the new ones are `accepted` (flagged if implausible and
   * confirmed). Returns the new ids: the bot says "accepted" only after this returns.
   */
  async submitReading(
    userId: number,
    meterId: number,
    valuesByZone: Partial<Record<ZoneCode, string>>,
    options: SubmitOptions,
    now: Date = this.clock(),
  ): Promise<SubmitResult> {
    const prepared = await this.prepareReading(userId, meterId, valuesByZone, now);
    if (!prepared.ok) return { ok: false, refusal: prepared.refusal, prepared };
    if (!prepared.complete) return { ok: false, refusal: 'invalid', prepared };
    if (prepared.implausible && !options.confirmedImplausible) {
      return { ok: false, refusal: 'needs-confirmation', prepared };
    }
    return this.write(userId, prepared, now, options.confirmation);
  }

  private async write(
    userId: number,
    prepared: Extract<PreparedReading, { ok: true }>,
    now: Date,
    confirmation: ConfirmationRequest<AcceptedReading> | undefined,
  ): Promise<SubmitResult> {
    const meterId = prepared.form.meterId;
    const { period } = prepared.form.window;
    const submittedAt = nowIso(() => now);
    const rows = prepared.zones.flatMap((z) =>
      z.status === 'ok'
        ? [
            {
              meterId,
              zone: z.zone,
              period,
              valueMilli: z.valueMilli,
              flagged: z.implausible !== null,
              flagReason: z.implausible,
              userId,
              submittedAt,
            },
          ]
        : [],
    );
    const outcome = await this.deps.db.transaction(async (trx) => {
      // Two family members pressing «Отправить» for one meter at once: the second waits for the
      // first and then replaces it, exactly as if they had pressed one after the other — never a
      // unique-index error (SQLite's BEGIN IMMEDIATE serialises already; PostgreSQL locks the row).
      // The same statement re-checks ownership where it counts: an account unlinked meanwhile
      // takes no reading.
      if (!(await this.repo.lockOwnedMeter(userId, meterId, trx))) return 'not-linked' as const;
      const existing = await this.repo.countedIn(meterId, period, trx);
      if (existing.some((r) => r.status === 'billed')) return undefined;
      const written = await this.repo.replaceAndInsert(trx, rows);
      const accepted = { ...written, replaced: existing.length > 0 };
      // «Принято» is promised with the commit: written here, it survives a crash after it.
      const outboxId = confirmation
        ? await this.deps.outbox.hold(
            {
              chatId: confirmation.chatId,
              kind: READING_ACCEPTED_KIND,
              dedupeKey: `reading-accepted:${written.submissionId}`,
              payload: confirmation.render(accepted),
            },
            { trx },
          )
        : null;
      return { ...accepted, outboxId };
    });
    if (!outcome) return { ok: false, refusal: 'already-billed' };
    if (outcome === 'not-linked') {
      await this.deps.accounts.ensureLinked(userId, prepared.form.accountId); // audits the denial
      return { ok: false, refusal: 'not-linked' };
    }
    return {
      ok: true,
      submissionId: outcome.submissionId,
      ids: outcome.ids,
      period,
      replaced: outcome.replaced,
      flagged: rows.some((r) => r.flagged),
      outboxId: outcome.outboxId,
    };
  }

  /**
   * Everything /reading needs at its start, in as few reads as possible: the current account (its
   * address, and how many accounts the cabinet holds, so a question can say which one), the
   * window, the meters with why some take no readings, and — when there is exactly one meter that
   * takes readings and the window accepts — its form, so nothing more is read until the reading
   * is submitted. The account comes from the user's own links, so the meters are theirs.
   */
  async openReading(
    telegramUserId: number,
    userId: number,
    now: Date = this.clock(),
  ): Promise<
    | { kind: 'no-account' }
    | {
        kind: 'ok';
        account: { id: number; number: string; address: string };
        /** Accounts linked to the cabinet (1 when this is the only one). */
        accountsLinked: number;
        window: WindowView;
        meters: MeterChoice[];
        opened?: Awaited<ReturnType<ReadingsService['readingForm']>>;
      }
  > {
    const linked = await this.deps.accounts.listAccounts(userId, telegramUserId);
    const current = linked.find((a) => a.isCurrent);
    if (!current) return { kind: 'no-account' };
    const account = { id: current.id, number: current.number, address: current.address };
    const accountsLinked = linked.length;
    const window = this.window(now);
    const today = localDateOf(now, this.deps.timeZone);
    const rows = await this.repo.meters(account.id);
    const meters = rows.map((meter) => this.toChoice(meter, today));
    const base = { kind: 'ok' as const, account, accountsLinked, window, meters };
    const only = rows.length === 1 ? rows[0] : undefined;
    const choice = meters[0];
    if (!only || !choice) return base;
    if (choice.refusal) {
      return { ...base, opened: { ok: false, refusal: choice.refusal, meter: choice } };
    }
    if (!window.accepts) return base;
    const built = await this.buildForm(only, window, now);
    const opened = built.ok ? { ok: true as const, form: built.form } : built;
    return { ...base, opened };
  }

  /**
   * Saves a reading checked on a form loaded at the flow's start (`openReading`/`readingForm`):
   * the values are checked again by the pure rules, ownership is re-checked, and in ONE
   * transaction the period's live readings are replaced (refused if the period was billed
   * meanwhile). Returns the new ids: the bot says "accepted" only after this returns.
   */
  async submitOnForm(
    userId: number,
    form: ReadingForm,
    valuesByZone: Partial<Record<ZoneCode, string>>,
    options: SubmitOptions,
    now: Date = this.clock(),
  ): Promise<SubmitResult> {
    const prepared = prepareOnForm(form, valuesByZone);
    if (!prepared.complete) return { ok: false, refusal: 'invalid', prepared };
    if (prepared.implausible && !options.confirmedImplausible) {
      return { ok: false, refusal: 'needs-confirmation', prepared };
    }
    // Ownership is checked inside the write's transaction (with the meter's lock).
    return this.write(userId, prepared, now, options.confirmation);
  }

  /**
   * Previous and current readings per meter and zone for a billing month, as the receipt (ЕПД,
   * Приказ Минстроя №43/пр) prints them: the counted reading of `period` and the last counted one
   * before it (thousandths of kWh; null when there is none). Undefined if not linked.
   */
  async receiptReadings(
    userId: number,
    accountId: number,
    period: string,
  ): Promise<
    | {
        serial: string;
        zones: number;
        readings: { zone: string; previousMilli: number | null; currentMilli: number | null }[];
      }[]
    | undefined
  > {
    if (!(await this.deps.accounts.ensureLinked(userId, accountId))) return undefined;
    const meters = await this.repo.meters(accountId);
    const result = [];
    for (const meter of meters) {
      const current = await this.repo.countedIn(meter.id, period);
      const before = await this.repo.countedBefore(meter.id, period, 3 * meter.zones);
      const zones = ['T1', 'T2', 'T3'].slice(0, meter.zones);
      result.push({
        serial: meter.serial,
        zones: meter.zones,
        readings: zones.map((zone) => ({
          zone,
          previousMilli: before.find((r) => r.zone === zone)?.valueMilli ?? null,
          currentMilli: current.filter((r) => r.zone === zone).at(-1)?.valueMilli ?? null,
        })),
      });
    }
    return result;
  }

  /** A page (0-based) of the account's readings, every status; undefined if not linked. */
  async history(userId: number, accountId: number, page: number): Promise<HistoryPage | undefined> {
    if (!(await this.deps.accounts.ensureLinked(userId, accountId))) return undefined;
    const safePage = Number.isInteger(page) && page >= 0 ? page : 0;
    const { rows, total } = await this.repo.history(
      accountId,
      safePage * HISTORY_PAGE_SIZE,
      HISTORY_PAGE_SIZE,
    );
    return {
      accountId,
      accountNumber: (await this.repo.accountNumber(accountId)) ?? String(accountId),
      page: safePage,
      pages: Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE)),
      items: rows.map((row) => ({
        id: row.id,
        serial: row.serial,
        zone: row.zone,
        period: row.period,
        valueMilli: row.valueMilli,
        source: row.source,
        status: toStatus(row.status),
        rejectReason: row.rejectReason,
        flagged: row.flagged,
        date: localDateOf(row.submittedAt, this.deps.timeZone),
      })),
    };
  }

  /** Whether the cabinet gets the monthly reminder (on unless turned off). */
  async remindersEnabled(userId: number): Promise<boolean> {
    return !(await this.repo.isOptedOut(userId));
  }

  /** Turns the monthly reminder (and verification notices stay on: they are about the law) on/off. */
  async setRemindersEnabled(userId: number, enabled: boolean): Promise<void> {
    await this.repo.setOptedOut(userId, !enabled, nowIso(this.clock));
  }

  private async load(userId: number, meterId: number, now: Date) {
    const meter = Number.isSafeInteger(meterId) ? await this.repo.meter(meterId) : undefined;
    // A missing meter and someone else's meter get the same answer: nothing is revealed.
    if (!meter || !(await this.deps.accounts.ensureLinked(userId, meter.accountId))) {
      return { ok: false as const, refusal: 'not-linked' as const };
    }
    const today = localDateOf(now, this.deps.timeZone);
    const choice = this.toChoice(meter, today);
    if (choice.refusal) return { ok: false as const, refusal: choice.refusal, meter: choice };
    const window = this.window(now);
    if (!window.accepts) return { ok: false as const, refusal: 'window-closed' as const, window };
    return this.buildForm(meter, window, now);
  }

  /** The form of a meter known to be the user's: last values, this period's, the rules' data. */
  private async buildForm(meter: ReadingMeterRow, window: WindowView, now: Date) {
    const history = await this.repo.countedBefore(
      meter.id,
      window.period,
      (RECENT_MONTHS + 2) * meter.zones,
    );
    const current = await this.repo.countedIn(meter.id, window.period);
    if (current.some((r) => r.status === 'billed')) {
      return { ok: false as const, refusal: 'already-billed' as const, window };
    }
    const zones = zonesOf(toZoneCount(meter.zones)).map((info): ZoneForm => {
      const last = history.find((r) => r.zone === info.code);
      const sent = current.find((r) => r.zone === info.code);
      return {
        zone: info.code,
        role: info.role,
        previous: last
          ? {
              valueMilli: last.valueMilli,
              period: last.period,
              date: localDateOf(last.submittedAt, this.deps.timeZone),
            }
          : null,
        sentThisPeriodMilli: sent ? sent.valueMilli : null,
      };
    });
    const prices = await this.repo.prices(meter.tariffPlan, meter.zones, window.period);
    const rules: FormRules = {
      loadedAt: now.toISOString(),
      perDayCapMilli: this.deps.dailyCapKwh * MILLI,
      prices,
      zones: Object.fromEntries(
        zones.map((zone) => [
          zone.zone,
          {
            lastSubmittedAt: history.find((r) => r.zone === zone.zone)?.submittedAt ?? null,
            recentMonthlyMilli: recentMonthly(history, zone.zone, meter.digits),
          },
        ]),
      ),
    };
    const form: ReadingForm = {
      meterId: meter.id,
      serial: meter.serial,
      accountId: meter.accountId,
      accountNumber: meter.accountNumber,
      digits: meter.digits,
      window,
      zones,
      rules,
    };
    return { ok: true as const, form, meter, history };
  }

  private toChoice(meter: ReadingMeterRow, today: string): MeterChoice {
    const expired = meter.verifiedUntil !== null && meter.verifiedUntil < today;
    return {
      meterId: meter.id,
      serial: meter.serial,
      zones: meter.zones,
      automated: meter.automated,
      verifiedUntil: meter.verifiedUntil,
      refusal: meter.automated ? 'automated' : expired ? 'verification-expired' : null,
    };
  }
}

/**
 * Checks typed values (zone → text as typed; zones not given are `missing`) on a form already
 * loaded, without the database: the number format and register size, not below the last counted
 * value except a genuine rollover, plausibility (3× the recent average or over the daily cap →
 * confirm and flag, DESIGN "Domain rules"), and the charge estimate at the tariff in force.
 * Pure: the conversation calls it for every typed value; `submitReading` calls it again on a
 * freshly loaded form inside its own check.
 */
export function prepareOnForm(
  form: ReadingForm,
  valuesByZone: Partial<Record<ZoneCode, string>>,
): Extract<PreparedReading, { ok: true }> {
  const zones = form.zones.map((zoneForm) =>
    checkZoneOnForm(form, zoneForm, valuesByZone[zoneForm.zone]),
  );
  const complete = zones.every((z) => z.status === 'ok');
  const charges = zones.map((z) => (z.status === 'ok' ? z.chargeKopecks : null));
  return {
    ok: true,
    form,
    zones,
    complete,
    implausible: zones.some((z) => z.status === 'ok' && z.implausible !== null),
    totalChargeKopecks:
      complete && charges.every((c) => c !== null)
        ? charges.reduce<number>((sum, c) => sum + (c ?? 0), 0)
        : null,
  };
}

/** The verdict on one zone's typed value (see {@link prepareOnForm}); pure. */
export function checkZoneOnForm(
  form: ReadingForm,
  zoneForm: ZoneForm,
  text: string | undefined,
): ZoneCheck {
  const { zone } = zoneForm;
  if (text === undefined) return { zone, status: 'missing' };
  const parsed = parseReadingValue(text, { digits: form.digits, fractionDigits: FRACTION_DIGITS });
  if (!parsed.ok) return { zone, status: 'invalid', reason: parsed.reason };
  const previous = zoneForm.previous;
  const against = checkAgainstPrevious({
    previousMilli: previous?.valueMilli ?? null,
    newMilli: parsed.milli,
    digits: form.digits,
  });
  if (!against.ok) {
    return {
      zone,
      status: 'below-previous',
      valueMilli: parsed.milli,
      previousMilli: against.previousMilli,
      previousDate: previous?.date ?? '',
    };
  }
  let implausible: ImplausibleReason | null = null;
  let chargeKopecks: number | null = null;
  if (against.consumptionMilli !== null && previous) {
    const zoneRules = form.rules.zones[zone];
    const last = zoneRules?.lastSubmittedAt;
    const days = last
      ? (new Date(form.rules.loadedAt).getTime() - new Date(last).getTime()) / 86_400_000
      : 30;
    const gap = Math.max(1, monthsBetween(previous.period, form.window.period));
    const plausible = checkPlausibility({
      consumptionMilli: against.consumptionMilli,
      recentMonthlyMilli: (zoneRules?.recentMonthlyMilli ?? []).map((m) => m * gap),
      days,
      perDayCapMilli: form.rules.perDayCapMilli,
    });
    implausible = plausible.ok ? null : plausible.reason;
    chargeKopecks =
      form.rules.prices[zone] === undefined
        ? null
        : estimateCharge({ [zone]: against.consumptionMilli }, form.rules.prices);
  }
  return {
    zone,
    status: 'ok',
    valueMilli: parsed.milli,
    kind: against.kind,
    previousMilli: previous?.valueMilli ?? null,
    consumptionMilli: against.consumptionMilli,
    implausible,
    chargeKopecks,
  };
}

function toZoneCount(zones: number): 1 | 2 | 3 {
  return zones === 2 || zones === 3 ? zones : 1;
}

function toStatus(status: string): HistoryItem['status'] {
  return status === 'billed' || status === 'rejected' || status === 'replaced'
    ? status
    : 'accepted';
}

/** Monthly consumptions of one zone from consecutive counted readings, newest first. */
function recentMonthly(history: readonly ReadingRow[], zone: string, digits: number): number[] {
  const byPeriod: ReadingRow[] = [];
  for (const row of history) {
    if (row.zone !== zone) continue;
    if (byPeriod.some((r) => r.period === row.period)) continue;
    byPeriod.push(row);
  }
  const months: number[] = [];
  for (let i = 0; i + 1 < byPeriod.length && months.length < RECENT_MONTHS; i++) {
    const newer = byPeriod[i];
    const older = byPeriod[i + 1];
    if (!newer || !older) break;
    const step = checkAgainstPrevious({
      previousMilli: older.valueMilli,
      newMilli: newer.valueMilli,
      digits,
    });
    const gap = Math.max(1, monthsBetween(older.period, newer.period));
    if (step.ok && step.consumptionMilli !== null)
      months.push(Math.round(step.consumptionMilli / gap));
  }
  return months;
}

// ---------------------------------------------------------------------------------------------
// Reminders: a scheduler job, through the durable outbox
// ---------------------------------------------------------------------------------------------

export interface ReadingRemindersDeps {
  db: Db;
  outbox: Outbox;
  translate: Translate;
  /** The language a Telegram user reads (chosen with /language, else the default). */
  localeOf: (telegramUserId: number) => Promise<Locale>;
  timeZone: string;
  window: { startDay: number; endDay: number };
  latePolicy: LatePolicy;
  reminderDay: number;
}

/** Local hours in which notices are delivered; outside them they wait for the morning. */
const DELIVERY_FROM_HOUR = 10;
const DELIVERY_TO_HOUR = 21;

/**
 * The monthly reminder and the verification notices, as an idempotent job: run it as often as
 * you like. From the reminder day to the window's end, each Telegram user of a cabinet with a
 * linked account and no reading for the period gets ONE reminder per account (the outbox dedupe
 * key makes a second run a no-op), unless the cabinet turned reminders off; each meter whose
 * verification falls due within 60 days gets one notice per holder and due date. Texts are
 * rendered in the recipient's language when enqueued. Running from the reminder day on (rather
 * than on that day only) means a day of downtime does not lose the month's reminder.
 */
export class ReadingReminders {
  private readonly repo: ReadingsRepo;

  constructor(private readonly deps: ReadingRemindersDeps) {
    this.repo = new ReadingsRepo(deps.db);
  }

  /** One run at `now`; returns how many messages were newly enqueued. */
  async run(now: Date): Promise<{ reminders: number; verificationNotices: number }> {
    const { timeZone } = this.deps;
    const local = localPartsOf(now, timeZone);
    const today = localDateOf(now, timeZone);
    const window = readingsWindow({
      now,
      timeZone,
      startDay: this.deps.window.startDay,
      endDay: this.deps.window.endDay,
      latePolicy: this.deps.latePolicy,
    });
    const notBefore = this.deliveryTime(now);
    let reminders = 0;
    if (window.open && local.day >= this.deps.reminderDay && window.closesAt) {
      const lastDay = localDateOf(new Date(window.closesAt.getTime() - 1), timeZone);
      const messages: OutboxMessage[] = [];
      for (const c of await this.repo.reminderCandidates(window.period, today)) {
        const locale = await this.deps.localeOf(c.telegramUserId);
        messages.push({
          chatId: c.telegramUserId,
          kind: 'reading-reminder',
          payload: {
            text: this.deps.translate(locale, 'readings-reminder', {
              account: c.accountNumber,
              until: formatDate(lastDay, formatLocale(locale)),
            }),
          },
          dedupeKey: `reading-reminder:${c.telegramUserId}:${c.accountId}:${window.period}`,
          notBefore,
          expiresAt: window.closesAt,
        });
      }
      if (messages.length > 0) {
        reminders = (await this.deps.outbox.enqueue(messages)).filter((r) => r.enqueued).length;
      }
    }
    const notices: OutboxMessage[] = [];
    for (const due of await this.repo.verificationDue(
      today,
      addDays(today, VERIFICATION_NOTICE_DAYS),
    )) {
      const locale = await this.deps.localeOf(due.telegramUserId);
      notices.push({
        chatId: due.telegramUserId,
        kind: 'verification-due',
        payload: {
          text: this.deps.translate(locale, 'readings-verification-notice', {
            serial: due.serial,
            account: due.accountNumber,
            date: formatDate(due.verifiedUntil, formatLocale(locale)),
          }),
        },
        dedupeKey: `verification-due:${due.telegramUserId}:${due.meterId}:${due.verifiedUntil}`,
        notBefore,
      });
    }
    const verificationNotices =
      notices.length > 0
        ? (await this.deps.outbox.enqueue(notices)).filter((r) => r.enqueued).length
        : 0;
    return { reminders, verificationNotices };
  }

  /** Now, if it is daytime locally; otherwise the next 10:00 — nobody is woken by a reminder. */
  private deliveryTime(now: Date): Date {
    const local = localPartsOf(now, this.deps.timeZone);
    if (local.hour >= DELIVERY_FROM_HOUR && local.hour < DELIVERY_TO_HOUR) return now;
    const day =
      local.hour < DELIVERY_FROM_HOUR
        ? localDateOf(now, this.deps.timeZone)
        : addDays(localDateOf(now, this.deps.timeZone), 1);
    const [year, month, d] = day.split('-').map(Number);
    return instantOfLocal(
      { year: year ?? 0, month: month ?? 1, day: d ?? 1, hour: DELIVERY_FROM_HOUR },
      this.deps.timeZone,
    );
  }
}
