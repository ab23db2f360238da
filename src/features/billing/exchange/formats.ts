import { z } from 'zod';
import type { ZoneCode } from '../../readings/rules';
import type { ColumnSpec } from './csv';

/**
 * The file formats of the billing exchange: for each kind, its columns and a zod schema that turns
 * one row of strings into typed, exact values (kopecks, thousandths, ISO dates). Documented with
 * examples in docs/billing-exchange.md — keep the two in step.
 */

/** What `abonent import` accepts. */
export const IMPORT_KINDS = ['accounts', 'meters', 'tariffs', 'charges', 'payments'] as const;
/** A kind of file billing sends us. */
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** What `abonent export` produces. */
export const EXPORT_KINDS = ['readings', 'payments'] as const;
/** A kind of file we send billing. */
export type ExportKind = (typeof EXPORT_KINDS)[number];

// int4 columns (price, tariff, residents) must not overflow on PostgreSQL mid-transaction.
const INT4_MAX = 2_147_483_647;

// ---------------------------------------------------------------------------------------------
// Exact value parsers (strings in, integers out; never floats)
// ---------------------------------------------------------------------------------------------

const SPACES = /[\s\u00A0\u2007\u2009\u202F]/g;

function scaledDecimal(text: string, scaleDigits: number): number | undefined {
  const compact = text.replace(SPACES, '');
  const match = new RegExp(`^(-?)(\\d+)(?:[.,](\\d{1,${scaleDigits}}))?$`).exec(compact);
  if (!match) return undefined;
  const value =
    Number(match[2]) * 10 ** scaleDigits + Number((match[3] ?? '').padEnd(scaleDigits, '0'));
  if (!Number.isSafeInteger(value)) return undefined;
  return match[1] ? -value : value;
}

/**
 * Rubles as billing writes them — `1234,56`, `1 234,56`, `1234.5`, `1234` — to integer kopecks,
 * by reading the digits (so `0,29` is 29 kopecks, never 28.999…). More than two decimals is an
 * error rather than a silent rounding of money.
 */
export function parseRubles(text: string): number | undefined {
  return scaledDecimal(text, 2);
}

/** kWh with up to three decimals (`150,5`) to integer thousandths. */
export function parseKwh(text: string): number | undefined {
  return scaledDecimal(text, 3);
}

