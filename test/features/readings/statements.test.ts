import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../support/harness';
import { createAccountWithMeters, freshAccountNumber } from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';

/** 20 November 2026, 12:00 in Kamchatka: inside the 15–25 window. */
const IN_WINDOW = new Date('2026-11-20T00:00:00Z');

/**
 * The budget of SQL statements for one two-zone reading, /reading to «принято»: 15 (issue 9),
 * with the submission row that gives both zones one number (issue 14) inside it: ownership is
 * re-checked by the statement that takes the meter's lock.
 */
const TWO_ZONE_READING_BUDGET = 15;

/**
 * The statements the reading itself costs: everything but the plumbing every update pays for
 * (session and conversation storage in `kv_store`, with the transactions around it) and the
 * outbox worker, which polls on its own clock.
 */
function readingStatements(all: string[]): string[] {
  const counted: string[] = [];
  let transaction: string[] | undefined;
  for (const sql of all) {
    if (/^BEGIN/i.test(sql)) {
      transaction = [sql];
      continue;
    }
    if (/^(COMMIT|ROLLBACK)/i.test(sql) && transaction) {
      // A transaction counts (with its BEGIN and COMMIT) only if it touched a domain table.
      if (transaction.length > 1) counted.push(...transaction, sql);
      transaction = undefined;
      continue;
    }
    if (/\b(kv_store|outbox)\b/.test(sql)) continue;
    (transaction ?? counted).push(sql);
  }
  return counted;
}

describe('the cost of a reading in SQL statements', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { clock: () => IN_WINDOW });
  });
  afterAll(() => h.stop());

  it('when a resident sends a two-zone reading through the bot, then it costs at most 15 SQL statements', async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    const number = freshAccountNumber();
    await createAccountWithMeters(h.database.db, {
      number,
      meters: [
        {
          serial: `S${number}`,
          zones: 2,
          digits: 6,
          readings: [5, 4, 3, 2, 1, 0].map((back) => ({
            period: `2026-${String(10 - back).padStart(2, '0')}`,
            at: `2026-${String(10 - back).padStart(2, '0')}-20T00:00:00.000Z`,
            kwh: { T1: 10_000 - back * 150, T2: 5_000 - back * 80 },
          })),
        },
      ],
    });
    await linkDirectly(h.database.db, userId, number);

    const all: string[] = [];
    const listener = (query: { sql: string }) => all.push(query.sql);
    h.database.db.on('query', listener);
    try {
      await person.say('/reading');
      await person.say('10 150');
      const summary = await person.say('5 080');
      await person.press(summary, '✅ Отправить');
      expect((await person.next()).text).toMatch(/^Показания приняты, № \d+\. Спасибо!$/);
    } finally {
      h.database.db.off('query', listener);
    }
    const rows = await h.database.db('meter_readings').where({ source: 'bot' }).count({ n: '*' });
    expect(Number(rows[0]?.n)).toBe(2);
    const statements = readingStatements(all);
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(TWO_ZONE_READING_BUDGET);
    // Each zone's value was checked without the database: one write transaction at the end.
    expect(statements.filter((sql) => /^insert into .meter_readings/.test(sql))).toHaveLength(1);
  });
});
