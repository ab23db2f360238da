import {
  addDays,
  addMonths,
  addYears,
  daysBetween,
  daysInPeriod,
  dateIn,
  splitPeriod,
  type ZoneClock,
} from './calendar';
import { type MeterModel, pickModel } from './meters';
import { personName } from './people';
import { pickSettlement, type Settlement, settlementNamed, streetAddress } from './places';
import { mixSeed, Random, affinePermutation } from './random';
import { priceOf, type TariffPlan, ZONES_OF, zoneLabel } from './tariffs';

/**
 * Turns (seed, account index, calendar) into one account's rows: the account, its meter, monthly
 * readings and the ledger. Pure and free of the database, so it can be tested and timed alone, and
 * an account's rows depend only on the seed, its index and `now` — never on how many accounts are
 * generated or in what batches.
 */

/** How a resident pays: exactly what is billed, less (a debtor), or more (an advance). */
export type Payer = 'exact' | 'debtor' | 'advance';

/** The traits decided before anything else, so that special cases come out consistent. */
export interface Profile {
  zones: 1 | 2 | 3;
  automated: boolean;
  payer: Payer;
  verification: 'normal' | 'expired' | 'soon';
  rollover: 'none' | 'near' | 'within';
  settlement?: string;
  plan?: TariffPlan;
  /** Showcase accounts only: a few months in a row without any payment. */
  stopsPaying?: boolean;
}

const ORDINARY: Profile = {
  zones: 1,
  automated: false,
  payer: 'exact',
  verification: 'normal',
  rollover: 'none',
};

/** The accounts listed to a newcomer: one per interesting case, always the first indexes. */
export const SHOWCASE: readonly (Profile & { note: string })[] = [
  { ...ORDINARY, note: 'one-zone', settlement: 'Петропавловск-Камчатский', plan: 'urban' },
  { ...ORDINARY, note: 'two-zone', zones: 2, settlement: 'Елизово', plan: 'urban' },
  {
    ...ORDINARY,
    note: 'three-zone',
    zones: 3,
    settlement: 'Петропавловск-Камчатский',
    plan: 'electric-stove',
  },
  {
    ...ORDINARY,
    note: 'debtor',
    payer: 'debtor',
    stopsPaying: true,
    settlement: 'Мильково',
    plan: 'rural',
  },
  {
    ...ORDINARY,
    note: 'advance',
    zones: 2,
    payer: 'advance',
    settlement: 'Вилючинск',
    plan: 'urban',
  },
  {
    ...ORDINARY,
    note: 'automated metering',
    zones: 2,
    automated: true,
    settlement: 'Петропавловск-Камчатский',
    plan: 'urban',
  },
  {
    ...ORDINARY,
    note: 'verification expired',
    verification: 'expired',
    settlement: 'Ключи',
    plan: 'rural',
  },
  {
    ...ORDINARY,
    note: 'verification due soon',
    verification: 'soon',
    settlement: 'Елизово',
    plan: 'urban',
  },
  {
    ...ORDINARY,
    note: 'meter near rollover',
    rollover: 'near',
    settlement: 'Палана',
    plan: 'urban',
  },
];

/** Everything shared by all accounts of one run. */
export interface Calendar {
  /** The seed folded into 32 bits. */
  seed: number;
  clock: ZoneClock;
  /** Today's local date, `YYYY-MM-DD`; nothing happens on or after it. */
  today: string;
  /** The month of `now`: it has no readings or charges yet (residents submit them in the bot). */
  currentPeriod: string;
  /** The 13 periods with readings, oldest first; the last 12 of them are billed. */
  periods: readonly string[];
}

export type AccountRow = {
  number: string;
  holder_name: string;
  settlement: string;
  address: string;
  tariff_plan: TariffPlan;
  status: 'active';
  residents: number;
  receipt_code: string;
  created_at: string;
  updated_at: string;
};

export type MeterRow = {
  serial: string;
  model: string;
  zones: 1 | 2 | 3;
  digits: number;
  automated: boolean;
  installed_on: string;
  verified_until: string;
  status: 'active';
  created_at: string;
};

/** `meter_readings` columns after `meter_id`, in {@link READING_COLUMNS} order. */
export type ReadingValues = [string, string, number, string, string, string];
export const READING_COLUMNS = [
  'meter_id',
  'zone',
  'period',
  'value_milli',
  'source',
  'status',
  'submitted_at',
] as const;
/** PostgreSQL types of {@link READING_COLUMNS}. */
export const READING_TYPES = ['bigint', 'text', 'text', 'bigint', 'text', 'text', 'timestamptz'];

