import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock';
import { MAX_RECORD_CHARS, neutraliseCell } from '../../../src/features/billing/exchange/csv';
import { exportData } from '../../../src/features/billing/exchange/export';
import { importFile } from '../../../src/features/billing/exchange/import';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import { createAccountWithMeters } from '../../support/readings';

const clock = fixedClock('2026-11-20T03:00:00Z');
const ACCOUNTS_HEADER = 'number;holder_name;settlement;address;tariff_plan';

let t: TestDatabase;
let dir: string;
let files = 0;

beforeAll(async () => {
  t = await withTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'abonent-exchange-safety-'));
});
afterAll(async () => {
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function csvFile(lines: string[]): string {
  const path = join(dir, `file-${++files}.csv`);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`, 'utf8');
  return path;
}

describe('CSV export cells', () => {
  it('when a cell starts with = + - @ tab or CR, then it gets a leading apostrophe; numbers stay numbers', () => {
    for (const risky of ['=1+2', '+7 cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("x")']) {
      expect(neutraliseCell(risky)).toBe(`'${risky}`);
    }
    for (const safe of ['-1234,56', '+7', '12345.678', '0', 'Елизово', '', 'a=b']) {
      expect(neutraliseCell(safe)).toBe(safe);
    }
  });

  it('when readings are exported and a meter serial looks like a formula, then the file carries it neutralised and the value as a number', async () => {
    await createAccountWithMeters(t.db, {
      number: '770000001',
      meters: [
        {
          serial: '=HYPERLINK("http://e.x")',
          zones: 1,
          digits: 6,
          readings: [
            {
              period: '2031-03',
              at: '2031-03-20T00:00:00.000Z',
              kwh: { T1: 1234.5 },
              status: 'accepted',
            },
          ],
        },
      ],
    });
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
    await exportData(t.db, 'readings', { period: '2031-03', out, clock });
    const rows = parse(Buffer.concat(chunks).toString('utf8'), {
      delimiter: ';',
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.meter_serial).toBe(`'=HYPERLINK("http://e.x")`);
    expect(rows[0]?.value).toBe('1234,5');
  });
});

describe('CSV import text', () => {
  it('when lines hold NUL, BEL or a bidi override, then each is reported by line number and nothing is applied', async () => {
    const report = await importFile(
      t.db,
      'accounts',
      csvFile([
        ACCOUNTS_HEADER,
        '770000101;Иванов Иван;Елизово;ул. Ленина, д. 1;urban',
        '770000102;Петров\u0000 Пётр;Елизово;ул. Ленина, д. 2;urban',
        '770000103;Сидоров Сидор\u0007;Елизово;ул. Ленина, д. 3;urban',
        '770000104;Козлов Павел;Елизово;ул. \u202Eанинел\u202C, д. 4;urban',
      ]),
      { clock },
    );
    expect(report).toMatchObject({ applied: false, rows: 4, errorCount: 3 });
    expect(report.errors.map((e) => [e.line, e.message])).toEqual([
      [3, 'the line holds a control character (U+0000); remove it and send the file again'],
      [4, 'the line holds a control character (U+0007); remove it and send the file again'],
      [5, 'the line holds a control character (U+202E); remove it and send the file again'],
    ]);
    expect(await t.db('accounts').where('number', '770000101').first()).toBeUndefined();
  });

  it('when one line is longer than a record may be, then the file is refused at that line without reading it whole', async () => {
    const report = await importFile(
      t.db,
      'accounts',
      csvFile([
        ACCOUNTS_HEADER,
        '770000201;Иванов Иван;Елизово;ул. Ленина, д. 1;urban',
        `770000202;${'Я'.repeat(MAX_RECORD_CHARS + 10)};Елизово;ул. Ленина, д. 2;urban`,
      ]),
      { clock },
    );
    expect(report.applied).toBe(false);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.line).toBe(3);
    expect(report.errors[0]?.message).toContain('cannot be read as CSV');
    expect(await t.db('accounts').where('number', '770000201').first()).toBeUndefined();
  });
});

describe('an import killed midway', () => {
  it('when the import process is killed, then its run stays on record unfinished, nothing is applied, and the next import reports it as interrupted', async () => {
    const seeded = await importFile(
      t.db,
      'accounts',
      csvFile([ACCOUNTS_HEADER, '770000301;Иванов Иван;Елизово;ул. Ленина, д. 1;urban']),
      { clock },
    );
    expect(seeded.applied).toBe(true);
    const big = join(dir, 'big-charges.csv');
    const stream = createWriteStream(big);
    stream.write(
      'external_id;account_number;period;service;zone;volume;tariff;amount;occurred_on\n',
    );
    for (let i = 0; i < 300_000; i++) {
      if (!stream.write(`kill-${i};770000301;2026-10;;T1;100;6,37;637,00;2026-10-31\n`)) {
        await once(stream, 'drain');
      }
    }
    stream.end();
    await once(stream, 'finish');
    const before = await t.db('ledger').count({ n: '*' });

    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'import', 'charges', big],
      {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.url, LOG_LEVEL: 'silent' },
        cwd: process.cwd(),
        stdio: 'ignore',
      },
    );
    const exited = once(child, 'exit');
    // Kill it as soon as its run is on record (it then has 300 000 rows ahead of it).
    for (let i = 0; i < 600; i++) {
      const running = await t
        .db('billing_exchanges')
        .where({ direction: 'import', kind: 'charges', status: 'running' })
        .first();
      if (running || child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    await exited;

    const left = await t.db('billing_exchanges').where({ kind: 'charges' }).orderBy('id');
    expect(left.map((row) => row.status)).toEqual(['running']);
    expect(await t.db('ledger').count({ n: '*' })).toEqual(before);

    const next = await importFile(
      t.db,
      'charges',
      csvFile([
        'external_id;account_number;period;service;zone;volume;tariff;amount;occurred_on',
        'after-kill-1;770000301;2026-10;;T1;100;6,37;637,00;2026-10-31',
      ]),
      { clock },
    );
    expect(next.applied).toBe(true);
    expect(next.interrupted).toEqual([
      { fileName: 'big-charges.csv', startedAt: expect.any(String) },
    ]);
    const runs = await t.db('billing_exchanges').where({ kind: 'charges' }).orderBy('id');
    expect(runs.map((row) => row.status)).toEqual(['interrupted', 'applied']);
  }, 180_000);

  it('when an earlier run died while applying its chunks, then the next import reports it as partly applied', async () => {
    const at = clock().toISOString();
    await t.db('billing_exchanges').insert({
      direction: 'import',
      kind: 'payments',
      file_name: 'half.csv',
      status: 'applying',
      started_at: at,
      finished_at: at,
    });
    const next = await importFile(
      t.db,
      'payments',
      csvFile([
        'external_id;account_number;period;amount;paid_on;source',
        'after-half-1;770000301;2026-10;100,00;2026-10-31;Сбербанк',
      ]),
      { clock },
    );
    expect(next.interrupted).toEqual([
      { fileName: 'half.csv', startedAt: expect.any(String), partial: true },
    ]);
    const runs = await t.db('billing_exchanges').where({ kind: 'payments' }).orderBy('id');
    expect(runs.map((row) => row.status)).toEqual(['interrupted', 'applied']);
  });
});
