import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../src/app';
import { systemClock } from '../../../src/core/clock';
import { loadConfig } from '../../../src/config';
import { createI18n } from '../../../src/core/i18n';
import { createLogger } from '../../../src/core/logger';
import { createMailer } from '../../../src/core/mail/mailer';
import type { BroadcastService } from '../../../src/features/broadcast/service';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import { linkDirectly, loginResident } from '../../support/residents';

/** Who a filtered broadcast reaches: settlement as on the account, debt from the ledger. */
describe('broadcast recipients', () => {
  let database: TestDatabase;
  let broadcasts: BroadcastService;

  beforeAll(async () => {
    database = await withTestDatabase();
    const config = loadConfig({ DATABASE_URL: database.url });
    const texts = createI18n('ru', async () => undefined);
    broadcasts = createServices({
      config,
      db: database.db,
      mailer: createMailer(config.mail, systemClock, createLogger('silent')),
      translate: (locale, key, vars) => texts.t(locale, key, vars),
      clock: systemClock,
    }).broadcasts;
    const { db } = database;
    const now = new Date().toISOString();
    const account = async (number: string, settlement: string, debtKopecks: number) => {
      const [row] = (await db('accounts')
        .insert({
          number,
          holder_name: 'Житель',
          settlement,
          address: 'ул. Ленина, 1',
          tariff_plan: 'urban',
          created_at: now,
          updated_at: now,
        })
        .returning('id')) as ({ id: number } | number)[];
      const id = Number(typeof row === 'object' ? row.id : row);
      await db('ledger').insert({
        account_id: id,
        period: '2026-11',
        kind: 'charge',
        amount_kopecks: debtKopecks + 10_000,
        occurred_on: '2026-11-30',
        source: 'seed',
        created_at: now,
      });
      await db('ledger').insert({
        account_id: id,
        period: '2026-11',
        kind: 'payment',
        amount_kopecks: 10_000,
        occurred_on: '2026-11-30',
        source: 'seed',
        created_at: now,
      });
    };
    await account('5100000001', 'Елизово', 200_000); // owes 2 000 ₽
    await account('5100000002', 'Паратунка', 50_000); // owes 500 ₽
    const elizovo = await loginResident(db, 9_100_001);
    await linkDirectly(db, elizovo.userId, '5100000001');
    const paratunka = await loginResident(db, 9_100_002);
    await linkDirectly(db, paratunka.userId, '5100000002');
    await loginResident(db, 9_100_003); // no linked account: never a recipient
  });
  afterAll(() => database.cleanup());

  it('when no filter is given, then every logged-in resident with a linked account is a recipient', async () => {
    expect(await broadcasts.recipients({ kind: 'all' })).toEqual([9_100_001, 9_100_002]);
  });

  it('when filtered by settlement, then only residents of that settlement are recipients', async () => {
    expect(await broadcasts.recipients({ kind: 'settlement', name: 'Паратунка' })).toEqual([
      9_100_002,
    ]);
  });

  it('when filtered by debt, then only residents owing at least that much are recipients', async () => {
    expect(await broadcasts.recipients({ kind: 'debtors', minKopecks: 100_000 })).toEqual([
      9_100_001,
    ]);
    expect(await broadcasts.recipients({ kind: 'debtors', minKopecks: 50_000 })).toEqual([
      9_100_001, 9_100_002,
    ]);
  });
});
