import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ZoneClock } from '../../src/demo/calendar';
import { luhnDigit } from '../../src/demo/generate';
import { feminineSurname } from '../../src/demo/people';
import {
  DemoSeedError,
  type DemoSeedResult,
  isDatabaseEmpty,
  SHOWCASE_KEY,
  seedDemo,
} from '../../src/demo/seed';
import { type TestDatabase, withTestDatabase } from '../support/database';

/** "Today" for the seeds below: 24 November 2026, 15:00 in Kamchatka. */
const NOW = new Date('2026-11-24T03:00:00Z');
const TODAY = '2026-11-24';
const CURRENT_PERIOD = '2026-11';

type Row = Record<string, unknown>;

/**
 * Every row the seed wrote, with database ids replaced by the natural keys they point at (account
 * number, meter serial) and booleans normalised, so two databases can be compared byte for byte.
 */
async function canonicalDump(db: Knex): Promise<string> {
  const strip = (rows: Row[]) =>
    rows.map(({ id: _id, account_id: _a, meter_id: _m, ...rest }) => {
      if ('automated' in rest) rest.automated = Boolean(rest.automated);
      return rest;
    });
  const dump = {
    accounts: strip(await db('accounts').orderBy('number').select('*')),
    meters: strip(
      await db('meters')
        .join('accounts', 'accounts.id', 'meters.account_id')
        .orderBy('meters.serial')
        .select('meters.*', 'accounts.number as account'),
    ),
    readings: strip(
      await db('meter_readings')
        .join('meters', 'meters.id', 'meter_readings.meter_id')
        .orderBy([
          'meters.serial',
          'meter_readings.zone',
          'meter_readings.period',
          'meter_readings.id',
        ])
        .select('meter_readings.*', 'meters.serial as meter'),
    ),
    ledger: strip(
      await db('ledger')
        .join('accounts', 'accounts.id', 'ledger.account_id')
        .orderBy('ledger.external_id')
        .select('ledger.*', 'accounts.number as account'),
    ),
    tariffs: strip(
      await db('tariffs').orderBy(['plan', 'zones', 'zone', 'valid_from']).select('*'),
    ),
    showcase: await db('kv_store').where({ key: SHOWCASE_KEY }).select('key', 'value'),
  };
  return createHash('sha256').update(JSON.stringify(dump)).digest('hex');
}

/** Balance as the receipt shows it: charges and adjustments owed, payments credited. */
async function balanceOf(db: Knex, number: string): Promise<number> {
  const rows = (await db('ledger')
    .join('accounts', 'accounts.id', 'ledger.account_id')
    .where('accounts.number', number)
    .select('ledger.kind', 'ledger.amount_kopecks')) as { kind: string; amount_kopecks: number }[];
  return rows.reduce(
    (sum, row) => sum + (row.kind === 'payment' ? -row.amount_kopecks : row.amount_kopecks),
    0,
  );
}

async function count(db: Knex, table: string): Promise<number> {
  const row = (await db(table).count('* as n').first()) as { n: number | string };
  return Number(row.n);
}