/** `ledger` columns after `account_id`, in {@link LEDGER_COLUMNS} order. */
export type LedgerValues = [
  string, // period
  'charge' | 'payment' | 'adjustment',
  string | null, // service
  string | null, // zone
  number | null, // volume_milli
  number | null, // tariff_kopecks
  number, // amount_kopecks
  string, // occurred_on
  string, // source
  string, // external_id
  string | null, // description
  string, // created_at
];
export const LEDGER_COLUMNS = [
  'account_id',
  'period',
  'kind',
  'service',
  'zone',
  'volume_milli',
  'tariff_kopecks',
  'amount_kopecks',
  'occurred_on',
  'source',
  'external_id',
  'description',
  'created_at',
] as const;
/** PostgreSQL types of {@link LEDGER_COLUMNS}. */
export const LEDGER_TYPES = [
  'bigint',
  'text',
  'text',
  'text',
  'text',
  'bigint',
  'integer',
  'bigint',
  'text',
  'text',
  'text',
  'text',
  'timestamptz',
];

export interface GeneratedAccount {
  account: AccountRow;
  meter: MeterRow;
  readings: ReadingValues[];
  ledger: LedgerValues[];
}

/** Receipt codes avoid look-alikes (0/O, 1/I/L) since people type them from paper. */
const RECEIPT_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Monthly consumption relative to the yearly mean: dark, cold Kamchatka winters, light summers. */
const SEASON = [1.36, 1.28, 1.17, 1.02, 0.9, 0.8, 0.75, 0.78, 0.88, 1.0, 1.15, 1.31] as const;

const PAYMENT_CHANNELS = [
  ['Оплата через банк', 50],
  ['Оплата в мобильном приложении банка', 30],
  ['Оплата в кассе', 10],
  ['Оплата через Почту России', 7],
  ['Оплата картой на сайте', 3],
] as const;

/** Largest account index the 7-digit number body can hold. */
export const MAX_ACCOUNTS = 10_000_000;

