import type { Locale, Translate } from '../../core/i18n';
import { OUTBOX_PRIORITY, type Outbox } from '../../core/outbox/outbox';

export interface SessionEndedDeps {
  outbox: Pick<Outbox, 'enqueue'>;
  translate: Translate;
  /** The recipient's language, if known (`LanguageService#localeOf`). */
  localeOf: (telegramUserId: number) => Promise<Locale | undefined>;
  defaultLocale: Locale;
}

/**
 * «Your session here has ended» to the other devices of a cabinet (recovery, a new password,
 * log out everywhere, consent withdrawn): urgent, durable notices through the outbox, each in
 * the recipient's language, sent by the background worker. The keyboard is removed, as the
 * chat is no longer logged in.
 */
export class SessionEndedNotices {
  constructor(private readonly deps: SessionEndedDeps) {}

  /**
   * Queues one notice per Telegram user (`key`: the locales' message key). Nothing is queued for
   * an empty list.
   */
  async notify(telegramUserIds: number[], key: string): Promise<void> {
    const { outbox, translate, localeOf, defaultLocale } = this.deps;
    const notices = await Promise.all(
      telegramUserIds.map(async (chatId) => {
        const locale = (await localeOf(chatId)) ?? defaultLocale;
        return {
          chatId,
          kind: 'security-notice',
          priority: OUTBOX_PRIORITY.urgent,
          payload: {
            text: translate(locale, key),
            reply_markup: { remove_keyboard: true as const },
          },
        };
      }),
    );
    if (notices.length > 0) await outbox.enqueue(notices);
  }
}