describe('demo seed', () => {
  let test: TestDatabase;
  let db: Knex;
  let result: DemoSeedResult;

  beforeAll(async () => {
    test = await withTestDatabase();
    db = test.db;
    expect(await isDatabaseEmpty(db)).toBe(true);
    result = await seedDemo(db, { accounts: 300, seed: 1, now: NOW });
  });

  afterAll(async () => {
    await test?.cleanup();
  });

  it('when 300 accounts are seeded, the counts reported are the rows written', async () => {
    expect(result.accounts).toBe(300);
    expect(await count(db, 'accounts')).toBe(300);
    expect(await count(db, 'meters')).toBe(result.meters);
    expect(await count(db, 'meter_readings')).toBe(result.readings);
    expect(await count(db, 'ledger')).toBe(result.ledgerRows);
    expect(await count(db, 'tariffs')).toBe(result.tariffs);
    expect(await isDatabaseEmpty(db)).toBe(false);
  });

  it('when the database already has accounts, seeding again is refused and writes nothing', async () => {
    const before = await count(db, 'ledger');
    await expect(seedDemo(db, { accounts: 5, seed: 2, now: NOW })).rejects.toBeInstanceOf(
      DemoSeedError,
    );
    expect(await count(db, 'ledger')).toBe(before);
    expect(await count(db, 'accounts')).toBe(300);
  });

  it('every account has a meter, a 10-digit number with a valid check digit and a receipt code', async () => {
    const accounts = (await db('accounts').select('id', 'number', 'receipt_code')) as Row[];
    const withMeter = new Set(
      ((await db('meters').select('account_id')) as Row[]).map((m) => Number(m.account_id)),
    );
    for (const account of accounts) {
      expect(withMeter.has(Number(account.id))).toBe(true);
      const number = String(account.number);
      expect(number).toMatch(/^41\d{8}$/);
      expect(luhnDigit(number.slice(0, 9))).toBe(Number(number[9]));
      expect(account.receipt_code).toMatch(/^[A-Z0-9]{6}$/);
    }
    const serials = ((await db('meters').select('serial')) as Row[]).map((m) => String(m.serial));
    expect(new Set(serials).size).toBe(serials.length);
    for (const serial of serials) expect(serial).toMatch(/^\d{8,12}$/);
  });

  it('holders have a surname, a name and a patronymic of the same gender', async () => {
    const holders = ((await db('accounts').select('holder_name')) as Row[]).map((a) =>
      String(a.holder_name),
    );
    let women = 0;
    for (const holder of holders) {
      const [surname, , patronymic, ...rest] = holder.split(' ');
      expect(rest).toEqual([]);
      expect(patronymic).toMatch(/(ич|на)$/);
      if (patronymic?.endsWith('на')) {
        women++;
        expect(surname).not.toMatch(/(ов|ев|ёв|ин|ын|ский|цкий|ой)$/);
      } else {
        expect(surname).not.toMatch(/(ова|ева|ёва|ина|ына|ская|цкая)$/);
      }
    }
    expect(women).toBeGreaterThan(holders.length * 0.35);
    expect(women).toBeLessThan(holders.length * 0.75);
    expect(feminineSurname('Покровский')).toBe('Покровская');
    expect(feminineSurname('Шевченко')).toBe('Шевченко');
  });

  it('readings go up month by month per meter and zone, except when a register rolls over', async () => {
    const rows = (await db('meter_readings')
      .join('meters', 'meters.id', 'meter_readings.meter_id')
      .orderBy(['meter_readings.meter_id', 'meter_readings.zone', 'meter_readings.period'])
      .select(
        'meter_readings.meter_id',
        'meter_readings.zone',
        'meter_readings.period',
        'meter_readings.value_milli',
        'meter_readings.source',
        'meter_readings.status',
        'meters.digits',
      )) as Row[];
    let rollovers = 0;
    let previous: Row | undefined;
    for (const row of rows) {
      expect(row.source).toBe('import');
      expect(row.status).toBe('billed');
      expect(String(row.period) < CURRENT_PERIOD).toBe(true);
      if (previous && previous.meter_id === row.meter_id && previous.zone === row.zone) {
        const before = Number(previous.value_milli);
        const after = Number(row.value_milli);
        const full = 10 ** Number(row.digits) * 1000;
        if (after < before) {
          rollovers++;
          // Only a register near 99 999 (or 999 999) may wrap, and by a plausible month's use.
          expect(before).toBeGreaterThan(full - 2_000_000);
          expect(full - before + after).toBeLessThan(2_000_000);
        } else {
          expect(after - before).toBeLessThan(2_000_000);
        }
      }
      previous = row;
    }
    expect(rows.length).toBeGreaterThan(300 * 13);
    expect(rollovers).toBeGreaterThanOrEqual(0);
  });

  it('every charge is round(volume × tariff) at the price in force for its plan, zones and period', async () => {
    const tariffs = (await db('tariffs').select('*')) as Row[];
    const priceOf = (plan: string, zones: number, zone: string, period: string) => {
      const valid = tariffs
        .filter(
          (t) =>
            t.plan === plan &&
            Number(t.zones) === zones &&
            t.zone === zone &&
            String(t.valid_from) <= period,
        )
        .sort((a, b) => String(b.valid_from).localeCompare(String(a.valid_from)));
      return Number(valid[0]?.price_kopecks);
    };
    const charges = (await db('ledger')
      .join('accounts', 'accounts.id', 'ledger.account_id')
      .join('meters', 'meters.account_id', 'accounts.id')
      .where('ledger.kind', 'charge')
      .select('ledger.*', 'accounts.tariff_plan', 'meters.zones as meter_zones')) as Row[];
    expect(charges.length).toBeGreaterThan(300 * 12);
    for (const charge of charges) {
      const volume = Number(charge.volume_milli);
      const tariff = Number(charge.tariff_kopecks);
      expect(charge.service).toBe('electricity');
      expect(Number(charge.amount_kopecks)).toBe(Math.round((volume * tariff) / 1000));
      expect(tariff).toBe(
        priceOf(
          String(charge.tariff_plan),
          Number(charge.meter_zones),
          String(charge.zone),
          String(charge.period),
        ),
      );
      expect(volume).toBeGreaterThan(0);
    }
  });

  it('charged volumes are the differences between consecutive readings while the meter is valid', async () => {
    const readings = (await db('meter_readings')
      .join('meters', 'meters.id', 'meter_readings.meter_id')
      .select(
        'meters.account_id',
        'meters.digits',
        'meter_readings.zone',
        'meter_readings.period',
        'meter_readings.value_milli',
      )) as Row[];
    const value = new Map<string, Row>();
    for (const r of readings) value.set(`${r.account_id}|${r.zone}|${r.period}`, r);
    const charges = (await db('ledger').where('kind', 'charge').select('*')) as Row[];
    let checked = 0;
    for (const charge of charges) {
      const current = value.get(`${charge.account_id}|${charge.zone}|${charge.period}`);
      const [year, month] = String(charge.period).split('-').map(Number) as [number, number];
      const prevPeriod = `${month === 1 ? year - 1 : year}-${String(month === 1 ? 12 : month - 1).padStart(2, '0')}`;
      const previous = value.get(`${charge.account_id}|${charge.zone}|${prevPeriod}`);
      if (!current || !previous) continue; // billed by average: the verification has expired
      const full = 10 ** Number(current.digits) * 1000;
      const used = (Number(current.value_milli) - Number(previous.value_milli) + full) % full;
      expect(Number(charge.volume_milli)).toBe(used);
      checked++;
    }
    expect(checked).toBeGreaterThan(charges.length * 0.9);
  });

  it('ledger rows have unique external ids, proper dates, and nothing dated today or later', async () => {
    const rows = (await db('ledger').select('*')) as Row[];
    const ids = rows.map((r) => String(r.external_id));
    expect(new Set(ids).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.external_id).toMatch(/^demo:(charge|payment|adjustment):\d{10}:\d{4}-\d{2}/);
      expect(row.period).toMatch(/^\d{4}-\d{2}$/);
      expect(row.occurred_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(String(row.occurred_on) < TODAY).toBe(true);
      expect(String(row.occurred_on).slice(0, 7)).toBe(row.period);
      expect(new Date(String(row.created_at)).toISOString()).toBe(row.created_at);
      expect(row.source).toBe('seed');
      if (row.kind === 'payment') expect(Number(row.amount_kopecks)).toBeGreaterThan(0);
      if (row.kind === 'adjustment') expect(Number(row.amount_kopecks)).not.toBe(0);
    }
    const kinds = new Set(rows.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['adjustment', 'charge', 'payment']);
  });

  it('tariffs rise every July, and rural and electric-stove homes pay less than urban ones', async () => {
    const tariffs = (await db('tariffs').select('*')) as Row[];
    const price = (plan: string, zones: number, zone: string, from: string) =>
      Number(
        tariffs.find(
          (t) =>
            t.plan === plan &&
            Number(t.zones) === zones &&
            t.zone === zone &&
            t.valid_from === from,
        )?.price_kopecks,
      );
    expect(new Set(tariffs.map((t) => t.valid_from))).toEqual(new Set(['2025-07', '2026-07']));
    expect(tariffs).toHaveLength(3 * 6 * 2);
    for (const plan of ['urban', 'rural', 'electric-stove']) {
      expect(price(plan, 1, 'T1', '2026-07')).toBeGreaterThan(price(plan, 1, 'T1', '2025-07'));
      expect(price(plan, 2, 'T2', '2026-07')).toBeLessThan(price(plan, 2, 'T1', '2026-07'));
      expect(price(plan, 3, 'T1', '2026-07')).toBeGreaterThan(price(plan, 3, 'T3', '2026-07'));
    }
    expect(price('rural', 1, 'T1', '2026-07')).toBeLessThan(price('urban', 1, 'T1', '2026-07'));
    expect(price('electric-stove', 1, 'T1', '2026-07')).toBeLessThan(
      price('urban', 1, 'T1', '2026-07'),
    );
  });

  it('the showcase covers one-, two- and three-zone meters, АСКУЭ, verification and a rollover', async () => {
    const notes = result.showcase.map((a) => a.note);
    expect(notes).toEqual([
      'one-zone',
      'two-zone',
      'three-zone',
      'debtor',
      'advance',
      'automated metering',
      'verification expired',
      'verification due soon',
      'meter near rollover',
    ]);
    const byNote = new Map(result.showcase.map((a) => [a.note, a]));
    const meterOf = async (note: string) =>
      (await db('meters')
        .where({ serial: byNote.get(note)?.meterSerial })
        .first()) as Row;
    expect(byNote.get('one-zone')?.zones).toBe(1);
    expect(byNote.get('two-zone')?.zones).toBe(2);
    expect(byNote.get('three-zone')?.zones).toBe(3);
    expect(Boolean((await meterOf('automated metering')).automated)).toBe(true);
    expect(String((await meterOf('verification expired')).verified_until) < TODAY).toBe(true);
    const soon = String((await meterOf('verification due soon')).verified_until);
    expect(soon >= TODAY && soon <= addDays(TODAY, 60)).toBe(true);
    const rolling = await meterOf('meter near rollover');
    expect(Number(rolling.digits)).toBe(5);
    const last = (await db('meter_readings')
      .where({ meter_id: rolling.id })
      .orderBy('period', 'desc')
      .first('value_milli')) as Row;
    expect(Number(last.value_milli)).toBeGreaterThanOrEqual(99_000_000);
    expect(Number(last.value_milli)).toBeLessThan(100_000_000);

    for (const account of result.showcase) {
      const row = (await db('accounts').where({ number: account.number }).first()) as Row;
      expect(row.holder_name).toBe(account.holder);
      expect(row.receipt_code).toBe(account.receiptCode);
      const lastMonth = (await db('ledger')
        .where({ account_id: row.id, kind: 'charge', period: '2026-10' })
        .sum({ total: 'amount_kopecks' })
        .first()) as { total: number | string };
      expect(account.lastChargeKopecks).toBe(Number(lastMonth.total));
      expect(account.lastChargeKopecks).toBeGreaterThan(0);
    }
  });

  it('the debtor showcase account owes more than its last bill and the advance one has paid ahead', async () => {
    const debtor = result.showcase.find((a) => a.note === 'debtor');
    const advance = result.showcase.find((a) => a.note === 'advance');
    expect(debtor && advance).toBeTruthy();
    const debt = await balanceOf(db, debtor?.number ?? '');
    expect(debt).toBeGreaterThan(0);
    expect(debt).toBeGreaterThan(debtor?.lastChargeKopecks ?? 0);
    expect(await balanceOf(db, advance?.number ?? '')).toBeLessThan(0);
  });

  it('about one in seven accounts is in debt beyond its last bill and about one in ten is ahead', async () => {
    const rows = (await db('ledger').select(
      'account_id',
      'kind',
      'period',
      'amount_kopecks',
    )) as Row[];
    const balance = new Map<number, number>();
    const lastBill = new Map<number, number>();
    for (const row of rows) {
      const id = Number(row.account_id);
      const amount = Number(row.amount_kopecks);
      balance.set(id, (balance.get(id) ?? 0) + (row.kind === 'payment' ? -amount : amount));
      if (row.kind === 'charge' && row.period === '2026-10') {
        lastBill.set(id, (lastBill.get(id) ?? 0) + amount);
      }
    }
    const values = [...balance];
    const debtors = values.filter(([id, b]) => b > (lastBill.get(id) ?? 0) * 1.05).length;
    const ahead = values.filter(([, b]) => b < 0).length;
    expect(debtors / 300).toBeGreaterThan(0.07);
    expect(debtors / 300).toBeLessThan(0.25);
    expect(ahead / 300).toBeGreaterThan(0.04);
    expect(ahead / 300).toBeLessThan(0.18);
  });

  it('when run as a dry run on a seeded database, it describes the showcase and writes nothing', async () => {
    const before = await count(db, 'ledger');
    const dry = await seedDemo(db, { dryRun: true, now: NOW });
    expect(dry.showcase).toEqual(result.showcase);
    expect(dry.accounts).toBe(0);
    expect(await count(db, 'ledger')).toBe(before);
  });
});

