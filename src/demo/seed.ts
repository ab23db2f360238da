import type { Knex } from 'knex';
import { addMonths, periodOf, ZoneClock } from './calendar';
import {
  type AccountRow,
  accountGenerator,
  accountNumbers,
  type Calendar,
  LEDGER_COLUMNS,
  LEDGER_TYPES,
  type MeterRow,
  MAX_ACCOUNTS,
  READING_COLUMNS,
  READING_TYPES,
  SHOWCASE,
} from './generate';
import { seedWord } from './random';
import { tariffRows } from './tariffs';
import { BatchInserter, isSqlite, type SqlValue } from './write';

/** Options of `abonent seed --demo`; every field has a default so the sandbox can call it bare. */
export interface DemoSeedOptions {
  /** How many accounts to create; default 300 (the sandbox). */
  accounts?: number;
  /** Seed of the generator; the same seed, count and `now` give byte-identical data. Default 1. */
  seed?: number;
  /**
   * "Today". The 12 full months before its month are billed (readings start a month earlier, so the
   * first bill has a previous reading); its own month is left open for readings sent in the bot.
   */
  now: Date;
  /** The supplier's zone: billing dates and days of payment are local to it. */
  timeZone?: string;
  /** Called after each batch of accounts is written. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Write nothing; only describe the showcase accounts already in the database (the sandbox on a
   * second start, when the data is there from the first).
   */
  dryRun?: boolean;
}

/** One account worth trying by hand, with what proves ownership when linking it in the bot. */
export interface DemoAccount {
  number: string;
  holder: string;
  address: string;
  meterSerial: string;
  /** The total charged for the latest billed month (all zones), as printed on the last receipt. */
  lastChargeKopecks: number;
  receiptCode: string;
  zones: number;
  /** Which case it shows: "one-zone", "debtor", "advance", "automated metering", … */
  note: string;
}

/** What was written, for the CLI's summary and the sandbox banner. */
export interface DemoSeedResult {
  accounts: number;
  meters: number;
  ledgerRows: number;
  readings: number;
  tariffs: number;
  /** One account per interesting case (zones, debtor, advance, АСКУЭ, verification, rollover). */
  showcase: DemoAccount[];
}

/** Raised when demo data would land on top of real (or earlier demo) accounts. */
export class DemoSeedError extends Error {
  override name = 'DemoSeedError';
}

const DEFAULT_ACCOUNTS = 300;
const DEFAULT_TIME_ZONE = 'Asia/Kamchatka';
/** Accounts generated and written per round: bounded memory, few statements, id look-ups by 1 000. */
const CHUNK = 1_000;
/** Where the showcase list is kept, so a later start can show it whatever seed was used. */
export const SHOWCASE_KEY = 'demo:showcase';

const ACCOUNT_COLUMNS = [
  'number',
  'holder_name',
  'settlement',
  'address',
  'tariff_plan',
  'status',
  'residents',
  'receipt_code',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof AccountRow)[];

/** PostgreSQL types of the columns above, for array inserts. */
const ACCOUNT_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'integer',
  'text',
  'timestamptz',
  'timestamptz',
];

const METER_COLUMNS = [
  'serial',
  'model',
  'zones',
  'digits',
  'automated',
  'installed_on',
  'verified_until',
  'status',
  'created_at',
] as const satisfies readonly (keyof MeterRow)[];

/** PostgreSQL types of `account_id` and the columns above. */
const METER_TYPES = [
  'bigint',
  'text',
  'text',
  'smallint',
  'smallint',
  'boolean',
  'text',
  'text',
  'text',
  'timestamptz',
];

/**
 * Whether the database has no accounts yet. The sandbox seeds demo data on its first start only,
 * and never on top of accounts someone created or imported.
 */
export async function isDatabaseEmpty(db: Knex): Promise<boolean> {
  const row: unknown = await db('accounts').first('id');
  return row === undefined;
}

/**
 * Fills an empty database with a fictional supplier's customers — accounts across Kamchatka,
 * meters, a year of readings, tariffs and a ledger of charges, payments and recalculations — so
 * every feature can be tried (sandbox) or loaded (`--accounts 100000`). All of it is written in
 * one transaction: the database ends up either fully seeded or untouched.
 */
