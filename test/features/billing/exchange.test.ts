import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/commands';
import { systemClock } from '../../../src/core/clock';
import type { Db } from '../../../src/core/db/index';
import { exportData } from '../../../src/features/billing/exchange/export';
import { formatMilli, parseRubles } from '../../../src/features/billing/exchange/formats';
import { importFile, importStream } from '../../../src/features/billing/exchange/import';
import { type TestDatabase, withTestDatabase } from '../../support/database';

const run = promisify(execFile);

let test: TestDatabase;
let db: Db;
let dir: string;
let fileCounter = 0;

beforeAll(async () => {
  test = await withTestDatabase();
  db = test.db;
  dir = mkdtempSync(join(tmpdir(), 'abonent-exchange-'));
});

afterAll(async () => {
  await test.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a CSV file the way billing sends it: BOM and CRLF unless told otherwise. */
function csvFile(lines: string[], options: { bom?: boolean; crlf?: boolean } = {}): string {
  const path = join(dir, `file-${++fileCounter}.csv`);
  const eol = options.crlf === false ? '\n' : '\r\n';
  writeFileSync(path, `${options.bom === false ? '' : '\uFEFF'}${lines.join(eol)}${eol}`, 'utf8');
  return path;
}

/** A prefix that keeps each test's account numbers apart. */
function unique(): string {
  return `${Date.now() % 100000}${++fileCounter}`;
}

async function count(table: string): Promise<number> {
  const [row] = await db(table).count({ n: '*' });
  return Number(row?.n);
}

async function seedAccounts(numbers: string[]): Promise<void> {
  const report = await importFile(
    db,
    'accounts',
    csvFile([
      'number;holder_name;settlement;address;tariff_plan',
      ...numbers.map((number) => `${number};Иванов Иван;Елизово;ул. Ленина, д. 1;urban`),
    ]),
    { clock: systemClock },
  );
  expect(report.applied).toBe(true);
}

describe('value formats', () => {
  it('when amounts are written with a comma, then they convert to kopecks exactly', () => {
    expect(parseRubles('1234,56')).toBe(123_456);
    expect(parseRubles('1 234,5')).toBe(123_450);
    expect(parseRubles('0,29')).toBe(29);
    expect(parseRubles('6.37')).toBe(637);
    expect(parseRubles('12a,5')).toBeUndefined();
    expect(parseRubles('1,234')).toBeUndefined();
  });

  it('when meter values are exported, then trailing zeros are trimmed', () => {
    expect(formatMilli(12_345_000)).toBe('12345');
    expect(formatMilli(12_345_600)).toBe('12345,6');
    expect(formatMilli(12_345_125)).toBe('12345,125');
    expect(formatMilli(5)).toBe('0,005');
  });
});

describe('import accounts', () => {
  it('when a BOM + CRLF file is imported, then accounts are inserted, and re-importing changes nothing', async () => {
    const p = unique();
    const file = csvFile([
      'number;holder_name;settlement;address;tariff_plan;status;residents;receipt_code',
      `${p}01;Петрова Анна Сергеевна;Петропавловск-Камчатский;"ул. Мишенная, д. 5; кв. 2";urban;active;3;K7Q2`,
      `${p}02;Сидоров Пётр;Елизово;ул. Ленина, д. 10;rural;;;`,
    ]);
    const first = await importFile(db, 'accounts', file, { clock: systemClock });
    expect(first).toMatchObject({ applied: true, rows: 2, inserted: 2, updated: 0, unchanged: 0 });
    const stored = await db('accounts').where('number', `${p}01`).first();
    expect(stored).toMatchObject({
      holder_name: 'Петрова Анна Сергеевна',
      address: 'ул. Мишенная, д. 5; кв. 2',
      residents: 3,
      receipt_code: 'K7Q2',
      status: 'active',
    });
    const other = await db('accounts').where('number', `${p}02`).first();
    expect(other).toMatchObject({ residents: 1, receipt_code: null, status: 'active' });

    const again = await importFile(db, 'accounts', file, { clock: systemClock });
    expect(again).toMatchObject({ applied: true, rows: 2, inserted: 0, updated: 0, unchanged: 2 });
  });

  it('when an account changes in a later file, then it is updated in place', async () => {
    const p = unique();
    await seedAccounts([`${p}01`, `${p}02`]);
    const before = await count('accounts');
    const report = await importFile(
      db,
      'accounts',
      csvFile(
        [
          'number;holder_name;settlement;address;tariff_plan;status',
          `${p}01;Иванов Иван;Елизово;ул. Ленина, д. 1;urban;closed`,
          `${p}02;Иванов Иван;Елизово;ул. Ленина, д. 1;urban;active`,
        ],
        { bom: false, crlf: false },
      ),
      { clock: systemClock },
    );
    expect(report).toMatchObject({ applied: true, inserted: 0, updated: 1, unchanged: 1 });
    expect(await count('accounts')).toBe(before);
    expect((await db('accounts').where('number', `${p}01`).first()).status).toBe('closed');
  });
});

describe('import meters and tariffs', () => {
  it('when meters are imported, then they are attached to their accounts and upserted by serial', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const file = csvFile([
      'account_number;serial;model;zones;digits;automated;installed_on;verified_until;status',
      `${p}01;SN${p}A;Меркурий 201;1;6;0;2019-05-20;20.05.2035;active`,
      `${p}01;SN${p}B;Энергомера CE102;2;5;да;;;`,
    ]);
    expect(await importFile(db, 'meters', file, { clock: systemClock })).toMatchObject({
      applied: true,
      inserted: 2,
    });
    const meters = await db('meters')
      .join('accounts', 'accounts.id', 'meters.account_id')
      .where('accounts.number', `${p}01`)
      .orderBy('serial')
      .select('serial', 'zones', 'digits', 'automated', 'verified_until', 'model');
    expect(meters.map((m) => ({ ...m, automated: Boolean(m.automated) }))).toEqual([
      {
        serial: `SN${p}A`,
        zones: 1,
        digits: 6,
        automated: false,
        verified_until: '2035-05-20',
        model: 'Меркурий 201',
      },
      {
        serial: `SN${p}B`,
        zones: 2,
        digits: 5,
        automated: true,
        verified_until: null,
        model: 'Энергомера CE102',
      },
    ]);
    expect(await importFile(db, 'meters', file, { clock: systemClock })).toMatchObject({
      inserted: 0,
      unchanged: 2,
    });
  });

  it('when a meter names an unknown account, then the file is rejected and nothing is applied', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const before = await count('meters');
    const report = await importFile(
      db,
      'meters',
      csvFile([
        'account_number;serial;zones;digits',
        `${p}01;SN${p}OK;1;5`,
        `${p}99;SN${p}X;1;5`,
        `${p}01;SN${p}Z;4;5`,
      ]),
      { clock: systemClock },
    );
    expect(report).toMatchObject({ applied: false, rows: 3, inserted: 0, errorCount: 2 });
    expect(report.errors).toEqual([
      { line: 3, message: `account_number: unknown account "${p}99"` },
      { line: 4, message: 'zones: "4" is not a whole number 1–3' },
    ]);
    expect(await count('meters')).toBe(before);
  });

  it('when tariffs are imported, then rubles become kopecks and a changed price is updated', async () => {
    const plan = `plan${unique()}`;
    const file = csvFile([
      'plan;zones;zone;valid_from;price',
      `${plan};1;T1;2026-07;6,37`,
      `${plan};2;T1;2026-07;7,20`,
      `${plan};2;Т2;2026-07;3,05`, // a Cyrillic Т, as typed in a Russian spreadsheet
    ]);
    expect(await importFile(db, 'tariffs', file, { clock: systemClock })).toMatchObject({
      applied: true,
      inserted: 3,
    });
    const prices = await db('tariffs')
      .where({ plan })
      .orderBy(['zones', 'zone'])
      .select('zone', 'price_kopecks');
    expect(prices).toEqual([
      { zone: 'T1', price_kopecks: 637 },
      { zone: 'T1', price_kopecks: 720 },
      { zone: 'T2', price_kopecks: 305 },
    ]);
    const changed = await importFile(
      db,
      'tariffs',
      csvFile(['plan;zones;zone;valid_from;price', `${plan};1;T1;2026-07;6,40`]),
      { clock: systemClock },
    );
    expect(changed).toMatchObject({ applied: true, updated: 1 });
    const bad = await importFile(
      db,
      'tariffs',
      csvFile(['plan;zones;zone;valid_from;price', `${plan};2;T3;2026-07;1,00`]),
      { clock: systemClock },
    );
    expect(bad.errors).toEqual([
      { line: 2, message: 'zone: zone does not exist on a meter with that many zones' },
    ]);
  });
});