describe('demo seed determinism', () => {
  const opened: TestDatabase[] = [];
  const fresh = async () => {
    const database = await withTestDatabase();
    opened.push(database);
    return database.db;
  };

  afterAll(async () => {
    for (const database of opened) await database.cleanup();
  });

  it('when seeded twice with the same seed, the data is identical', async () => {
    // Early January: the billed year spans a year boundary and this month's payments are few.
    const options = { accounts: 150, seed: 42, now: new Date('2027-01-03T00:30:00Z') };
    const [a, b] = [await fresh(), await fresh()];
    const [first, second] = [await seedDemo(a, options), await seedDemo(b, options)];
    expect(second).toEqual(first);
    expect(await canonicalDump(b)).toBe(await canonicalDump(a));
  });

  it('a different seed gives different accounts, and fewer accounts are a prefix of more', async () => {
    const [one, other, small] = [await fresh(), await fresh(), await fresh()];
    const base = await seedDemo(one, { accounts: 40, seed: 7, now: NOW });
    const changed = await seedDemo(other, { accounts: 40, seed: 8, now: NOW });
    const prefix = await seedDemo(small, { accounts: 4, seed: 7, now: NOW });
    expect(changed.showcase.map((a) => a.number)).not.toEqual(base.showcase.map((a) => a.number));
    expect(prefix.showcase).toEqual(base.showcase.slice(0, 4));
  });
});

describe('demo calendar', () => {
  it('local Kamchatka times are stored as the UTC instants they are', () => {
    const clock = new ZoneClock('Asia/Kamchatka');
    expect(clock.toIso('2026-01-05', 10, 30)).toBe('2026-01-04T22:30:00.000Z');
    expect(clock.localDate(new Date('2026-11-30T12:00:00Z'))).toEqual({
      year: 2026,
      month: 12,
      day: 1,
    });
    expect(new ZoneClock('Europe/Moscow').toIso('2026-07-01', 0)).toBe('2026-06-30T21:00:00.000Z');
  });
});
