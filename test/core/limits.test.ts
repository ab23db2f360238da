import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { AuditLog } from '../../src/core/audit';
import { createI18n } from '../../src/core/i18n';
import type { MailMessage } from '../../src/core/mail/mailer';
import { Outbox } from '../../src/core/outbox/outbox';
import { RateLimiter } from '../../src/core/rate-limit';
import { type DemoAccount, seedDemo } from '../../src/demo/seed';
import {
  LINK_MAX_FAILURES_PER_ACCOUNT,
  LINK_MAX_FAILURES_PER_USER,
  LINK_WINDOW_MS,
} from '../../src/features/accounts/rules';
import { AccountsService } from '../../src/features/accounts/service';
import {
  CODE_MAX_ATTEMPTS,
  emailTag,
  LOGIN_MAX_FAILURES,
  PasswordPolicy,
  REGISTER_MAX_PER_WINDOW,
} from '../../src/features/auth/rules';
import { AuthService, type CodeCheck, createAuthLimiters } from '../../src/features/auth/service';
import { ConsentService } from '../../src/features/privacy/service';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { loginResident } from '../support/residents';

const BURST = 50;
const START = new Date('2026-11-20T00:00:00Z').getTime();

/**
 * Bursts of 50 concurrent attempts against every limiter, on whichever database the suite runs
 * (SQLite, or PostgreSQL with TEST_DATABASE_URL): each must let through at most its limit.
 */