/** Kopecks back to the file form `1234,56` (always two decimals, minus sign when negative). */
export function formatRubles(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Thousandths back to a decimal-comma value with trailing zeros trimmed: 12345000 → `12345`,
 * 12345600 → `12345,6`, 12345125 → `12345,125`. Exact: integer arithmetic on the digits.
 */
export function formatMilli(milli: number): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const fraction = String(abs % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${sign}${Math.floor(abs / 1000)}${fraction ? `,${fraction}` : ''}`;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** `YYYY-MM-DD` or the Russian `DD.MM.YYYY` (1С's default) to `YYYY-MM-DD`. */
export function parseDate(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ru = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  const [year, month, day] = iso
    ? [iso[1], iso[2], iso[3]]
    : ru
      ? [ru[3], ru[2], ru[1]]
      : [undefined, undefined, undefined];
  if (!year || !month || !day || !isRealDate(Number(year), Number(month), Number(day))) {
    return undefined;
  }
  return `${year}-${month}-${day}`;
}

/** A billing period `YYYY-MM` (also accepts `MM.YYYY`), normalised to `YYYY-MM`. */
export function parsePeriod(text: string): string | undefined {
  const iso = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (iso) return text;
  const ru = /^(0[1-9]|1[0-2])\.(\d{4})$/.exec(text);
  return ru ? `${ru[2]}-${ru[1]}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Column schemas
// ---------------------------------------------------------------------------------------------

const cell = z.string().optional().default('');

const requiredText = (max: number) =>
  cell.pipe(z.string().min(1, 'is required').max(max, `is longer than ${max} characters`));

const optionalText = (max: number) =>
  cell.pipe(
    z
      .string()
      .max(max, `is longer than ${max} characters`)
      .transform((value) => (value === '' ? null : value)),
  );

/** A key that is matched exactly (account numbers, serials, external ids): no inner spaces. */
const key = (max: number) =>
  requiredText(max).refine((value) => !/\s/.test(value), 'must not contain spaces');

function converted<T>(parse: (text: string) => T | undefined, message: string, optional = false) {
  return cell.transform((value, ctx): T | null => {
    if (value === '') {
      if (optional) return null;
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return z.NEVER;
    }
    const result = parse(value);
    if (result === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" ${message}` });
      return z.NEVER;
    }
    return result;
  });
}

const period = converted(parsePeriod, 'is not a period YYYY-MM').transform((v) => v as string);
const date = converted(parseDate, 'is not a date YYYY-MM-DD or DD.MM.YYYY').transform(
  (v) => v as string,
);
const optionalDate = converted(parseDate, 'is not a date YYYY-MM-DD or DD.MM.YYYY', true);

const wholeNumber = (min: number, max: number, fallback?: number) =>
  converted(
    (text) => {
      if (!/^\d+$/.test(text)) return undefined;
      const value = Number(text);
      return value >= min && value <= max ? value : undefined;
    },
    `is not a whole number ${min}–${max}`,
    fallback !== undefined,
  ).transform((v) => v ?? (fallback as number));

const rubles = (min: number, label: string) =>
  converted((text) => {
    const value = parseRubles(text);
    return value !== undefined && value >= min ? value : undefined;
  }, `is not ${label} in rubles like 1234,56`).transform((v) => v as number);

const zoneCode = z.enum(['T1', 'T2', 'T3']);

const optionalZone = cell.transform((value, ctx): ZoneCode | null => {
  if (value === '') return null;
  const parsed = zoneCode.safeParse(value.toUpperCase().replace('Т', 'T'));
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a zone T1, T2 or T3` });
    return z.NEVER;
  }
  return parsed.data;
});

const requiredZone = optionalZone.refine((value) => value !== null, 'is required');

const flag = cell.transform((value, ctx): boolean => {
  const normalized = value.toLowerCase();
  if (['', '0', 'нет', 'false', 'no', 'н'].includes(normalized)) return false;
  if (['1', 'да', 'true', 'yes', 'д'].includes(normalized)) return true;
  ctx.addIssue({ code: 'custom', message: `"${value}" is not 1/0 (да/нет)` });
  return z.NEVER;
});

const choice = <T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  cell.transform((value, ctx): T => {
    if (value === '') return fallback;
    const found = values.find((option) => option === value.toLowerCase());
    if (!found) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return found;
  });

/** accounts.csv: the accounts (лицевые счета), upserted by `number`. */
export const accountRow = z.object({
  number: key(32),
  holder_name: requiredText(200),
  settlement: requiredText(100),
  address: requiredText(500),
  tariff_plan: key(32),
  status: choice(['active', 'closed'], 'active'),
  residents: wholeNumber(0, 1000, 1),
  receipt_code: optionalText(16),
});

/** meters.csv: meters by (account, serial), upserted. */
export const meterRow = z
  .object({
    account_number: key(32),
    serial: key(32),
    model: optionalText(64),
    zones: wholeNumber(1, 3),
    digits: wholeNumber(1, 12),
    automated: flag,
    installed_on: optionalDate,
    verified_until: optionalDate,
    status: choice(['active', 'removed'], 'active'),
  })
  .transform((row) => ({ ...row, zones: row.zones as 1 | 2 | 3 }));

/** tariffs.csv: a price per kWh for a plan, meter kind and zone from a period on, upserted. */
export const tariffRow = z
  .object({
    plan: key(32),
    zones: wholeNumber(1, 3),
    zone: requiredZone.transform((v) => v as ZoneCode),
    valid_from: period,
    price: rubles(1, 'a price above zero').refine((v) => v <= INT4_MAX, 'is too large'),
  })
  .refine((row) => Number(row.zone.slice(1)) <= row.zones, {
    message: 'zone does not exist on a meter with that many zones',
    path: ['zone'],
  });

/** charges.csv: charges by `external_id`, inserted once, never rewritten. */
export const chargeRow = z
  .object({
    external_id: key(64),
    account_number: key(32),
    period,
    service: cell.transform((value) => value || 'electricity').pipe(z.string().max(32)),
    zone: optionalZone,
    volume: converted(parseKwh, 'is not a volume in kWh like 150,5', true),
    tariff: converted(parseRubles, 'is not a price in rubles like 6,37', true),
    amount: rubles(0, 'an amount of zero or more'),
    occurred_on: date,
  })
  .superRefine((row, ctx) => {
    if (row.volume !== null && row.volume < 0) {
      ctx.addIssue({ code: 'custom', message: 'must not be negative', path: ['volume'] });
    }
    if (row.tariff !== null && (row.tariff < 0 || row.tariff > INT4_MAX)) {
      ctx.addIssue({ code: 'custom', message: 'is out of range', path: ['tariff'] });
    }
  });

/** payments.csv: payments by `external_id`, inserted once, never rewritten. */
export const paymentRow = z.object({
  external_id: key(64),
  account_number: key(32),
  period,
  amount: rubles(1, 'an amount above zero'),
  paid_on: date,
  source: optionalText(64),
});

/** Typed rows, as the importers consume them (money in kopecks, volumes in thousandths). */
export type AccountRow = z.output<typeof accountRow>;
export type MeterRow = z.output<typeof meterRow>;
export type TariffRow = z.output<typeof tariffRow>;
export type ChargeRow = z.output<typeof chargeRow>;
export type PaymentRow = z.output<typeof paymentRow>;

/** The header of each import file: required columns first, in the documented order. */
export const IMPORT_COLUMNS: Record<ImportKind, ColumnSpec> = {
  accounts: {
    required: ['number', 'holder_name', 'settlement', 'address', 'tariff_plan'],
    optional: ['status', 'residents', 'receipt_code'],
  },
  meters: {
    required: ['account_number', 'serial', 'zones', 'digits'],
    optional: ['model', 'automated', 'installed_on', 'verified_until', 'status'],
  },
  tariffs: { required: ['plan', 'zones', 'zone', 'valid_from', 'price'], optional: [] },
  charges: {
    required: ['external_id', 'account_number', 'period', 'amount', 'occurred_on'],
    optional: ['service', 'zone', 'volume', 'tariff'],
  },
  payments: {
    required: ['external_id', 'account_number', 'period', 'amount', 'paid_on'],
    optional: ['source'],
  },
};

/** The columns of each export file, in order. */
export const EXPORT_COLUMNS: Record<ExportKind, readonly string[]> = {
  readings: [
    'account_number',
    'meter_serial',
    'zone',
    'period',
    'value',
    'submitted_at',
    'source',
    'reading_id',
  ],
  payments: ['external_id', 'account_number', 'period', 'amount', 'paid_on', 'source'],
};

/** Flattens a zod error into "column: reason" parts for the report. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const column = issue.path.length ? String(issue.path[0]) : '';
      return column ? `${column}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
