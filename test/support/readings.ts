import { AuditLog } from '../../src/core/audit';
import type { Clock } from '../../src/core/clock';
import type { Db } from '../../src/core/db/index';
import { Outbox } from '../../src/core/outbox/outbox';
import { RateLimiter } from '../../src/core/rate-limit';
import {
  LINK_MAX_FAILURES_PER_ACCOUNT,
  LINK_MAX_FAILURES_PER_USER,
  LINK_WINDOW_MS,
} from '../../src/features/accounts/rules';
import { AccountsService } from '../../src/features/accounts/service';
import type { LatePolicy } from '../../src/features/readings/rules';
import { ReadingsService } from '../../src/features/readings/service';

/** A past reading of one meter: its period, when it was sent, the value per zone in kWh. */
export interface PastReading {
  period: string;
  at: string;
  kwh: Partial<Record<'T1' | 'T2' | 'T3', number>>;
  status?: 'accepted' | 'billed';
}

export interface TestMeter {
  serial: string;
  zones: 1 | 2 | 3;
  digits: number;
  automated?: boolean;
  verifiedUntil?: string | null;
  readings?: PastReading[];
}

const insertedId = (rows: ({ id: number | string } | number)[]): number => {
  const first = rows[0];
  if (first === undefined) throw new Error('nothing inserted');
  return Number(typeof first === 'object' ? first.id : first);
};

/**
 * An account of our own with meters and past readings, for cases the demo seed has no exact
 * account for (a two-zone meter about to roll over; a meter per test). Tariffs come from the seed.
 */
export async function createAccountWithMeters(
  db: Db,
  input: { number: string; plan?: string; address?: string; meters: TestMeter[] },
): Promise<{ accountId: number; meterIds: number[] }> {
  const now = new Date().toISOString();
  const accountId = insertedId(
    await db('accounts')
      .insert({
        number: input.number,
        holder_name: 'Иванова Мария Петровна',
        settlement: 'Елизово',
        address: input.address ?? 'г. Елизово, ул. Тестовая, д. 1, кв. 1',
        tariff_plan: input.plan ?? 'urban',
        created_at: now,
        updated_at: now,
      })
      .returning('id'),
  );
  const meterIds: number[] = [];
  for (const meter of input.meters) {
    const meterId = insertedId(
      await db('meters')
        .insert({
          account_id: accountId,
          serial: meter.serial,
          model: 'Тест-2',
          zones: meter.zones,
          digits: meter.digits,
          automated: meter.automated ?? false,
          verified_until: meter.verifiedUntil === undefined ? '2034-01-01' : meter.verifiedUntil,
          created_at: now,
        })
        .returning('id'),
    );
    meterIds.push(meterId);
    for (const reading of meter.readings ?? []) {
      for (const [zone, kwh] of Object.entries(reading.kwh)) {
        await db('meter_readings').insert({
          meter_id: meterId,
          zone,
          period: reading.period,
          value_milli: Math.round(kwh * 1000),
          source: 'import',
          status: reading.status ?? 'billed',
          submitted_at: reading.at,
        });
      }
    }
  }
  return { accountId, meterIds };
}

/** The accounts feature's service as the app builds it (ownership checks, the current account). */
export function accountsService(db: Db, clock: Clock): AccountsService {
  return new AccountsService({
    db,
    audit: new AuditLog(db, clock),
    userLimiter: new RateLimiter(db, LINK_MAX_FAILURES_PER_USER, LINK_WINDOW_MS, clock),
    accountLimiter: new RateLimiter(db, LINK_MAX_FAILURES_PER_ACCOUNT, LINK_WINDOW_MS, clock),
    outbox: new Outbox(db, clock),
    proofPolicy: 'either',
    timeZone: 'Asia/Kamchatka',
    operatorPhone: '+7 (4152) 00-00-00',
    clock,
  });
}

/** A readings service on the default configuration (window 15–25 in Asia/Kamchatka). */
export function readingsService(
  db: Db,
  clock: () => Date,
  options: { latePolicy?: LatePolicy; dailyCapKwh?: number } = {},
): ReadingsService {
  return new ReadingsService({
    db,
    accounts: accountsService(db, clock),
    timeZone: 'Asia/Kamchatka',
    window: { startDay: 15, endDay: 25 },
    latePolicy: options.latePolicy ?? 'next-period',
    dailyCapKwh: options.dailyCapKwh ?? 150,
    clock,
    outbox: new Outbox(db, clock),
  });
}

let nextNumber = 0;
/** A fresh 10-digit account number outside the demo seed's range (its numbers start with 41). */
export function freshAccountNumber(): string {
  nextNumber += 1;
  return `39${String(process.pid % 10_000).padStart(4, '0')}${String(nextNumber).padStart(4, '0')}`;
}