describe('limits under a burst', () => {
  let t: TestDatabase;
  let auth: AuthService;
  let accounts: AccountsService;
  let showcase: DemoAccount[];
  let now = START;
  let nextTelegramId = 7_700_000;
  const clock = () => new Date(now);
  const mails: MailMessage[] = [];
  const mailsTo = (to: string) => mails.filter((m) => m.to === to);
  const codeIn = (mail: MailMessage | undefined) => /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';
  const tgIds = (n: number) => Array.from({ length: n }, () => nextTelegramId++);
  const draft = async (password = 'длинный пароль для залпа') => {
    const result = await auth.draftPassword(password);
    if (!result.ok) throw new Error(result.reason);
    return result.draftId;
  };

  beforeAll(async () => {
    t = await withTestDatabase();
    const i18n = createI18n('ru', async () => undefined);
    auth = new AuthService({
      db: t.db,
      mailer: { send: async (mail) => void mails.push(mail) },
      translate: (locale, key, vars) => i18n.t(locale, key, vars),
      consents: new ConsentService(t.db, loadConfig({}).operator, clock),
      audit: new AuditLog(t.db, clock),
      ...createAuthLimiters(t.db, clock),
      passwordPolicy: new PasswordPolicy(),
      clock,
    });
    accounts = new AccountsService({
      db: t.db,
      audit: new AuditLog(t.db, clock),
      userLimiter: new RateLimiter(t.db, LINK_MAX_FAILURES_PER_USER, LINK_WINDOW_MS, clock),
      accountLimiter: new RateLimiter(t.db, LINK_MAX_FAILURES_PER_ACCOUNT, LINK_WINDOW_MS, clock),
      outbox: new Outbox(t.db, clock),
      proofPolicy: 'either',
      timeZone: 'Asia/Kamchatka',
      operatorPhone: '+7 (4152) 00-00-00',
      clock,
    });
    ({ showcase } = await seedDemo(t.db, { accounts: 6, seed: 3, now: new Date(START) }));
  });
  afterAll(() => t.cleanup());

  /** An active cabinet with a known password, made the way registration leaves it. */
  const activeCabinet = async (email: string, password: string): Promise<number> => {
    const at = new Date(now).toISOString();
    const [row] = (await t
      .db('users')
      .insert({
        email,
        password_hash: await auth.hashPassword(password),
        status: 'active',
        locale: 'ru',
        created_at: at,
        updated_at: at,
      })
      .returning('id')) as ({ id: number } | number)[];
    return Number(typeof row === 'object' ? row.id : row);
  };

  it('when 50 wrong passwords for one address arrive at once, then at most 5 are checked and the rest are told to wait', async () => {
    const email = 'burst-login@example.org';
    await activeCabinet(email, 'верный длинный пароль');
    const results = await Promise.all(
      tgIds(BURST).map((telegramUserId) =>
        auth.login({ email, password: 'неверный длинный пароль', telegramUserId }),
      ),
    );
    const checked = results.filter((r) => r.kind !== 'limited');
    expect(checked.length).toBeLessThanOrEqual(LOGIN_MAX_FAILURES);
    expect(checked.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.kind === 'limited')).toHaveLength(BURST - checked.length);
    const failed = await t.db('audit_log').where({ action: 'login.failed' }).count({ n: '*' });
    expect(Number(failed[0]?.n)).toBe(checked.length);
  });

  it('when 50 correct logins for one address arrive at once, then none is told «too many failed attempts»: each gets in or, at worst, «busy»', async () => {
    const email = 'burst-right@example.org';
    const password = 'верный длинный пароль семьи';
    await activeCabinet(email, password);
    const results = await Promise.all(
      tgIds(BURST).map((telegramUserId) => auth.login({ email, password, telegramUserId })),
    );
    const kinds = results.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'limited' || k === 'invalid')).toEqual([]);
    expect(kinds.filter((k) => k === 'ok').length).toBeGreaterThan(LOGIN_MAX_FAILURES);
    // No failure was counted against the address.
    const row = await t
      .db('rate_limits')
      .where({ scope: `login:email:${emailTag(email)}` })
      .first();
    expect(Number(row?.count ?? 0) - Number(row?.in_flight ?? 0)).toBe(0);
  });

  it('when one Telegram user sends the right password 10 times at once (double taps), then every attempt logs in', async () => {
    const email = 'double-tap@example.org';
    const password = 'верный длинный пароль деда';
    await activeCabinet(email, password);
    const [telegramUserId] = tgIds(1) as [number];
    const results = await Promise.all(
      Array.from({ length: 10 }, () => auth.login({ email, password, telegramUserId })),
    );
    expect(results.map((r) => r.kind)).toEqual(Array(10).fill('ok'));
  });

  it('when a window is full of attempts still being checked, then the next is «busy»; once they failed, it is «locked out»', async () => {
    const limiter = new RateLimiter(t.db, 5, 15 * 60_000, clock);
    const scopes = ['busy-test:a'];
    for (let i = 0; i < 5; i++) expect((await limiter.attempt(scopes)).blocked).toBe(false);
    expect(await limiter.attempt(scopes)).toEqual({
      blocked: true,
      retryAfterMs: expect.any(Number),
      busy: true,
    });
    await limiter.settle(scopes, 'succeeded');
    expect((await limiter.attempt(scopes)).blocked).toBe(false);
    for (let i = 0; i < 5; i++) await limiter.settle(scopes, 'failed');
    expect(await limiter.attempt(scopes)).toEqual({
      blocked: true,
      retryAfterMs: expect.any(Number),
      busy: false,
    });
  });

  it('when 50 people start recovery for one address at once and then send one code each, the right one last, then at most 5 letters go and at most 5 codes are compared', async () => {
    const email = 'burst-recover@example.org';
    await activeCabinet(email, 'верный длинный пароль');
    const started = await Promise.all(
      tgIds(BURST).map((telegramUserId) =>
        auth.startRecovery({ email, telegramUserId, locale: 'ru' }),
      ),
    );
    const sent = started.filter((s) => s.kind === 'sent');
    expect(sent.length).toBeLessThanOrEqual(LOGIN_MAX_FAILURES);
    expect(mailsTo(email).length).toBe(sent.length);
    const ref = sent[0]?.kind === 'sent' ? sent[0].ref : null;
    expect(ref).toBeGreaterThan(0);
    const right = codeIn(mailsTo(email).at(-1));
    const wrong = right === '000000' ? '111111' : '000000';
    const guesses = [...Array.from({ length: BURST - 1 }, () => wrong), right];
    const results = await Promise.all(
      guesses.map((code) => auth.checkCode(ref, 'reset_password', code)),
    );
    const compared = results.filter((r) => r.kind === 'wrong' || r.kind === 'ok');
    const lastTry = results.filter((r) => r.kind === 'too-many' || r.kind === 'used');
    // The fifth wrong try answers "too many" itself, so at most 5 answers came from a comparison.
    expect(compared.length).toBeLessThanOrEqual(CODE_MAX_ATTEMPTS);
    expect(compared.length + lastTry.length).toBe(BURST);
    const row = await t
      .db('one_time_codes')
      .where({ purpose: 'reset_password' })
      .orderBy('id', 'desc')
      .first('attempts');
    expect(Number(row?.attempts)).toBeLessThanOrEqual(CODE_MAX_ATTEMPTS);
  });

  it('when 50 people register one address at once, then at most 5 registrations go through and at most 5 letters reach it', async () => {
    const email = 'burst-register@example.org';
    const drafts = await Promise.all(Array.from({ length: BURST }, () => draft()));
    const ids = tgIds(BURST);
    const results = await Promise.all(
      drafts.map((draftId, i) =>
        auth.register({ email, draftId, locale: 'ru', telegramUserId: ids[i] ?? 0 }),
      ),
    );
    const through = results.filter((r) => r.kind === 'sent');
    expect(through.length).toBeLessThanOrEqual(REGISTER_MAX_PER_WINDOW);
    expect(mailsTo(email).length).toBe(through.length);
    expect(await t.db('users').where({ email })).toHaveLength(1);
  });

  it('when one Telegram user registers 50 addresses at once, then at most 5 go through', async () => {
    const [telegramUserId = 0] = tgIds(1);
    const drafts = await Promise.all(Array.from({ length: BURST }, () => draft()));
    const results = await Promise.all(
      drafts.map((draftId, i) =>
        auth.register({
          email: `stranger-${i}@example.org`,
          draftId,
          locale: 'ru',
          telegramUserId,
        }),
      ),
    );
    expect(results.filter((r) => r.kind === 'sent').length).toBeLessThanOrEqual(
      REGISTER_MAX_PER_WINDOW,
    );
  });

  it('when «send the code again» is pressed 50 times at once after a minute, then exactly one letter goes', async () => {
    const email = 'burst-resend@example.org';
    const [telegramUserId = 0] = tgIds(1);
    const started = await auth.register({
      email,
      draftId: await draft(),
      locale: 'ru',
      telegramUserId,
    });
    const ref = started.kind === 'sent' ? started.ref : null;
    expect(ref).toBeGreaterThan(0);
    expect(mailsTo(email)).toHaveLength(1);
    now += 61_000;
    const results = await Promise.all(
      Array.from({ length: BURST }, () => auth.resendCode(ref, 'verify_email', 'ru')),
    );
    expect(results.filter((r) => r.kind === 'sent')).toHaveLength(1);
    expect(mailsTo(email)).toHaveLength(2);
  });

  it('when 50 cabinets answer the proof for one account number at once, the right proof last, then at most 10 proofs are checked', async () => {
    const account = showcase[0];
    if (!account) throw new Error('no demo account');
    const residents = await Promise.all(tgIds(BURST).map((id) => loginResident(t.db, id)));
    const results = await Promise.all(
      residents.map((r, i) =>
        accounts.linkAccount(r.userId, r.telegramUserId, {
          number: account.number,
          proof: i === BURST - 1 ? account.meterSerial : 'ZZ-000000',
        }),
      ),
    );
    const checked = results.filter((r) => r.kind !== 'limited');
    expect(checked.length).toBeLessThanOrEqual(LINK_MAX_FAILURES_PER_ACCOUNT);
    const failures = await t
      .db('audit_log')
      .where({ action: 'account.link.failed' })
      .count({ n: '*' });
    expect(Number(failures[0]?.n)).toBeLessThanOrEqual(LINK_MAX_FAILURES_PER_ACCOUNT);
  });

  it('when one cabinet tries 50 account numbers at once, then at most 5 proofs are checked', async () => {
    const [telegramUserId = 0] = tgIds(1);
    const me = await loginResident(t.db, telegramUserId);
    const results = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        accounts.linkAccount(me.userId, me.telegramUserId, {
          number: String(900_000_000 + i),
          proof: 'ZZ-000000',
        }),
      ),
    );
    expect(results.filter((r) => r.kind !== 'limited').length).toBeLessThanOrEqual(
      LINK_MAX_FAILURES_PER_USER,
    );
  });
});

