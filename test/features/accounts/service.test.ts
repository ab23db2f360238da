import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit';
import { Outbox } from '../../../src/core/outbox/outbox';
import { RateLimiter } from '../../../src/core/rate-limit';
import { type DemoAccount, seedDemo } from '../../../src/demo/seed';
import {
  LINK_MAX_FAILURES_PER_ACCOUNT,
  LINK_MAX_FAILURES_PER_USER,
  LINK_WINDOW_MS,
  type LinkProofPolicy,
  PROOF_EXAMPLE_KOPECKS,
  proofIsExample,
} from '../../../src/features/accounts/rules';
import { AccountsService } from '../../../src/features/accounts/service';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import { createAccountWithMeters, freshAccountNumber } from '../../support/readings';
import { loginResident } from '../../support/residents';

const NOW = new Date('2026-11-20T00:00:00Z');
let nextTelegramId = 9_100_000;

describe('AccountsService', () => {
  let database: TestDatabase;
  let showcase: DemoAccount[];
  const byNote = (note: string): DemoAccount => {
    const account = showcase.find((a) => a.note === note);
    if (!account) throw new Error(`no showcase account "${note}"`);
    return account;
  };
  const service = (proofPolicy: LinkProofPolicy = 'either') =>
    new AccountsService({
      db: database.db,
      audit: new AuditLog(database.db, () => NOW),
      userLimiter: new RateLimiter(
        database.db,
        LINK_MAX_FAILURES_PER_USER,
        LINK_WINDOW_MS,
        () => NOW,
      ),
      accountLimiter: new RateLimiter(
        database.db,
        LINK_MAX_FAILURES_PER_ACCOUNT,
        LINK_WINDOW_MS,
        () => NOW,
      ),
      outbox: new Outbox(database.db, () => NOW),
      proofPolicy,
      timeZone: 'Asia/Kamchatka',
      operatorPhone: '+7 (4152) 00-00-00',
      clock: () => NOW,
    });
  const resident = () => loginResident(database.db, nextTelegramId++);
  const auditActions = async (userId: number) =>
    (
      (await database
        .db('audit_log')
        .where({ user_id: userId })
        .orderBy('id')
        .select('action')) as {
        action: string;
      }[]
    ).map((r) => r.action);

  beforeAll(async () => {
    database = await withTestDatabase();
    ({ showcase } = await seedDemo(database.db, { accounts: 12, seed: 1, now: NOW }));
  });
  afterAll(() => database.cleanup());

  it('when the proof is wrong and then right, then the first attempt fails and the second links the account as current', async () => {
    const accounts = service();
    const anna = await resident();
    const one = byNote('one-zone');
    const wrong = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: one.number,
      proof: '11111111',
    });
    expect(wrong).toEqual({ kind: 'invalid' });
    const right = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: ` ${one.number.slice(0, 4)} ${one.number.slice(4)} `,
      proof: one.meterSerial,
    });
    expect(right.kind).toBe('linked');
    const list = await accounts.listAccounts(anna.userId, anna.telegramUserId);
    expect(list.map((a) => [a.number, a.isCurrent])).toEqual([[one.number, true]]);
    expect(await auditActions(anna.userId)).toEqual(['account.link.failed', 'account.link.ok']);
    const details = (
      await database.db('audit_log').where({ user_id: anna.userId }).select('details')
    )
      .map((r: { details: string | null }) => r.details ?? '')
      .join(' ');
    expect(details).not.toContain('11111111');
    expect(details).not.toContain(one.meterSerial);
  });

  it('when one cabinet sends the right proof 10 times at once (double taps), then one link is made and every other answer is «already linked», never «too many attempts» or an error', async () => {
    const accounts = service();
    const anna = await resident();
    const number = freshAccountNumber();
    await createAccountWithMeters(database.db, {
      number,
      meters: [{ serial: `DT${number}`, zones: 1, digits: 6, readings: [] }],
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        accounts.linkAccount(anna.userId, anna.telegramUserId, {
          number,
          proof: `DT${number}`,
        }),
      ),
    );
    const kinds = results.map((r) => r.kind).sort();
    expect(kinds).toEqual([...Array(9).fill('already-linked'), 'linked']);
    const links = await database.db('account_links').where({ user_id: anna.userId });
    expect(links).toHaveLength(1);
  });

  it('when the last charge from the receipt is given in rubles with a comma, then it proves ownership', async () => {
    const accounts = service();
    const anna = await resident();
    const two = byNote('two-zone');
    const rubles = `${Math.floor(two.lastChargeKopecks / 100)},${String(two.lastChargeKopecks % 100).padStart(2, '0')}`;
    const result = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: two.number,
      proof: rubles,
    });
    expect(result.kind).toBe('linked');
  });

  it('when the prompt example amount is typed and it happens to be the real last charge, then it still does not link', async () => {
    const accounts = service('last-charge');
    const anna = await resident();
    const target = byNote('debtor');
    const [account] = await database.db('accounts').where({ number: target.number }).select('id');
    await database.db('ledger').insert({
      account_id: account.id,
      period: '2099-12',
      kind: 'charge',
      service: 'electricity',
      amount_kopecks: PROOF_EXAMPLE_KOPECKS,
      occurred_on: '2099-12-31',
      source: 'staff',
      created_at: NOW.toISOString(),
    });
    try {
      const example = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
        number: target.number,
        proof: '1 234,56',
      });
      expect(example.kind).toBe('invalid');
      expect(proofIsExample('1234.56 ₽')).toBe(true);
      expect(proofIsExample('1 234,57')).toBe(false);
    } finally {
      await database.db('ledger').where({ account_id: account.id, period: '2099-12' }).delete();
    }
  });

  it('when only meter serials are accepted, then the right last charge is refused', async () => {
    const accounts = service('meter-serial');
    const anna = await resident();
    const three = byNote('three-zone');
    const amount = (three.lastChargeKopecks / 100).toFixed(2);
    expect(
      await accounts.linkAccount(anna.userId, anna.telegramUserId, {
        number: three.number,
        proof: amount,
      }),
    ).toEqual({ kind: 'invalid' });
    const bySerialOnly = service('last-charge');
    expect(
      await bySerialOnly.linkAccount(anna.userId, anna.telegramUserId, {
        number: three.number,
        proof: three.meterSerial,
      }),
    ).toEqual({ kind: 'invalid' });
  });

  it('when the number does not exist, then the answer is the same as for a wrong proof', async () => {
    const accounts = service();
    const anna = await resident();
    const unknown = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: '4000000000',
      proof: '12345678',
    });
    const wrongProof = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: byNote('debtor').number,
      proof: '12345678',
    });
    expect(unknown).toEqual(wrongProof);
    expect(unknown).toEqual({ kind: 'invalid' });
  });

  it('when the text is not an account number at all, then it is refused without counting an attempt', async () => {
    const accounts = service();
    const anna = await resident();
    expect(
      await accounts.linkAccount(anna.userId, anna.telegramUserId, { number: 'abc', proof: '1' }),
    ).toEqual({ kind: 'bad-number' });
    expect(await auditActions(anna.userId)).toEqual([]);
  });

  it('when five attempts failed within the hour, then the fifth says so and the sixth is refused even with the right proof', async () => {
    const accounts = service();
    const anna = await resident();
    const debtor = byNote('debtor');
    const results = [];
    for (let i = 0; i < LINK_MAX_FAILURES_PER_USER; i++) {
      results.push(
        await accounts.linkAccount(anna.userId, anna.telegramUserId, {
          number: `40000000${10 + i}`,
          proof: 'nope',
        }),
      );
    }
    expect(results.slice(0, 4)).toEqual(Array(4).fill({ kind: 'invalid' }));
    expect(results[4]).toMatchObject({ kind: 'invalid', retryAfterMs: expect.any(Number) });
    const blocked = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: debtor.number,
      proof: debtor.meterSerial,
    });
    expect(blocked.kind).toBe('limited');
    if (blocked.kind === 'limited')
      expect(blocked.retryAfterMs).toBeLessThanOrEqual(LINK_WINDOW_MS);
    expect(await accounts.listAccounts(anna.userId)).toEqual([]);
    expect((await auditActions(anna.userId)).at(-1)).toBe('account.link.limited');
  });

  it('when many residents guess one account number, then the account is locked after ten failures for everybody', async () => {
    const accounts = service();
    const target = byNote('advance');
    for (let i = 0; i < LINK_MAX_FAILURES_PER_ACCOUNT; i++) {
      const guesser = await resident();
      await accounts.linkAccount(guesser.userId, guesser.telegramUserId, {
        number: target.number,
        proof: `9999${i}`,
      });
    }
    const owner = await resident();
    const result = await accounts.linkAccount(owner.userId, owner.telegramUserId, {
      number: target.number,
      proof: target.meterSerial,
    });
    expect(result.kind).toBe('limited');
  });

  it('when a second resident links an account, then the first one is told through the outbox', async () => {
    const accounts = service();
    const first = await resident();
    const second = await resident();
    const rollover = byNote('meter near rollover');
    const proof = { number: rollover.number, proof: rollover.meterSerial };
    const firstResult = await accounts.linkAccount(first.userId, first.telegramUserId, proof);
    expect(firstResult).toMatchObject({ kind: 'linked', othersNotified: 0 });
    const secondResult = await accounts.linkAccount(second.userId, second.telegramUserId, proof);
    expect(secondResult).toMatchObject({ kind: 'linked', othersNotified: 1 });
    const notices = await database
      .db('outbox')
      .where({ kind: 'account-linked' })
      .select('chat_id', 'payload');
    expect(notices.map((n: { chat_id: number }) => Number(n.chat_id))).toEqual([
      first.telegramUserId,
    ]);
    // A message key and its variables, rendered in the recipient's language when sent.
    expect(JSON.parse(String(notices[0]?.payload))).toEqual({
      textKey: 'accounts-notice-linked',
      vars: { number: rollover.number, phone: '+7 (4152) 00-00-00' },
    });
    expect(secondResult).toMatchObject({
      notice: { key: 'accounts-notice-linked', vars: { number: rollover.number } },
    });
    expect(await accounts.linkAccount(second.userId, second.telegramUserId, proof)).toMatchObject({
      kind: 'already-linked',
    });
  });

  it('when another resident’s account id is named, then every method refuses and the refusal is audited', async () => {
    const accounts = service();
    const owner = await resident();
    const stranger = await resident();
    const expired = byNote('verification expired');
    const linked = await accounts.linkAccount(owner.userId, owner.telegramUserId, {
      number: expired.number,
      proof: expired.meterSerial,
    });
    if (linked.kind !== 'linked') throw new Error('not linked');
    const id = linked.account.id;
    expect(
      await accounts.accountCard(stranger.userId, id, stranger.telegramUserId),
    ).toBeUndefined();
    expect(await accounts.setCurrent(stranger.telegramUserId, stranger.userId, id)).toBe(false);
    expect(await accounts.unlink(stranger.userId, id, stranger.telegramUserId)).toBe(false);
    expect(await accounts.linkedAccount(stranger.userId, id)).toBeUndefined();
    expect(await accounts.ensureLinked(stranger.userId, id)).toBe(false);
    expect(await accounts.listAccounts(owner.userId)).toHaveLength(1);
    expect(await accounts.currentAccount(stranger.telegramUserId, stranger.userId)).toBeUndefined();
    expect(await auditActions(stranger.userId)).toEqual(Array(5).fill('account.access.denied'));
  });

  it('when an account is switched to and then unlinked, then the current one falls back to the remaining account', async () => {
    const accounts = service();
    const anna = await resident();
    const soon = byNote('verification due soon');
    const auto = byNote('automated metering');
    const a = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: soon.number,
      proof: soon.meterSerial,
    });
    const b = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: auto.number,
      proof: auto.meterSerial,
    });
    if (a.kind !== 'linked' || b.kind !== 'linked') throw new Error('not linked');
    expect((await accounts.currentAccount(anna.telegramUserId, anna.userId))?.id).toBe(
      b.account.id,
    );
    expect(await accounts.setCurrent(anna.telegramUserId, anna.userId, a.account.id)).toBe(true);
    expect((await accounts.currentAccount(anna.telegramUserId, anna.userId))?.id).toBe(
      a.account.id,
    );
    expect(await accounts.unlink(anna.userId, a.account.id, anna.telegramUserId)).toBe(true);
    expect((await accounts.currentAccount(anna.telegramUserId, anna.userId))?.id).toBe(
      b.account.id,
    );
    expect((await accounts.listAccounts(anna.userId)).map((x) => x.number)).toEqual([auto.number]);
  });

  it('when the card is built, then it has the masked holder, meters with last readings, verification and the ledger balance', async () => {
    const accounts = service();
    const anna = await resident();
    const soon = byNote('verification due soon');
    const linked = await accounts.linkAccount(anna.userId, anna.telegramUserId, {
      number: soon.number,
      proof: soon.meterSerial,
    });
    if (linked.kind !== 'linked') throw new Error('not linked');
    const card = await accounts.accountCard(anna.userId, linked.account.id, anna.telegramUserId);
    expect(card?.number).toBe(soon.number);
    expect(card?.holder).toMatch(/^\S+ \S\.\*\.$/);
    expect(soon.holder.startsWith(card?.holder.split(' ')[0] ?? '?')).toBe(true);
    expect(card?.isCurrent).toBe(true);
    expect(card?.meters[0]?.serial).toBe(soon.meterSerial);
    expect(card?.meters[0]?.verification.kind).toBe('soon');
    expect(card?.meters[0]?.lastReadings).toHaveLength(1);
    const rows = (await database
      .db('ledger')
      .where({ account_id: linked.account.id })
      .select('kind', 'amount_kopecks')) as { kind: string; amount_kopecks: number }[];
    const expected = rows.reduce(
      (sum, r) =>
        sum + (r.kind === 'payment' ? -Number(r.amount_kopecks) : Number(r.amount_kopecks)),
      0,
    );
    expect(card?.balanceKopecks).toBe(expected);
  });
});