describe('import charges and payments', () => {
  it('when charges are imported, then volumes and money are exact, and re-import adds nothing', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const file = csvFile([
      'external_id;account_number;period;service;zone;volume;tariff;amount;occurred_on',
      `ch-${p}-1;${p}01;2026-10;electricity;T1;150,5;6,37;958,69;31.10.2026`,
      `ch-${p}-2;${p}01;2026-10;;T2;80;3,05;244,00;2026-10-31`,
      `ch-${p}-3;${p}01;2026-10;odn;;;;12,3;2026-10-31`,
    ]);
    expect(await importFile(db, 'charges', file, { clock: systemClock })).toMatchObject({
      applied: true,
      rows: 3,
      inserted: 3,
    });
    const rows = await db('ledger')
      .whereIn('external_id', [`ch-${p}-1`, `ch-${p}-2`, `ch-${p}-3`])
      .orderBy('external_id')
      .select(
        'kind',
        'service',
        'zone',
        'volume_milli',
        'tariff_kopecks',
        'amount_kopecks',
        'occurred_on',
        'source',
      );
    expect(rows).toEqual([
      {
        kind: 'charge',
        service: 'electricity',
        zone: 'T1',
        volume_milli: 150_500,
        tariff_kopecks: 637,
        amount_kopecks: 95_869,
        occurred_on: '2026-10-31',
        source: 'import',
      },
      {
        kind: 'charge',
        service: 'electricity',
        zone: 'T2',
        volume_milli: 80_000,
        tariff_kopecks: 305,
        amount_kopecks: 24_400,
        occurred_on: '2026-10-31',
        source: 'import',
      },
      {
        kind: 'charge',
        service: 'odn',
        zone: null,
        volume_milli: null,
        tariff_kopecks: null,
        amount_kopecks: 1230,
        occurred_on: '2026-10-31',
        source: 'import',
      },
    ]);
    const before = await count('ledger');
    expect(await importFile(db, 'charges', file, { clock: systemClock })).toMatchObject({
      applied: true,
      inserted: 0,
      unchanged: 3,
    });
    expect(await count('ledger')).toBe(before);
  });

  it('when a known external_id comes with a different amount, then it is a bad row and money is not rewritten', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const header = 'external_id;account_number;period;amount;occurred_on';
    await importFile(
      db,
      'charges',
      csvFile([header, `ch-${p}-1;${p}01;2026-10;100,00;2026-10-31`]),
      { clock: systemClock },
    );
    const before = await count('ledger');
    const report = await importFile(
      db,
      'charges',
      csvFile([
        header,
        `ch-${p}-2;${p}01;2026-10;50,00;2026-10-31`,
        `ch-${p}-1;${p}01;2026-10;110,00;2026-10-31`,
      ]),
      { clock: systemClock },
    );
    expect(report.applied).toBe(false);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.line).toBe(3);
    expect(report.errors[0]?.message).toContain('amount 100,00 → 110,00');
    expect(await count('ledger')).toBe(before);
    expect((await db('ledger').where('external_id', `ch-${p}-1`).first()).amount_kopecks).toBe(
      10_000,
    );
  });

  it('when the same external_id repeats across batches, then equal copies are unchanged and a differing one is bad', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const header = 'external_id;account_number;period;amount;occurred_on';
    const row = (id: number, amount: string) => `ch-${p}-${id};${p}01;2026-10;${amount};2026-10-31`;
    const ok = await importFile(
      db,
      'charges',
      csvFile([header, row(1, '1,00'), row(2, '2,00'), row(3, '3,00'), row(1, '1,00')]),
      { clock: systemClock, batchSize: 2 },
    );
    expect(ok).toMatchObject({ applied: true, inserted: 3, unchanged: 1 });
    const bad = await importFile(
      db,
      'charges',
      csvFile([header, row(4, '4,00'), row(5, '5,00'), row(4, '4,01')]),
      { clock: systemClock, batchSize: 2 },
    );
    expect(bad).toMatchObject({ applied: false, errorCount: 1 });
    expect(bad.errors[0]?.line).toBe(4);
  });

  it('when payments are imported, then they land in the ledger with their channel, once', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const file = csvFile([
      'external_id;account_number;period;amount;paid_on;source',
      `pay-${p}-1;${p}01;2026-11;1 500,00;2026-11-03;Сбербанк`,
      `pay-${p}-2;${p}01;11.2026;250;2026-11-04;Почта России`,
    ]);
    expect(await importFile(db, 'payments', file, { clock: systemClock })).toMatchObject({
      applied: true,
      inserted: 2,
    });
    const rows = await db('ledger')
      .whereIn('external_id', [`pay-${p}-1`, `pay-${p}-2`])
      .orderBy('external_id')
      .select('kind', 'period', 'amount_kopecks', 'occurred_on', 'description');
    expect(rows).toEqual([
      {
        kind: 'payment',
        period: '2026-11',
        amount_kopecks: 150_000,
        occurred_on: '2026-11-03',
        description: 'Сбербанк',
      },
      {
        kind: 'payment',
        period: '2026-11',
        amount_kopecks: 25_000,
        occurred_on: '2026-11-04',
        description: 'Почта России',
      },
    ]);
    expect(await importFile(db, 'payments', file, { clock: systemClock })).toMatchObject({
      inserted: 0,
      unchanged: 2,
    });
  });
});

