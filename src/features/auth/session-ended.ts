import type { Locale, Translate } from '../../core/i18n';
import { OUTBOX_PRIORITY, type Outbox } from '../../core/outbox/outbox';
import { guestKeyboard } from '../help/keyboards';

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
 * the recipient's language, sent by the background worker. The notice removes the resident's
 * menu keyboard (the chat is no longer logged in); a second, short message right after it gives
 * the guest's buttons (Log in, Register, Help), as every exit to a guest does (issue 9). The
 * worker sends a chat's rows in order.
 */
export class SessionEndedNotices {
  constructor(private readonly deps: SessionEndedDeps) {}

  /**
   * Queues one notice per Telegram user (`key`: the locales' message key), each followed by the
   * guest's buttons. Nothing is queued for an empty list.
   */
  async notify(telegramUserIds: number[], key: string): Promise<void> {
    const { outbox, translate, localeOf, defaultLocale } = this.deps;
    const notices = await Promise.all(
      telegramUserIds.map(async (chatId) => {
        const locale = (await localeOf(chatId)) ?? defaultLocale;
        const t = (text: string) => translate(locale, text);
        return [
          {
            chatId,
            kind: 'security-notice',
            priority: OUTBOX_PRIORITY.urgent,
            payload: { text: t(key), reply_markup: { remove_keyboard: true as const } },
          },
          {
            chatId,
            kind: 'security-notice',
            priority: OUTBOX_PRIORITY.urgent,
            payload: { text: t('session-ended-guest-menu'), reply_markup: guestKeyboard({ t }) },
          },
        ];
      }),
    );
    if (notices.length > 0) await outbox.enqueue(notices.flat());
  }
}
