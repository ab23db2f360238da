import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { AuditLog } from '../../../src/core/audit';
import { createI18n } from '../../../src/core/i18n';
import type { MailMessage } from '../../../src/core/mail/mailer';
import { PasswordPolicy } from '../../../src/features/auth/rules';
import { AuthService, createAuthLimiters } from '../../../src/features/auth/service';
import { CONSENT_VERSION } from '../../../src/features/privacy/consent';
import { ConsentService } from '../../../src/features/privacy/service';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import { systemClock } from '../../../src/core/clock';

describe('AuthService', () => {
  let t: TestDatabase;
  let auth: AuthService;
  let consents: ConsentService;
  const mails: MailMessage[] = [];

  beforeAll(async () => {
    t = await withTestDatabase();
    const i18n = createI18n('ru', async () => undefined);
    consents = new ConsentService(t.db, loadConfig({}).operator, systemClock);
    auth = new AuthService({
      db: t.db,
      mailer: { send: async (mail) => void mails.push(mail) },
      translate: (locale, key, vars) => i18n.t(locale, key, vars),
      consents,
      audit: new AuditLog(t.db, systemClock),
      ...createAuthLimiters(t.db, systemClock),
      passwordPolicy: new PasswordPolicy(),
      clock: systemClock,
    });
  });
  afterAll(() => t.cleanup());

  const draft = async (password: string) => {
    const result = await auth.draftPassword(password);
    if (!result.ok) throw new Error(result.reason);
    return result.draftId;
  };
  const refOf = (started: Awaited<ReturnType<AuthService['register']>>): number => {
    if (started.kind !== 'sent' || started.ref === null) throw new Error(started.kind);
    return started.ref;
  };
  const codeIn = (mail: MailMessage | undefined) => /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1] ?? '';

  it('when two registrations of one e-mail race, exactly one creates the cabinet and the other is told neutrally', async () => {
    const email = `race-${Date.now()}@example.org`;
    const [a, b] = await Promise.all([
      auth.register({
        email,
        draftId: await draft('первый длинный пароль'),
        locale: 'ru',
        telegramUserId: 1,
      }),
      auth.register({
        email,
        draftId: await draft('второй длинный пароль'),
        locale: 'ru',
        telegramUserId: 2,
      }),
    ]);
    const refs = [a, b].map((r) => (r.kind === 'sent' ? r.ref : null));
    expect(refs.filter((ref) => ref !== null && ref > 0)).toHaveLength(1);
    expect(await t.db('users').where({ email })).toHaveLength(1);
    const subjects = mails
      .filter((m) => m.to === email)
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(['Код подтверждения адреса', 'Попытка регистрации с вашим адресом']);
  });

  it('when a code has been used, it does not work a second time', async () => {
    const email = `reuse-${Date.now()}@example.org`;
    const ref = refOf(
      await auth.register({
        email,
        draftId: await draft('длинный пароль для проверки'),
        locale: 'ru',
        telegramUserId: 3,
      }),
    );
    const code = codeIn(mails.filter((m) => m.to === email).at(-1));
    expect(await auth.confirmEmail({ ref, code, telegramUserId: 3 })).toEqual({ kind: 'ok' });
    expect(await auth.checkCode(ref, 'verify_email', code)).toEqual({ kind: 'used' });
  });

  it('when the code is wrong five times, even the right code is refused until a new one is sent', async () => {
    const email = `tries-${Date.now()}@example.org`;
    const ref = refOf(
      await auth.register({
        email,
        draftId: await draft('длинный пароль для попыток'),
        locale: 'ru',
        telegramUserId: 4,
      }),
    );
    const code = codeIn(mails.filter((m) => m.to === email).at(-1));
    const wrong = code === '999999' ? '000000' : '999999';
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await auth.checkCode(ref, 'verify_email', wrong));
    expect(results.at(-1)).toEqual({ kind: 'too-many' });
    expect(await auth.checkCode(ref, 'verify_email', code)).toEqual({ kind: 'too-many' });
  });

  it('when a stored hash has weaker parameters, logging in upgrades it (needsRehash)', async () => {
    const email = `rehash-${Date.now()}@example.org`;
    const ref = refOf(
      await auth.register({
        email,
        draftId: await draft('длинный пароль для рехеша'),
        locale: 'ru',
        telegramUserId: 5,
      }),
    );
    const code = codeIn(mails.filter((m) => m.to === email).at(-1));
    await auth.confirmEmail({ ref, code, telegramUserId: 5 });
    const argon2 = (await import('argon2')).default;
    const weak = await argon2.hash('длинный пароль для рехеша', {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 1,
      parallelism: 1,
    });
    await t.db('users').where({ id: ref }).update({ password_hash: weak });
    const result = await auth.login({
      email,
      password: 'длинный пароль для рехеша',
      telegramUserId: 6,
    });
    expect(result.kind).toBe('ok');
    const stored = (await t.db('users').where({ id: ref }).first()).password_hash as string;
    expect(stored).toContain('m=19456');
  });

  it('when the consent version is current, no re-acceptance is needed; an old version needs it', async () => {
    const email = `consent-${Date.now()}@example.org`;
    const ref = refOf(
      await auth.register({
        email,
        draftId: await draft('длинный пароль для согласия'),
        locale: 'ru',
        telegramUserId: 7,
      }),
    );
    expect(ref).toBeGreaterThan(0);
    expect(await consents.needsAcceptance(ref)).toBe(false);
    await t.db('consents').where({ user_id: ref }).update({ version: '2000-01-01' });
    expect(await consents.needsAcceptance(ref)).toBe(true);
    expect(CONSENT_VERSION).not.toBe('2000-01-01');
  });
});