export async function seedDemo(db: Knex, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const total = options.accounts ?? DEFAULT_ACCOUNTS;
  if (!Number.isInteger(total) || total < 1 || total > MAX_ACCOUNTS) {
    throw new RangeError(
      `accounts must be a whole number from 1 to ${MAX_ACCOUNTS} (got ${total})`,
    );
  }
  const seedOption = options.seed ?? 1;
  if (!Number.isSafeInteger(seedOption))
    throw new RangeError(`seed must be a whole number (got ${seedOption})`);
  const seed = seedWord(seedOption);
  const now = options.now;
  const clock = new ZoneClock(options.timeZone ?? DEFAULT_TIME_ZONE);
  const local = clock.localDate(now);
  const currentPeriod = periodOf(local.year, local.month);
  const calendar: Calendar = {
    seed,
    clock,
    today: `${currentPeriod}-${String(local.day).padStart(2, '0')}`,
    currentPeriod,
    periods: Array.from({ length: 13 }, (_, i) => addMonths(currentPeriod, i - 13)),
  };
  const numberOf = accountNumbers(seed);
  const showcaseNotes = SHOWCASE.slice(0, total).map((profile, index) => ({
    number: numberOf(index),
    note: profile.note,
  }));

  if (options.dryRun) {
    return {
      accounts: 0,
      meters: 0,
      ledgerRows: 0,
      readings: 0,
      tariffs: 0,
      showcase: await describeShowcase(db, (await storedShowcase(db)) ?? showcaseNotes),
    };
  }

  const counts = { accounts: 0, meters: 0, ledgerRows: 0, readings: 0, tariffs: 0 };
  const generate = accountGenerator(calendar);
  await db.transaction(async (trx) => {
    if (!(await isDatabaseEmpty(trx))) {
      throw new DemoSeedError(
        'the database already has accounts; demo data only goes into an empty one',
      );
    }
    const inserter = await BatchInserter.open(trx);
    const restoreCache = await widenSqliteCache(trx);

    const tariffs = tariffRows(calendar.periods[1] ?? currentPeriod, currentPeriod);
    for (let i = 0; i < tariffs.length; i += 500) {
      await trx('tariffs')
        .insert(tariffs.slice(i, i + 500))
        .onConflict(['plan', 'zones', 'zone', 'valid_from'])
        .ignore();
    }
    counts.tariffs = tariffs.length;

    for (let from = 0; from < total; from += CHUNK) {
      const batch = Array.from({ length: Math.min(CHUNK, total - from) }, (_, i) =>
        generate(from + i),
      );

      await inserter.insert(
        'accounts',
        ACCOUNT_COLUMNS,
        ACCOUNT_TYPES,
        batch.map(({ account }) => ACCOUNT_COLUMNS.map((column) => account[column])),
      );
      const accountIds = await idsBy(
        trx,
        'accounts',
        'number',
        batch.map(({ account }) => account.number),
      );

      const meterRows: SqlValue[][] = [];
      for (const { account, meter } of batch) {
        meterRows.push([
          accountIds.get(account.number) ?? null,
          ...METER_COLUMNS.map((column) => meter[column]),
        ]);
      }
      await inserter.insert('meters', ['account_id', ...METER_COLUMNS], METER_TYPES, meterRows);
      const meterIds = await idsBy(
        trx,
        'meters',
        'serial',
        batch.map(({ meter }) => meter.serial),
      );

      const readingRows: SqlValue[][] = [];
      const ledgerRows: SqlValue[][] = [];
      for (const { account, meter, readings, ledger } of batch) {
        const meterId = meterIds.get(meter.serial) ?? null;
        for (const reading of readings) readingRows.push([meterId, ...reading]);
        const accountId = accountIds.get(account.number) ?? null;
        for (const entry of ledger) ledgerRows.push([accountId, ...entry]);
      }
      await inserter.insert('meter_readings', READING_COLUMNS, READING_TYPES, readingRows);
      await inserter.insert('ledger', LEDGER_COLUMNS, LEDGER_TYPES, ledgerRows);

      counts.accounts += batch.length;
      counts.meters += batch.length;
      counts.readings += readingRows.length;
      counts.ledgerRows += ledgerRows.length;
      options.onProgress?.(counts.accounts, total);
    }

    await trx('kv_store')
      .insert({
        key: SHOWCASE_KEY,
        value: JSON.stringify(showcaseNotes),
        updated_at: now.toISOString(),
      })
      .onConflict('key')
      .merge(['value', 'updated_at']);
    await restoreCache();
  });

  return { ...counts, showcase: await describeShowcase(db, showcaseNotes) };
}

