import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock';
import { createDatabase, type Db } from '../../../src/core/db/index';
import { importFile } from '../../../src/features/billing/exchange/import';
import { type TestDatabase, withTestDatabase } from '../../support/database';

const clock = fixedClock('2026-11-20T03:00:00Z');
/** Enough rows that one transaction over the file holds SQLite's lock for seconds. */
const ROWS = 80_000;
/** The resident's side gives up after this (the bot's is 5 s): a chunk must be far shorter. */
const RESIDENT_BUSY_TIMEOUT_MS = 2_000;

let t: TestDatabase;
let dir: string;

beforeAll(async () => {
  t = await withTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'abonent-import-concurrency-'));
});
afterAll(async () => {
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a resident writes while a large billing import runs', () => {
  it('when charges are imported by another process, then every write of a resident meanwhile succeeds and the file is applied whole', async () => {
    const accounts = join(dir, 'accounts.csv');
    writeFileSync(
      accounts,
      'number;holder_name;settlement;address;tariff_plan\r\n880000001;Петров Пётр;Елизово;ул. Ленина, д. 2;urban\r\n',
    );
    expect((await importFile(t.db, 'accounts', accounts, { clock })).applied).toBe(true);
    const charges = join(dir, 'charges.csv');
    const out = createWriteStream(charges);
    out.write('external_id;account_number;period;service;zone;volume;tariff;amount;occurred_on\n');
    for (let i = 0; i < ROWS; i++) {
      if (!out.write(`busy-${i};880000001;2026-10;;T1;100;6,37;637,00;2026-10-31\n`))
        await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    // The resident's process: its own connection, as the bot has.
    const resident: Db = createDatabase(t.url);
    if (t.url.startsWith('sqlite'))
      await resident.raw(`PRAGMA busy_timeout = ${RESIDENT_BUSY_TIMEOUT_MS}`);
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', 'import', 'charges', charges],
      {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.url, LOG_LEVEL: 'silent' },
        cwd: process.cwd(),
        stdio: 'ignore',
      },
    );
    const exited = once(child, 'exit');
    let done = false;
    void exited.then(() => {
      done = true;
    });
    try {
      // Wait until the import is on record, then write (a reading-sized transaction) until it ends.
      for (let i = 0; i < 300 && !done; i++) {
        const running = await t.db('billing_exchanges').where({ kind: 'charges' }).first();
        if (running) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const outcomes: string[] = [];
      let n = 0;
      while (!done) {
        n += 1;
        try {
          await resident.transaction(async (trx) => {
            await trx('rate_limits')
              .insert({
                scope: `resident-write:${n}`,
                window_start: clock().toISOString(),
                count: 1,
              })
              .onConflict('scope')
              .merge();
          });
          outcomes.push('ok');
        } catch (error) {
          outcomes.push(error instanceof Error ? error.message : String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
      expect(outcomes.length).toBeGreaterThan(5);
    } finally {
      await resident.destroy();
    }
    const [exitCode] = await exited;
    expect(exitCode).toBe(0);
    const run = await t.db('billing_exchanges').where({ kind: 'charges' }).first();
    expect([run.status, Number(run.inserted)]).toEqual(['applied', ROWS]);
    const ledger = await t.db('ledger').where('external_id', 'like', 'busy-%').count({ n: '*' });
    expect(Number(ledger[0]?.n)).toBe(ROWS);
    expect(await t.db('billing_import_rows').count({ n: '*' })).toEqual([{ n: 0 }]);
  }, 240_000);
});
