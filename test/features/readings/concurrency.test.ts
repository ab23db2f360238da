import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../src/demo/seed';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import {
  createAccountWithMeters,
  freshAccountNumber,
  readingsService,
} from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';

/** 20 November 2026, 12:00 in Kamchatka: inside the 15–25 window, period 2026-11. */
const IN_WINDOW = new Date('2026-11-20T00:00:00Z');

describe('readings submitted at the same moment', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await withTestDatabase();
    await seedDemo(database.db, { accounts: 2, seed: 5, now: IN_WINDOW });
  });
  afterAll(() => database.cleanup());

  it('when two family members press «Отправить» for one meter at once, then both are accepted with their numbers and the later one replaces the earlier', async () => {
    const anna = await loginResident(database.db, 9_400_001);
    const ivan = await loginResident(database.db, 9_400_002, { userId: anna.userId });
    const number = freshAccountNumber();
    const { meterIds } = await createAccountWithMeters(database.db, {
      number,
      meters: [
        {
          serial: `CC${number}`,
          zones: 1,
          digits: 6,
          readings: [{ period: '2026-10', at: '2026-10-20T00:00:00.000Z', kwh: { T1: 1000 } }],
        },
      ],
    });
    await linkDirectly(database.db, anna.userId, number);
    const meterId = meterIds[0] ?? 0;
    const readings = readingsService(database.db, () => IN_WINDOW);
    const presses = Array.from({ length: 10 }, (_, i) =>
      readings.submitReading(
        i % 2 === 0 ? anna.userId : ivan.userId,
        meterId,
        { T1: String(1100 + i) },
        { confirmedImplausible: false },
      ),
    );
    const results = await Promise.all(presses);
    expect(results.map((r) => r.ok)).toEqual(Array.from({ length: 10 }, () => true));
    const ids = results.flatMap((r) => (r.ok ? r.ids : []));
    expect(new Set(ids).size).toBe(10);
    const rows = await database.db('meter_readings').whereIn('id', ids).select('status');
    expect(rows.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'replaced')).toHaveLength(9);
    expect(results.filter((r) => r.ok && r.replaced)).toHaveLength(9);
  });
});