/**
 * SQLite's default page cache is 2 MB; the unique index on `ledger.external_id` alone grows past
 * 100 MB at 100 000 accounts and is filled in random order, so with the default cache most of the
 * time goes into re-reading and spilling pages. A larger cache for the seed's connection, set back
 * afterwards, roughly halves the time. PostgreSQL needs nothing of the kind.
 */
async function widenSqliteCache(trx: Knex.Transaction): Promise<() => Promise<void>> {
  if (!isSqlite(trx)) return async () => {};
  const rows = (await trx.raw('pragma cache_size')) as { cache_size: number }[];
  const previous = Number(rows[0]?.cache_size ?? -2000);
  await trx.raw('pragma cache_size = -262144'); // KiB: 256 MiB, held only while seeding
  return async () => {
    await trx.raw(`pragma cache_size = ${Math.trunc(previous)}`);
  };
}

/** `value → id` for rows just inserted, looked up by a unique column (ids are the database's). */
async function idsBy(
  trx: Knex.Transaction,
  table: string,
  column: string,
  values: readonly string[],
): Promise<Map<string, number>> {
  const rows = (await trx(table).whereIn(column, values).select('id', column)) as Record<
    string,
    unknown
  >[];
  const ids = new Map<string, number>();
  for (const row of rows) ids.set(String(row[column]), Number(row.id));
  if (ids.size !== values.length) throw new Error(`demo seed: ${table} ids not found after insert`);
  return ids;
}

interface ShowcaseNote {
  number: string;
  note: string;
}

async function storedShowcase(db: Knex): Promise<ShowcaseNote[] | undefined> {
  const row = (await db('kv_store').where({ key: SHOWCASE_KEY }).first('value')) as
    | { value: string }
    | undefined;
  if (!row) return undefined;
  try {
    const parsed: unknown = JSON.parse(row.value);
    if (!Array.isArray(parsed)) return undefined;
    return parsed.filter(
      (item): item is ShowcaseNote =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as ShowcaseNote).number === 'string' &&
        typeof (item as ShowcaseNote).note === 'string',
    );
  } catch {
    return undefined;
  }
}

/**
 * Reads the showcase accounts back from the database, so what is shown to a newcomer is what the
 * bot will find (including charges made since the seed); accounts no longer there are skipped.
 */
async function describeShowcase(db: Knex, notes: readonly ShowcaseNote[]): Promise<DemoAccount[]> {
  const out: DemoAccount[] = [];
  for (const { number, note } of notes) {
    const account = (await db('accounts')
      .where({ number })
      .first('id', 'holder_name', 'address', 'receipt_code')) as
      | { id: number; holder_name: string; address: string; receipt_code: string | null }
      | undefined;
    if (!account) continue;
    const meter = (await db('meters')
      .where({ account_id: account.id, status: 'active' })
      .orderBy('id')
      .first('serial', 'zones')) as { serial: string; zones: number } | undefined;
    const last = (await db('ledger')
      .where({ account_id: account.id, kind: 'charge' })
      .groupBy('period')
      .orderBy('period', 'desc')
      .first('period', db.raw('sum(amount_kopecks) as total'))) as
      | { period: string; total: number | string }
      | undefined;
    out.push({
      number,
      holder: account.holder_name,
      address: account.address,
      meterSerial: meter?.serial ?? '',
      lastChargeKopecks: Number(last?.total ?? 0),
      receiptCode: account.receipt_code ?? '',
      zones: Number(meter?.zones ?? 0),
      note,
    });
  }
  return out;
}
