import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION, splitForTelegram } from '../../src/features/privacy/consent';
import { buttonTexts, type Harness, startHarness } from '../support/harness';

describe('consent (152-ФЗ)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  async function loggedInWithConsent(telegramUserId: number, version: string) {
    const now = new Date().toISOString();
    const [row] = await h.database
      .db('users')
      .insert({
        email: `consent-${telegramUserId}@example.org`,
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const userId = typeof row === 'object' ? row.id : row;
    await h.database.db('telegram_identities').insert({
      telegram_user_id: telegramUserId,
      user_id: userId,
      logged_in_at: now,
      last_seen_at: now,
    });
    await h.database.db('consents').insert({
      user_id: userId,
      version,
      text_sha256: '0'.repeat(64),
      locale: 'ru',
      accepted_at: now,
    });
    return userId;
  }

  it('when a logged-in resident accepted an older consent text, they must accept the new one before anything else', async () => {
    const anna = await h.person();
    const userId = await loggedInWithConsent(anna.id, '2000-01-01');
    expect((await anna.say('/start')).text).toContain('Текст соглашения');
    expect((await anna.next()).text).toContain('Соглашение об обработке персональных данных');
    const ask = await anna.next();
    expect(buttonTexts(ask)).toEqual(['✅ Согласен']);
    // Anything else gets the same request.
    expect((await anna.say('/language')).text).toContain('Текст соглашения');
    await anna.next();
    const again = await anna.next();
    await anna.press(again, '✅ Согласен');
    expect((await anna.next()).text).toContain('Согласие сохранено');
    const latest = await h.database
      .db('consents')
      .where({ user_id: userId })
      .orderBy('id', 'desc')
      .first();
    expect(latest.version).toBe(CONSENT_VERSION);
    expect(latest.text_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await anna.say('/start')).text).toContain('Здравствуйте');
  });

  it('when a text is longer than a Telegram message, it is split at paragraphs within the limit', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Абзац ${i} ${'слово '.repeat(40)}`).join(
      '\n\n',
    );
    const parts = splitForTelegram(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4096);
    expect(parts.join('\n\n').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' ').trim());
  });
});