describe('the bad-row report', () => {
  it('when a file has bad rows, then each is reported by line and nothing from the file is applied', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const before = await count('ledger');
    const report = await importFile(
      db,
      'charges',
      csvFile([
        'external_id;account_number;period;service;zone;volume;tariff;amount;occurred_on',
        `ok-${p}-1;${p}01;2026-10;;T1;100;6,37;637,00;2026-10-31`,
        `bad-${p}-2;${p}01;2026-10;;T1;1,2345;6,37;1,00;2026-10-31`,
        `bad-${p}-3;${p}77;2026-10;;T1;100;6,37;637,00;2026-10-31`,
        `bad-${p}-4;${p}01;2026-13;;T1;100;6,37;637,00;2026-10-31`,
        `bad-${p}-5;${p}01;2026-10;;T1;100;6,37;12а,50;2026-10-31`,
        `bad-${p}-6;${p}01;2026-10;;T1;100;6,37;1,00`,
        `bad-${p}-7;${p}01;2026-10;;T4;100;6,37;1,00;2026-02-30`,
        `ok-${p}-8;${p}01;2026-10;;T2;50;3,05;152,50;2026-10-31`,
      ]),
      { clock: systemClock },
    );
    expect(report).toMatchObject({ applied: false, rows: 8, inserted: 0, errorCount: 6 });
    expect(report.errors).toEqual([
      { line: 3, message: 'volume: "1,2345" is not a volume in kWh like 150,5' },
      { line: 4, message: `account_number: unknown account "${p}77"` },
      { line: 5, message: 'period: "2026-13" is not a period YYYY-MM' },
      {
        line: 6,
        message: 'amount: "12а,50" is not an amount of zero or more in rubles like 1234,56',
      },
      { line: 7, message: 'expected 9 fields separated by ";", found 8' },
      {
        line: 8,
        message:
          'zone: "T4" is not a zone T1, T2 or T3; occurred_on: "2026-02-30" is not a date YYYY-MM-DD or DD.MM.YYYY',
      },
    ]);
    expect(await count('ledger')).toBe(before);
    const [exchange] = await db('billing_exchanges').orderBy('id', 'desc').limit(1);
    expect(exchange).toMatchObject({
      direction: 'import',
      kind: 'charges',
      status: 'rejected',
      errors: 6,
    });
  });

  it('when the header lacks a required column, then the file is rejected at line 1', async () => {
    const report = await importFile(
      db,
      'payments',
      csvFile(['external_id;account_number;amount;paid_on', 'x;1;1,00;2026-11-01']),
      { clock: systemClock },
    );
    expect(report.applied).toBe(false);
    expect(report.errors[0]).toMatchObject({ line: 1 });
    expect(report.errors[0]?.message).toContain('period');
  });

  it('when the file is Windows-1251 rather than UTF-8, then the lines are refused as not UTF-8', async () => {
    const path = join(dir, 'cp1251.csv');
    // "Иванов" in Windows-1251 bytes.
    const name = Buffer.from([0xc8, 0xe2, 0xe0, 0xed, 0xee, 0xe2]);
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from('number;holder_name;settlement;address;tariff_plan\r\n1;'),
        name,
        Buffer.from(';x;y;urban\r\n'),
      ]),
    );
    const report = await importFile(db, 'accounts', path, { clock: systemClock });
    expect(report.errors).toEqual([
      { line: 2, message: 'the line is not valid UTF-8 (save the file as UTF-8)' },
    ]);
  });

  it('when there are very many bad rows, then 100 are listed and all are counted', async () => {
    const lines = ['external_id;account_number;period;amount;paid_on'];
    for (let i = 0; i < 150; i++) lines.push(`x${i};1;bad;1,00;2026-11-01`);
    const report = await importFile(db, 'payments', csvFile(lines), { clock: systemClock });
    expect(report.errorCount).toBe(150);
    expect(report.errors).toHaveLength(100);
    expect(report.errors[0]?.line).toBe(2);
  });

  it('when the input fails before parsing starts, then the import fails instead of hanging', async () => {
    const broken = new PassThrough();
    broken.on('error', () => undefined);
    broken.destroy(new Error('disk gone'));
    await expect(
      importStream(db, 'accounts', broken, 'broken.csv', { clock: systemClock }),
    ).rejects.toThrow('disk gone');
  });

  it('when imports run, then each is audited with counts and no personal data', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const [audit] = await db('audit_log')
      .where('action', 'billing.import')
      .orderBy('id', 'desc')
      .limit(1);
    const details = JSON.parse(audit.details);
    expect(details).toMatchObject({ kind: 'accounts', status: 'applied', rows: 1, inserted: 1 });
    expect(details.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(audit.details).not.toContain('Иванов');
  });
});

