import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { isLocale, type Locale } from '../../core/i18n';
import { KnexStorageAdapter } from '../../core/storage';

/**
 * The language a Telegram user chose with /language. Kept per Telegram user rather than in the
 * chat session, because conversations (which have no session) must speak the same language.
 */
export class LanguageService {
  private readonly store: KnexStorageAdapter<string>;

  /**
   * `cached`: answer from memory after the first read (asked on every update by i18n); only for
   * the process's one instance that also writes the choice (see `StorageOptions.cached`).
   */
  constructor(db: Db, clock: Clock, options: { cached?: boolean } = {}) {
    this.store = new KnexStorageAdapter<string>(db, 'lang:', clock, options);
  }

  async chosenLocale(telegramUserId: number): Promise<Locale | undefined> {
    const value = await this.store.read(String(telegramUserId));
    return isLocale(value) ? value : undefined;
  }

  async chooseLocale(telegramUserId: number, locale: Locale): Promise<void> {
    await this.store.write(String(telegramUserId), locale);
  }
}
