import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/core/clock';
import { createI18n } from '../../src/core/i18n';
import type { MailMessage } from '../../src/core/mail/mailer';
import { createServices, type Services } from '../../src/services';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { loggedInResident } from '../support/logged-in';

/**
 * Unique indexes a person's action can hit, raced on whichever database the suite runs: the loser
 * of a concurrent duplicate gets an answer that says what happened, never an error. (Others are
 * raced in their features' tests; README «Unique indexes a person can hit» lists them all.)
 */
describe('concurrent duplicates on unique indexes', () => {
  let t: TestDatabase;
  let services: Services;
  const mails: MailMessage[] = [];
  let nextTelegramId = 7_900_000;

  beforeAll(async () => {
    t = await withTestDatabase();
    const texts = createI18n('ru', async () => undefined);
    services = createServices({
      config: loadConfig({ DATABASE_URL: t.url }),
      db: t.db,
      mailer: { send: async (mail) => void mails.push(mail) },
      translate: (locale, key, vars) => texts.t(locale, key, vars),
      clock: systemClock,
    });
  });
  afterAll(() => t.cleanup());

  it('when two cabinets confirm a change to the same new e-mail at once, then one gets it and the other is told it is taken', async () => {
    const address = 'shared-new@example.org';
    const actors = [];
    for (let i = 0; i < 2; i++) {
      const telegramUserId = nextTelegramId++;
      const { userId } = await loggedInResident(t.db, telegramUserId);
      actors.push({ userId, telegramUserId });
    }
    const codes: string[] = [];
    for (const actor of actors) {
      expect(await services.profile.startEmailChange(actor, address, 'ru')).toEqual({
        kind: 'sent',
      });
      const letter = mails.filter((m) => m.to === address).at(-1);
      codes.push(/\b(\d{6})\b/.exec(letter?.text ?? '')?.[1] ?? '');
    }
    const results = await Promise.all(
      actors.map((actor, i) => services.profile.confirmEmailChange(actor, codes[i] ?? '', 'ru')),
    );
    expect(results.map((r) => r.kind).sort()).toEqual(['ok', 'taken']);
    expect(await t.db('users').where({ email: address })).toHaveLength(1);
  });
});