describe('export', () => {
  async function meterWithReadings(p: string) {
    await seedAccounts([`${p}01`]);
    const account = await db('accounts').where('number', `${p}01`).first();
    const [meter] = await db('meters')
      .insert({
        account_id: account.id,
        serial: `SN${p}`,
        zones: 2,
        digits: 5,
        created_at: '2026-01-01T00:00:00.000Z',
      })
      .returning('id');
    const meterId = Number(typeof meter === 'object' ? meter.id : meter);
    const reading = (zone: string, period: string, value: number, status: string, at: string) => ({
      meter_id: meterId,
      zone,
      period,
      value_milli: value,
      source: 'bot',
      status,
      submitted_at: at,
    });
    await db('meter_readings').insert([
      reading('T1', '2026-11', 12_345_600, 'replaced', '2026-11-15T01:00:00.000Z'),
      reading('T1', '2026-11', 12_346_000, 'accepted', '2026-11-16T02:30:00.000Z'),
      reading('T2', '2026-11', 5_000_125, 'accepted', '2026-11-16T02:30:00.000Z'),
      reading('T2', '2026-11', 4_000_000, 'rejected', '2026-11-16T02:31:00.000Z'),
      reading('T1', '2026-10', 12_000_000, 'accepted', '2026-10-20T00:00:00.000Z'),
    ]);
    return meterId;
  }

  it('when readings are exported, then only accepted ones of the period go out and become billed', async () => {
    const p = unique();
    const meterId = await meterWithReadings(p);
    const out = join(dir, `readings-${p}.csv`);
    const report = await exportData(db, 'readings', { period: '2026-11', out, clock: systemClock });
    expect(report.rows).toBeGreaterThanOrEqual(2);

    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('\r\n');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    const rows = parse(text, { bom: true, delimiter: ';', columns: true }) as Record<
      string,
      string
    >[];
    const mine = rows.filter((row) => row.account_number === `${p}01`);
    const ids = await db('meter_readings')
      .where({ meter_id: meterId, period: '2026-11' })
      .whereIn('zone', ['T1', 'T2'])
      .orderBy('id')
      .pluck('id');
    expect(mine).toEqual([
      {
        account_number: `${p}01`,
        meter_serial: `SN${p}`,
        zone: 'T1',
        period: '2026-11',
        value: '12346',
        submitted_at: '2026-11-16T02:30:00.000Z',
        source: 'bot',
        reading_id: String(ids[1]),
      },
      {
        account_number: `${p}01`,
        meter_serial: `SN${p}`,
        zone: 'T2',
        period: '2026-11',
        value: '5000,125',
        submitted_at: '2026-11-16T02:30:00.000Z',
        source: 'bot',
        reading_id: String(ids[2]),
      },
    ]);
    const statuses = await db('meter_readings')
      .where({ meter_id: meterId })
      .orderBy('id')
      .pluck('status');
    expect(statuses).toEqual(['replaced', 'billed', 'billed', 'rejected', 'accepted']);

    const again = await exportData(db, 'readings', { period: '2026-11', out, clock: systemClock });
    expect(again).toMatchObject({ rows: 0, markedBilled: 0 });
    const empty = parse(readFileSync(out, 'utf8'), { bom: true, delimiter: ';', columns: true });
    expect(empty).toEqual([]);

    const all = await exportData(db, 'readings', {
      period: '2026-11',
      out,
      all: true,
      clock: systemClock,
    });
    const allRows = parse(readFileSync(out, 'utf8'), {
      bom: true,
      delimiter: ';',
      columns: true,
    }) as Record<string, string>[];
    expect(allRows.filter((row) => row.account_number === `${p}01`)).toHaveLength(2);
    expect(all.markedBilled).toBe(0);

    const [audit] = await db('audit_log')
      .where('action', 'billing.export')
      .orderBy('id', 'desc')
      .limit(1);
    expect(JSON.parse(audit.details)).toMatchObject({
      kind: 'readings',
      period: '2026-11',
      all: true,
    });
  });

  it('when bot payments are exported, then they round-trip through import as unchanged', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const account = await db('accounts').where('number', `${p}01`).first();
    const payment = (externalId: string | null, amount: number, source: string) => ({
      account_id: account.id,
      period: '2030-01',
      kind: 'payment',
      amount_kopecks: amount,
      occurred_on: '2030-01-05',
      source,
      external_id: externalId,
      created_at: '2030-01-05T00:00:00.000Z',
    });
    await db('ledger').insert([
      payment(`tg-${p}`, 123_456, 'bot'),
      payment(null, 5, 'bot'),
      payment(`bank-${p}`, 99_900, 'import'),
    ]);
    const out = join(dir, `payments-${p}.csv`);
    const report = await exportData(db, 'payments', { period: '2030-01', out, clock: systemClock });
    expect(report.rows).toBe(2);
    const rows = parse(readFileSync(out, 'utf8'), { bom: true, delimiter: ';', columns: true });
    const generated = await db('ledger')
      .where({ account_id: account.id, amount_kopecks: 5 })
      .first();
    expect(rows).toEqual([
      {
        external_id: `tg-${p}`,
        account_number: `${p}01`,
        period: '2030-01',
        amount: '1234,56',
        paid_on: '2030-01-05',
        source: 'bot',
      },
      {
        external_id: `abonent-${generated.id}`,
        account_number: `${p}01`,
        period: '2030-01',
        amount: '0,05',
        paid_on: '2030-01-05',
        source: 'bot',
      },
    ]);
    expect(await importFile(db, 'payments', out, { clock: systemClock })).toMatchObject({
      applied: true,
      inserted: 0,
      unchanged: 2,
    });
  });

  it('when the period is malformed, then nothing is written', async () => {
    await expect(
      exportData(db, 'payments', {
        period: '2026-13',
        out: join(dir, 'x.csv'),
        clock: systemClock,
      }),
    ).rejects.toThrow(/YYYY-MM/);
  });
});