describe('who is registered cannot be told from the answers', () => {
  let t: TestDatabase;
  let auth: AuthService;
  let now = START;
  const clock = () => new Date(now);
  let nextTelegramId = 7_800_000;

  beforeAll(async () => {
    t = await withTestDatabase();
    const i18n = createI18n('ru', async () => undefined);
    auth = new AuthService({
      db: t.db,
      mailer: { send: async () => undefined },
      translate: (locale, key, vars) => i18n.t(locale, key, vars),
      consents: new ConsentService(t.db, loadConfig({}).operator, clock),
      audit: new AuditLog(t.db, clock),
      ...createAuthLimiters(t.db, clock),
      passwordPolicy: new PasswordPolicy(),
      clock,
    });
    const at = new Date(now).toISOString();
    await t.db('users').insert({
      email: 'owner@example.org',
      password_hash: await auth.hashPassword('пароль владельца длинный'),
      status: 'active',
      locale: 'ru',
      created_at: at,
      updated_at: at,
    });
  });
  afterAll(() => t.cleanup());

  /** What a person sees after the code was "sent": a resend at once, 6 wrong codes, a resend after a minute. */
  const answers = async (ref: number | null, purpose: 'verify_email' | 'reset_password') => {
    const seen: (CodeCheck | { kind: string })[] = [];
    seen.push(await auth.resendCode(ref, purpose, 'ru'));
    for (let i = 0; i < 6; i++) seen.push(await auth.checkCode(ref, purpose, '000000'));
    now += 61_000;
    seen.push(await auth.resendCode(ref, purpose, 'ru'));
    seen.push(await auth.checkCode(ref, purpose, '000000'));
    now += 11 * 60_000;
    seen.push(await auth.checkCode(ref, purpose, '000000'));
    return seen.map((s) => ('retryAfterMs' in s ? { kind: s.kind } : s));
  };
  const register = async (email: string) => {
    const draft = await auth.draftPassword('другой длинный пароль');
    if (!draft.ok) throw new Error(draft.reason);
    const started = await auth.register({
      email,
      draftId: draft.draftId,
      locale: 'ru',
      telegramUserId: nextTelegramId++,
    });
    if (started.kind !== 'sent') throw new Error(started.kind);
    return started.ref;
  };

  it('when registering an address that has a cabinet and one that has none, then resends and wrong codes answer the same', async () => {
    const taken = await answers(await register('owner@example.org'), 'verify_email');
    const fresh = await answers(await register('newcomer@example.org'), 'verify_email');
    expect(taken).toEqual(fresh);
    expect(fresh[0]).toEqual({ kind: 'wait' });
    expect(fresh.slice(1, 5)).toEqual(
      [4, 3, 2, 1].map((left) => ({ kind: 'wrong', attemptsLeft: left })),
    );
  });

  it('when recovering an address that has a cabinet and one that has none, then resends and wrong codes answer the same', async () => {
    const recover = async (email: string) => {
      const started = await auth.startRecovery({
        email,
        telegramUserId: nextTelegramId++,
        locale: 'ru',
      });
      if (started.kind !== 'sent') throw new Error(started.kind);
      return started.ref;
    };
    const known = await answers(await recover('owner@example.org'), 'reset_password');
    const unknown = await answers(await recover('nobody@example.org'), 'reset_password');
    expect(unknown).toEqual(known);
    expect(known[0]).toEqual({ kind: 'wait' });
  });
});