/** The Luhn check digit of a string of digits, so that a mistyped account number is caught. */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Account numbers: `41` (the supplier's prefix), 7 digits that are a seeded permutation of the
 * account index (unique by construction, not sequential), and a Luhn check digit — 10 digits.
 */
export function accountNumbers(seed: number): (index: number) => string {
  const permute = affinePermutation(mixSeed(seed, 0xacc0), 10_000_000);
  return (index) => {
    const body = `41${String(permute(index)).padStart(7, '0')}`;
    return `${body}${luhnDigit(body)}`;
  };
}

/** Meter serials: 8 digits (no leading zero) or 12 digits `00` + year + 8 digits; unique per index. */
function meterSerials(
  seed: number,
): (index: number, model: MeterModel, installed: string) => string {
  const permute = affinePermutation(mixSeed(seed, 0x5e41), 90_000_000);
  return (index, model, installed) => {
    const body = String(10_000_000 + permute(index));
    return model.serialDigits === 8 ? body : `00${installed.slice(2, 4)}${body}`;
  };
}

/** Builds the generator of one run; `generate(index)` gives the rows of account `index`. */
export function accountGenerator(calendar: Calendar): (index: number) => GeneratedAccount {
  const numberOf = accountNumbers(calendar.seed);
  const serialOf = meterSerials(calendar.seed);
  return (index) => generateAccount(calendar, index, numberOf(index), serialOf);
}

function randomProfile(random: Random): Profile {
  const zones = random.weighted([
    [1, 70],
    [2, 22],
    [3, 8],
  ] as const);
  const automated = random.chance(0.05);
  const verification = random.weighted([
    ['normal', 95],
    ['expired', automated ? 0 : 2],
    ['soon', 3],
  ] as const);
  const rollover =
    zones === 1 && !automated && verification === 'normal'
      ? random.weighted([
          ['none', 98.3],
          ['near', 1],
          ['within', 0.7],
        ] as const)
      : 'none';
  const payer = random.weighted([
    ['exact', 75],
    ['debtor', 15],
    ['advance', 10],
  ] as const);
  return { zones, automated, payer, verification, rollover };
}

/** Splits a whole into integer parts by shares; the last part takes the rounding rest. */
function split(total: number, shares: readonly number[]): number[] {
  const parts: number[] = [];
  let rest = total;
  shares.forEach((share, i) => {
    const part = i === shares.length - 1 ? rest : Math.round(total * share);
    parts.push(part);
    rest -= part;
  });
  return parts;
}

function generateAccount(
  calendar: Calendar,
  index: number,
  number: string,
  serialOf: (index: number, model: MeterModel, installed: string) => string,
): GeneratedAccount {
  const { clock, today, periods } = calendar;
  const random = new Random(mixSeed(calendar.seed, index));
  const profile: Profile = SHOWCASE[index] ?? randomProfile(random);

  // Who and where.
  const settlement: Settlement = profile.settlement
    ? settlementNamed(profile.settlement)
    : pickSettlement(random);
  const plan: TariffPlan =
    profile.plan ??
    (settlement.kind === 'rural' ? 'rural' : random.chance(0.18) ? 'electric-stove' : 'urban');
  const holder = personName(random);
  const address = streetAddress(random, settlement);
  const residents = random.weighted([
    [1, 25],
    [2, 35],
    [3, 22],
    [4, 13],
    [5, 5],
  ] as const);
  const receiptCode = random.string(RECEIPT_ALPHABET, 6);

  // The meter, its verification dates and whether its register is about to roll over.
  const { zones } = profile;
  const zoneNames = ZONES_OF[zones];
  const model = pickModel(random, {
    zones,
    automated: profile.automated,
    fiveDigits: profile.rollover !== 'none',
    old: profile.verification === 'expired' || profile.rollover !== 'none' || random.chance(0.15),
  });
  const first = periods[0] ?? calendar.currentPeriod;
  const windowStart = dateIn(first, 1);
  let verifiedUntil: string;
  if (profile.verification === 'expired') {
    verifiedUntil = addDays(today, -random.int(40, 110));
  } else if (profile.verification === 'soon') {
    verifiedUntil = addDays(today, random.int(10, 55));
  } else {
    // Installed at least a month before the window and due no sooner than in 61 days.
    const latest = addDays(windowStart, -30);
    const earliest = addDays(addYears(today, -model.interval), 62);
    const span = Math.max(0, daysBetween(earliest, latest));
    verifiedUntil = addYears(addDays(earliest, random.int(0, span)), model.interval);
  }
  const installedOn = addYears(verifiedUntil, -model.interval);
  const openedOn = addDays(installedOn, -random.int(0, 2500));

  // Consumption: a household level by plan and size, the season, monthly noise; night shares.
  const [low, high] =
    plan === 'electric-stove' ? [230, 600] : plan === 'rural' ? [170, 520] : [120, 430];
  const level = (low + (high - low) * random.next() ** 1.4) * (0.8 + 0.08 * residents);
  const nightShare = random.float(0.24, 0.4);
  const peakShare = random.float(0.24, 0.32);
  const shares: readonly number[] =
    zones === 1
      ? [1]
      : zones === 2
        ? [1 - nightShare, nightShare]
        : [peakShare, nightShare, 1 - peakShare - nightShare];
  // Residents read whole kWh; automated meters report to the watt-hour.
  const unit = profile.automated ? 1 : 1000;
  const monthly: number[][] = periods.map((period) => {
    const season = SEASON[splitPeriod(period).month - 1] ?? 1;
    const kwh = Math.min(1100, Math.max(60, level * season * random.float(0.88, 1.12)));
    const jitter = zones === 1 ? 0 : random.float(-0.03, 0.03);
    const monthShares = shares.map((share, z) =>
      z === 0 ? share + jitter : z === 1 ? share - jitter : share,
    );
    return split(Math.round((kwh * 1000) / unit), monthShares).map((part) => part * unit);
  });

  // Register values: the reading of period k is the register at its end.
  const modulus = 10 ** model.digits * 1000;
  const billedTotals = zoneNames.map((_, z) =>
    monthly.slice(1).reduce((sum, month) => sum + (month[z] ?? 0), 0),
  );
  const starts = zoneNames.map((_, z) => {
    const total = billedTotals[z] ?? 0;
    if (profile.rollover === 'near') {
      // The last reading lands on 99 1xx–99 7xx: the next one wraps past 99 999.
      return modulus - random.int(250, 850) * 1000 - total;
    }
    if (profile.rollover === 'within') {
      return modulus - Math.round((total * random.float(0.2, 0.8)) / 1000) * 1000;
    }
    const ageMonths = Math.max(1, daysBetween(installedOn, windowStart) / 30.4);
    const estimate = Math.round(ageMonths * level * (shares[z] ?? 0) * random.float(0.7, 1.1));
    const room = Math.floor((modulus - total) / 1000) - 100;
    const kwh = room > 0 ? estimate % room : 0;
    return kwh * 1000 + (profile.automated ? random.int(0, 999) : 0);
  });

  // Readings stop once the verification has expired: a reading is taken by the 25th.
  const readings: ReadingValues[] = [];
  const values = starts.slice();
  const hasReading = periods.map((period) => dateIn(period, 25) < verifiedUntil);
  periods.forEach((period, k) => {
    const month = monthly[k] ?? [];
    if (k > 0) {
      for (let z = 0; z < zoneNames.length; z++) {
        values[z] = ((values[z] ?? 0) + (month[z] ?? 0)) % modulus;
      }
    }
    if (!hasReading[k]) return;
    const day = profile.automated ? 25 : random.int(15, 25);
    const submittedAt = profile.automated
      ? clock.toIso(dateIn(period, day), 0, random.int(5, 59))
      : clock.toIso(dateIn(period, day), random.int(8, 22), random.int(0, 59), random.int(0, 59));
    zoneNames.forEach((zone, z) => {
      readings.push([zone, period, values[z] ?? 0, 'import', 'billed', submittedAt]);
    });
  });

  // The ledger: charges per zone, a rare recalculation, and payments the month after.
  const ledger: LedgerValues[] = [];
  const bills: number[] = [];
  const adjustmentAt = random.chance(0.04) ? random.int(1, periods.length - 1) : -1;
  for (let k = 1; k < periods.length; k++) {
    const period = periods[k] ?? '';
    const lastDay = dateIn(period, daysInPeriod(period));
    const billedAt = clock.toIso(lastDay, 23, 0);
    let bill = 0;
    zoneNames.forEach((zone, z) => {
      let volume = monthly[k]?.[z] ?? 0;
      let description = zoneLabel(zones, zone);
      if (!hasReading[k]) {
        // No valid meter: billed by the average of up to six months with readings (ПП 354 п. 59).
        const known = monthly
          .slice(1, k)
          .filter((_, j) => hasReading[j + 1])
          .slice(-6);
        const sum = known.reduce((s, m) => s + (m[z] ?? 0), 0);
        volume = known.length > 0 ? Math.round(sum / known.length) : volume;
        description += ', по среднемесячному объёму (истёк срок поверки)';
      }
      const tariff = priceOf(plan, zones, z, period);
      const amount = Math.round((volume * tariff) / 1000);
      bill += amount;
      ledger.push([
        period,
        'charge',
        'electricity',
        zone,
        volume,
        tariff,
        amount,
        lastDay,
        'seed',
        `demo:charge:${number}:${period}:${zone}`,
        description,
        billedAt,
      ]);
    });
    if (k === adjustmentAt) {
      const refund = random.chance(0.6);
      const size = Math.max(100, Math.round(bill * random.float(0.05, 0.3)));
      const amount = refund ? -size : size;
      bill += amount;
      ledger.push([
        period,
        'adjustment',
        'electricity',
        null,
        null,
        null,
        amount,
        lastDay,
        'seed',
        `demo:adjustment:${number}:${period}`,
        refund
          ? 'Перерасчёт: исправлены ошибочно учтённые показания'
          : 'Доначисление по акту проверки прибора учёта',
        billedAt,
      ]);
    }
    bills.push(bill);
  }

  const favouriteDay = random.int(1, 20);
  let owed = 0;
  bills.forEach((bill, j) => {
    const paidIn = addMonths(periods[j + 1] ?? '', 1);
    const paidOn = dateIn(paidIn, favouriteDay + random.int(-2, 4));
    owed += bill;
    let amount: number;
    if (profile.payer === 'exact') {
      amount = random.chance(0.04) ? 0 : owed; // now and then a month is skipped and paid later
    } else if (profile.payer === 'advance') {
      amount = Math.ceil((bill * random.float(1.1, 1.5)) / 50_000) * 50_000; // to 500 ₽ up
    } else if (profile.stopsPaying && j >= bills.length - 4) {
      amount = 0;
    } else {
      amount = random.chance(0.35) ? 0 : Math.round((bill * random.float(0.3, 0.8)) / 100) * 100;
    }
    const channel = random.weighted(PAYMENT_CHANNELS);
    const hour = random.int(8, 22);
    const minute = random.int(0, 59);
    if (amount <= 0 || paidOn >= today) return; // not paid (yet)
    owed -= amount;
    ledger.push([
      paidIn,
      'payment',
      null,
      null,
      null,
      null,
      amount,
      paidOn,
      'seed',
      `demo:payment:${number}:${paidIn}`,
      channel,
      clock.toIso(paidOn, hour, minute),
    ]);
  });

  return {
    account: {
      number,
      holder_name: holder,
      settlement: settlement.name,
      address,
      tariff_plan: plan,
      status: 'active',
      residents,
      receipt_code: receiptCode,
      created_at: clock.toIso(openedOn, 10, 0),
      updated_at: clock.toIso(openedOn, 10, 0),
    },
    meter: {
      serial: serialOf(index, model, installedOn),
      model: model.name,
      zones,
      digits: model.digits,
      automated: model.automated,
      installed_on: installedOn,
      verified_until: verifiedUntil,
      status: 'active',
      created_at: clock.toIso(installedOn, 12, 0),
    },
    readings,
    ledger,
  };
}