describe('the abonent CLI', () => {
  /** Runs a command in this process, as `bin/abonent.js` would, capturing its output. */
  const cli = async (...args: string[]) => {
    const capture = () => {
      const chunks: Buffer[] = [];
      const stream = new Writable({
        write(chunk, _encoding, done) {
          chunks.push(Buffer.from(chunk));
          done();
        },
      });
      return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
    };
    const stdout = capture();
    const stderr = capture();
    const code = await runCli(args, {
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: { DATABASE_URL: test.url, LOG_LEVEL: 'silent' },
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };

  it('when the command runs as its own process, then a good import exits 0 with the counts', async () => {
    const p = unique();
    const good = csvFile([
      'number;holder_name;settlement;address;tariff_plan',
      `${p}01;Смирнов Пётр;Елизово;ул. Ленина, д. 1;urban`,
    ]);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'import', 'accounts', good],
      {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: test.url, LOG_LEVEL: 'silent' },
        cwd: process.cwd(),
        timeout: 120_000,
      },
    );
    expect(stdout).toContain('1 rows read, 1 inserted, 0 updated, 0 unchanged');
    expect(await db('accounts').where('number', `${p}01`).first()).toMatchObject({
      holder_name: 'Смирнов Пётр',
    });
  }, 150_000);

  it('when a good file is imported, then it exits 0 with the counts; a bad one exits 1 with the report', async () => {
    const p = unique();
    const good = csvFile([
      'number;holder_name;settlement;address;tariff_plan',
      `${p}01;Кузнецова Ольга;Вилючинск;ул. Победы, д. 3;urban`,
    ]);
    const ok = await cli('import', 'accounts', good);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('1 rows read, 1 inserted, 0 updated, 0 unchanged');

    const bad = csvFile([
      'external_id;account_number;period;amount;paid_on',
      `cli-${p};${p}01;2026-11;сто;2026-11-01`,
    ]);
    const rejected = await cli('import', 'payments', bad);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain('nothing was applied');
    expect(rejected.stdout).toContain('line 2: amount: "сто" is not an amount above zero');
    expect(await db('ledger').where('external_id', `cli-${p}`).first()).toBeUndefined();

    const missing = await cli('import', 'accounts', join(dir, 'no-such-file.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');

    const usage = await cli('import', 'customers', good);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('import needs a kind');
  });

  it('when staff are listed through the CLI, then the time they were added is local and readable, not ISO', async () => {
    const id = 700_000_000 + Math.floor(Math.random() * 90_000_000);
    expect(await cli('staff', 'add', String(id), '--role', 'admin')).toMatchObject({ code: 0 });
    const listed = await cli('staff', 'list');
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(`${id}\t`));
    expect(line).toMatch(new RegExp(`^${id}\tadmin\t\\d{1,2} [а-яё]+ \\d{4}, \\d\\d:\\d\\d\t$`));
    expect(listed.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('when readings are exported through the CLI, then the file is written and the summary printed', async () => {
    const out = join(dir, 'cli-readings.csv');
    const result = await cli('export', 'readings', '--period', '2031-01', '--out', out);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('Exported 0 readings for 2031-01');
    expect(readFileSync(out, 'utf8')).toBe(
      '\uFEFFaccount_number;meter_serial;zone;period;value;submitted_at;source;reading_id\r\n',
    );
    expect((await cli('export', 'readings', '--period', 'ноябрь')).code).toBe(2);
  });
});

describe('files that went through Excel', () => {
  it('when a meter serial comes back without its leading zero, then it is the same meter, kept as stored, with a warning', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const header = 'account_number;serial;zones;digits';
    const first = await importFile(db, 'meters', csvFile([header, `${p}01;0${p}52094;1;6`]), {
      clock: systemClock,
    });
    expect(first).toMatchObject({ applied: true, inserted: 1, warnings: [] });
    const again = await importFile(db, 'meters', csvFile([header, `${p}01;${p}52094;1;6`]), {
      clock: systemClock,
    });
    expect(again).toMatchObject({ applied: true, inserted: 0, updated: 0, unchanged: 1 });
    expect(again.warnings).toEqual([
      {
        line: 2,
        message: `serial "${p}52094" is taken as the stored "0${p}52094" (leading zeros dropped, as Excel does); the stored form is kept`,
      },
    ]);
    const meters = await db('meters')
      .join('accounts', 'accounts.id', 'meters.account_id')
      .where('accounts.number', `${p}01`)
      .select('serial', 'meters.status');
    expect(meters).toEqual([{ serial: `0${p}52094`, status: 'active' }]);
  });

  it('when an account number loses its leading zeros, then rows still find the account and the number is not rewritten', async () => {
    const p = unique();
    await seedAccounts([`00${p}7`]);
    const accountsAgain = await importFile(
      db,
      'accounts',
      csvFile([
        'number;holder_name;settlement;address;tariff_plan',
        `${p}7;Иванов Иван;Елизово;ул. Ленина, д. 1;urban`,
      ]),
      { clock: systemClock },
    );
    expect(accountsAgain).toMatchObject({ applied: true, inserted: 0, unchanged: 1 });
    expect(accountsAgain.warnings).toHaveLength(1);
    const payment = await importFile(
      db,
      'payments',
      csvFile([
        'external_id;account_number;period;amount;paid_on;source',
        `pay-${p}-x;${p}7;2026-11;100,00;2026-11-03;Сбербанк`,
      ]),
      { clock: systemClock },
    );
    expect(payment).toMatchObject({ applied: true, inserted: 1 });
    expect(payment.warnings[0]?.message).toContain(`the stored "00${p}7"`);
    expect(
      await db('accounts')
        .whereIn('number', [`${p}7`, `00${p}7`])
        .pluck('number'),
    ).toEqual([`00${p}7`]);
  });

  it('when a value holds an unquoted quote (ПАО "Сбербанк"), then the report names the line and how to fix it', async () => {
    const p = unique();
    await seedAccounts([`${p}01`]);
    const report = await importFile(
      db,
      'payments',
      csvFile([
        'external_id;account_number;period;amount;paid_on;source',
        `pay-${p}-a;${p}01;2026-11;100,00;2026-11-03;Почта`,
        `pay-${p}-b;${p}01;2026-11;100,00;2026-11-03;ПАО "Сбербанк"`,
      ]),
      { clock: systemClock },
    );
    expect(report).toMatchObject({ applied: false, inserted: 0, errorCount: 1 });
    expect(report.errors).toEqual([
      {
        line: 3,
        message:
          'field 6 has a quote inside an unquoted value (e.g. ПАО "Сбербанк"): put the whole value in quotes and double the quotes inside, "ПАО ""Сбербанк"""',
      },
    ]);
    expect(await db('ledger').where('external_id', `pay-${p}-a`).first()).toBeUndefined();
  });

  it('when the database refuses a row, then the report names its line instead of failing the run', async () => {
    const p = unique();
    // A rule only the database knows (as a billing system's own constraints would be).
    await db.raw('create unique index test_receipt_code_once on accounts (receipt_code)');
    try {
      const before = await count('accounts');
      const report = await importFile(
        db,
        'accounts',
        csvFile([
          'number;holder_name;settlement;address;tariff_plan;receipt_code',
          `${p}02;Петров Пётр;Елизово;ул. Ленина, д. 2;urban;RC${p}`,
          `${p}03;Петрова Анна;Елизово;ул. Ленина, д. 3;urban;RC${p}`,
        ]),
        { clock: systemClock },
      );
      expect(report).toMatchObject({ applied: false, inserted: 0, errorCount: 1 });
      expect(report.errors[0]?.line).toBe(2);
      expect(report.errors[0]?.message).toMatch(/^the database refused lines 2–3: .*unique/i);
      expect(await count('accounts')).toBe(before);
    } finally {
      await db.raw('drop index test_receipt_code_once');
    }
  });
});
