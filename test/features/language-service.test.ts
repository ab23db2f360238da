import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanguageService } from '../../src/features/language/service';
import { type TestDatabase, withTestDatabase } from '../support/database';

/**
 * The language a notice to someone else's chat is rendered in (issue 13 retest: an English
 * Telegram user got «session ended» in Russian): chosen, else Telegram's as last seen.
 */
describe('LanguageService: the recipient’s language', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await withTestDatabase();
  });
  afterAll(() => t.cleanup());
  const clock = () => new Date();

  it('when a user never chose a language, then the one Telegram reported is theirs, and a change of it is followed', async () => {
    const languages = new LanguageService(t.db, clock);
    expect(await languages.localeOf(501)).toBeUndefined();
    await languages.noteTelegramLocale(501, 'en');
    expect(await languages.localeOf(501)).toBe('en');
    expect(await languages.chosenLocale(501)).toBeUndefined(); // Telegram's is not a choice
    // Another instance (a fresh process) sees a change of Telegram's language.
    await new LanguageService(t.db, clock).noteTelegramLocale(501, 'ru');
    expect(await languages.localeOf(501)).toBe('ru');
  });

  it('when a user chose a language, then Telegram’s never replaces it', async () => {
    const languages = new LanguageService(t.db, clock);
    await languages.chooseLocale(502, 'ru');
    await languages.noteTelegramLocale(502, 'en');
    await new LanguageService(t.db, clock).noteTelegramLocale(502, 'en');
    expect(await languages.localeOf(502)).toBe('ru');
    expect(await languages.chosenLocale(502)).toBe('ru');
  });
});
