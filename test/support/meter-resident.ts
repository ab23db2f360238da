import type { Harness, Person } from './harness';
import { createAccountWithMeters, freshAccountNumber } from './readings';
import { linkDirectly, loginResident } from './residents';

/** A resident of {@link residentWithTwoZoneMeter}: the person, the cabinet, the meter and account. */
export interface MeterResident {
  person: Person;
  userId: number;
  serial: string;
  number: string;
}

/**
 * A logged-in resident whose current account has one two-zone meter with readings for July to
 * October 2026 (T1 9 550 → 10 000, T2 4 760 → 5 000 kWh): «10 150» and «5 080» are good values
 * for November. `serialPrefix` tells the tests' meters apart.
 */
export async function residentWithTwoZoneMeter(
  h: Harness,
  serialPrefix: string,
): Promise<MeterResident> {
  const person = await h.person();
  const { userId } = await loginResident(h.database.db, person.id);
  const number = freshAccountNumber();
  const serial = `${serialPrefix}${number}`;
  await createAccountWithMeters(h.database.db, {
    number,
    meters: [
      {
        serial,
        zones: 2,
        digits: 6,
        readings: [3, 2, 1, 0].map((back) => ({
          period: `2026-${String(10 - back).padStart(2, '0')}`,
          at: `2026-${String(10 - back).padStart(2, '0')}-20T00:00:00.000Z`,
          kwh: { T1: 10_000 - back * 150, T2: 5_000 - back * 80 },
        })),
      },
    ],
  });
  await linkDirectly(h.database.db, userId, number);
  return { person, userId, serial, number };
}

/**
 * A logged-in resident whose current account has one one-zone meter (6 digits) with one reading,
 * `octoberKwh` on 20 October 2026: a value a little above it is good for November.
 * `serialPrefix` tells the tests' meters apart.
 */
export async function residentWithOneZoneMeter(
  h: Harness,
  serialPrefix: string,
  octoberKwh = 5000,
): Promise<MeterResident> {
  const person = await h.person();
  const { userId } = await loginResident(h.database.db, person.id);
  const number = freshAccountNumber();
  const serial = `${serialPrefix}${number}`;
  await createAccountWithMeters(h.database.db, {
    number,
    meters: [
      {
        serial,
        zones: 1,
        digits: 6,
        readings: [{ period: '2026-10', at: '2026-10-20T00:00:00.000Z', kwh: { T1: octoberKwh } }],
      },
    ],
  });
  await linkDirectly(h.database.db, userId, number);
  return { person, userId, serial, number };
}
