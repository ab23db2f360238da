import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { commandLists } from '../../src/core/commands';
import { createI18n, LOCALES_DIR, localeFromTelegram } from '../../src/core/i18n';

/** Every key of a locale: `locales/<locale>.ftl` plus each feature's `locales/<locale>/*.ftl`. */
function keysOf(locale: string): string[] {
  const files = [join(LOCALES_DIR, `${locale}.ftl`)];
  try {
    for (const name of readdirSync(join(LOCALES_DIR, locale))) {
      if (name.endsWith('.ftl')) files.push(join(LOCALES_DIR, locale, name));
    }
  } catch {
    // no per-feature files yet
  }
  return files
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .map((line) => /^([a-z][a-z0-9-]*)\s*=/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined)
    .sort();
}

describe('translations', () => {
  it('when a key exists in Russian, it exists in English too, and the other way round', () => {
    expect(keysOf('en')).toEqual(keysOf('ru'));
  });

  it('when the same message is translated again, then a text without variables is the same and one with variables follows each call', () => {
    const i18n = createI18n('ru', async () => undefined);
    expect(i18n.t('en', 'button-login')).toBe(i18n.t('en', 'button-login'));
    expect(i18n.t('ru', 'button-login')).toBe('🔑 Войти');
    expect(i18n.t('en', 'button-login')).not.toBe('🔑 Войти');
    expect(i18n.t('ru', 'start-welcome-back', { name: 'Анна' })).toContain('Анна');
    expect(i18n.t('ru', 'start-welcome-back', { name: 'Иван' })).toContain('Иван');
    expect(i18n.t('ru', 'start-welcome-back', { name: 'Иван' })).not.toContain('Анна');
  });

  it('when Telegram reports a language, picks Russian or English sensibly', () => {
    expect(localeFromTelegram('ru', 'ru')).toBe('ru');
    expect(localeFromTelegram('en-GB', 'ru')).toBe('en');
    expect(localeFromTelegram('uk', 'ru')).toBe('ru');
    expect(localeFromTelegram('de', 'ru')).toBe('en');
    expect(localeFromTelegram(undefined, 'ru')).toBe('ru');
  });

  it('when a text has variables, they are filled without bidi isolation marks', () => {
    const i18n = createI18n('ru', async () => undefined);
    const text = i18n.t('ru', 'admin-chat-id', { id: '-100123' });
    expect(text).toBe('Номер этого чата: -100123');
  });

  it('when command menus are built, every description is translated and within Telegram limits', () => {
    const lists = commandLists(loadConfig({}));
    expect(lists.map((l) => l.locale)).toEqual(['ru', 'en']);
    for (const list of lists) {
      for (const command of [...list.private, ...list.admin]) {
        expect(command.command).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(command.description.length).toBeGreaterThan(0);
        expect(command.description.length).toBeLessThanOrEqual(256);
        expect(command.description).not.toMatch(/^command-/);
      }
    }
    expect(lists[0]?.private.map((c) => c.command)).toEqual([
      'start',
      'help',
      'register',
      'login',
      'recover',
      'logout',
      'balance',
      'pay',
      'receipt',
      'reading',
      'readings',
      'reminders',
      'appeal',
      'appeals',
      'accounts',
      'link',
      'profile',
      'security',
      'privacy',
      'mydata',
      'language',
      'cancel',
    ]);
  });
});
