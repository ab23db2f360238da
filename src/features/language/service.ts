import type { Clock } from '../../core/clock';
import type { Db } from '../../core/db/index';
import { isLocale, type Locale } from '../../core/i18n';
import { KnexStorageAdapter } from '../../core/storage';

/** How a language learnt from Telegram (not chosen) is stored: `tg:en`. */
const FROM_TELEGRAM = 'tg:';
/** Telegram users whose stored language this process has already checked; a bound on memory. */
const NOTED_MAX = 20_000;

/**
 * The language of each Telegram user's chat, per Telegram user rather than in the chat session
 * (conversations, which have no session, must speak the same language): the one chosen with
 * /language, else the one Telegram reported for them (remembered, so a notice queued by someone
 * else's action — «session ended», a co-holder notice — is rendered in the recipient's language,
 * not the default). Stored in `kv_store` as `lang:<id>` = `en` (chosen) or `tg:en` (Telegram's).
 */
export class LanguageService {
  private readonly store: KnexStorageAdapter<string>;
  /** What this process knows is stored per user: a chosen locale, or the Telegram one noted. */
  private readonly noted = new Map<number, string>();

  /**
   * `cached`: answer from memory after the first read (asked on every update by i18n); only for
   * the process's one instance that also writes the choice (see `StorageOptions.cached`).
   */
  constructor(db: Db, clock: Clock, options: { cached?: boolean } = {}) {
    this.store = new KnexStorageAdapter<string>(db, 'lang:', clock, options);
  }

  /** The language chosen with /language, or undefined (Telegram's is not a choice). */
  async chosenLocale(telegramUserId: number): Promise<Locale | undefined> {
    const value = await this.store.read(String(telegramUserId));
    return isLocale(value) ? value : undefined;
  }

  /**
   * The language to render a message to this Telegram user's chat in when it is not an answer to
   * their own update (notices, jobs, the outbox worker): chosen, else Telegram's as last seen,
   * else undefined (the caller uses the default).
   */
  async localeOf(telegramUserId: number): Promise<Locale | undefined> {
    const value = await this.store.read(String(telegramUserId));
    if (isLocale(value)) return value;
    const fromTelegram = value?.startsWith(FROM_TELEGRAM)
      ? value.slice(FROM_TELEGRAM.length)
      : undefined;
    return isLocale(fromTelegram) ? fromTelegram : undefined;
  }

  async chooseLocale(telegramUserId: number, locale: Locale): Promise<void> {
    await this.store.write(String(telegramUserId), locale);
    this.remember(telegramUserId, locale);
  }

  /**
   * Remembers the language Telegram reports for a user with no choice of their own (called by
   * the i18n negotiation, once per update): written only when it changed, and at most one read
   * per user per process. Never replaces a choice.
   */
  async noteTelegramLocale(telegramUserId: number, locale: Locale): Promise<void> {
    const wanted = `${FROM_TELEGRAM}${locale}`;
    const known = this.noted.get(telegramUserId);
    if (known === wanted || isLocale(known)) return;
    const stored = await this.store.read(String(telegramUserId));
    if (stored !== wanted && !isLocale(stored)) {
      await this.store.write(String(telegramUserId), wanted);
    }
    this.remember(telegramUserId, isLocale(stored) ? stored : wanted);
  }

  /**
   * Whether {@link noteTelegramLocale} could still change anything for this user, from what this
   * process already knows (no statement): false once a choice or this Telegram language is noted.
   */
  mayNote(telegramUserId: number, locale: Locale): boolean {
    const known = this.noted.get(telegramUserId);
    return known !== `${FROM_TELEGRAM}${locale}` && !isLocale(known);
  }

  private remember(telegramUserId: number, value: string): void {
    if (this.noted.size >= NOTED_MAX) this.noted.clear();
    this.noted.set(telegramUserId, value);
  }
}
