import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit';
import { Outbox } from '../../../src/core/outbox/outbox';
import { RateLimiter } from '../../../src/core/rate-limit';
import { seedDemo } from '../../../src/demo/seed';
import { AccountsService } from '../../../src/features/accounts/service';
import { BalanceService } from '../../../src/features/balance/service';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import { linkDirectly, loginResident } from '../../support/residents';

const NOW = new Date('2026-11-20T00:00:00Z');

describe('BalanceService', () => {
  let database: TestDatabase;
  let balance: BalanceService;
  let number: string;

  beforeAll(async () => {
    database = await withTestDatabase();
    const seeded = await seedDemo(database.db, { accounts: 9, seed: 5, now: NOW });
    number = seeded.showcase.find((a) => a.note === 'three-zone')?.number ?? '';
    const accounts = new AccountsService({
      db: database.db,
      audit: new AuditLog(database.db, () => NOW),
      userLimiter: new RateLimiter(database.db, 5, 3_600_000, () => NOW),
      accountLimiter: new RateLimiter(database.db, 10, 3_600_000, () => NOW),
      outbox: new Outbox(database.db, () => NOW),
      proofPolicy: 'either',
      timeZone: 'Asia/Kamchatka',
      operatorPhone: '+7',
      clock: () => NOW,
    });
    balance = new BalanceService({
      db: database.db,
      accounts,
      timeZone: 'Asia/Kamchatka',
      paymentDueDay: 10,
      clock: () => NOW,
    });
  });
  afterAll(() => database.cleanup());

  it('when the summary is built, then the balance is charges plus adjustments minus payments and the bill is due on the 10th', async () => {
    const { userId } = await loginResident(database.db, 9_300_001);
    const accountId = await linkDirectly(database.db, userId, number);
    const rows = (await database
      .db('ledger')
      .where({ account_id: accountId })
      .select('kind', 'amount_kopecks', 'period')) as {
      kind: string;
      amount_kopecks: number;
      period: string;
    }[];
    const expected = rows.reduce(
      (s, r) => s + (r.kind === 'payment' ? -Number(r.amount_kopecks) : Number(r.amount_kopecks)),
      0,
    );
    const summary = await balance.summary(userId, accountId);
    expect(summary?.balanceKopecks).toBe(expected);
    expect(summary?.today).toBe('2026-11-20');
    expect(summary?.lastCharge?.period).toBe('2026-10');
    expect(summary?.lastCharge?.dueOn).toBe('2026-11-10');
    const october = rows.filter((r) => r.kind === 'charge' && r.period === '2026-10');
    expect(summary?.lastCharge?.amountKopecks).toBe(
      october.reduce((s, r) => s + Number(r.amount_kopecks), 0),
    );
  });

  it('when the chart series is built, then it has twelve months of three zones whose volumes sum the ledger', async () => {
    const { userId } = await loginResident(database.db, 9_300_002);
    const accountId = await linkDirectly(database.db, userId, number);
    const series = await balance.consumption(userId, accountId);
    expect(series?.periods).toHaveLength(12);
    expect(series?.zones).toEqual(['T1', 'T2', 'T3']);
    const t2 = (await database
      .db('ledger')
      .where({ account_id: accountId, kind: 'charge', zone: 'T2' })
      .whereIn('period', series?.periods ?? [])
      .sum({ total: 'volume_milli' })
      .first()) as { total: number | string };
    expect(series?.volumesMilli.T2?.reduce((a, b) => a + b, 0)).toBe(Number(t2.total));
  });

  it('when the account is not the resident’s, then summary, history and chart are all refused', async () => {
    const owner = await loginResident(database.db, 9_300_003);
    const stranger = await loginResident(database.db, 9_300_004);
    const accountId = await linkDirectly(database.db, owner.userId, number);
    expect(await balance.summary(stranger.userId, accountId)).toBeUndefined();
    expect(await balance.history(stranger.userId, accountId, '2026-10')).toBeUndefined();
    expect(await balance.consumption(stranger.userId, accountId)).toBeUndefined();
    const denied = await database
      .db('audit_log')
      .where({ user_id: stranger.userId, action: 'account.access.denied' })
      .pluck('subject');
    expect(denied).toEqual([String(accountId), String(accountId), String(accountId)]);
  });

  it('when /balance asks for the current account, then it is the one picked in this chat, else the first linked, and nothing without accounts', async () => {
    const resident = await loginResident(database.db, 9_300_005);
    expect(await balance.currentSummary(resident.userId, 9_300_005)).toBeUndefined();
    const others = (await database
      .db('accounts')
      .whereNot({ number })
      .orderBy('id')
      .limit(2)
      .pluck('number')) as string[];
    const first = await linkDirectly(database.db, resident.userId, others[0]!);
    const second = await linkDirectly(database.db, resident.userId, others[1]!);
    expect(await balance.currentSummary(resident.userId, 9_300_005)).toMatchObject({
      accountId: first,
      number: others[0],
      isCurrent: true,
    });
    await database
      .db('telegram_identities')
      .where({ telegram_user_id: 9_300_005 })
      .update({ current_account_id: second });
    const current = await balance.currentSummary(resident.userId, 9_300_005);
    expect(current).toMatchObject({ accountId: second, number: others[1], isCurrent: true });
    expect(current).toEqual(await balance.summary(resident.userId, second, 9_300_005));
  });
});
