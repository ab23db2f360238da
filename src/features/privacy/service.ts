import type { OperatorRequisites } from '../../config';
import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import type { Locale } from '../../core/i18n';
import { CONSENT_VERSION, type RenderedConsent, renderConsent } from './consent';
import type { Clock } from '../../core/clock';
import { readRows } from '../../core/db/prepared';

/**
 * Consent to personal-data processing (152-ФЗ): what the current text is, who accepted which
 * version when. Plain data in and out; the bot, a Mini App or a web cabinet use it alike.
 */
export class ConsentService {
  constructor(
    private readonly db: Db,
    private readonly operator: OperatorRequisites,
    private readonly clock: Clock,
  ) {}

  /** The current text in `locale`, with its version and hash. */
  current(locale: Locale): RenderedConsent {
    return renderConsent(locale, this.operator);
  }

  /** Records that `userId` accepted the current text (as shown in `locale`). */
  async accept(
    input: { userId: number; telegramUserId?: number; locale: Locale },
    db: Db = this.db,
  ): Promise<void> {
    const consent = this.current(input.locale);
    await db('consents').insert({
      user_id: input.userId,
      telegram_user_id: input.telegramUserId ?? null,
      version: consent.version,
      text_sha256: consent.sha256,
      locale: consent.locale,
      accepted_at: nowIso(this.clock),
    });
  }

  /** Whether the user's last standing consent is for an older text (or there is none). */
  async needsAcceptance(userId: number): Promise<boolean> {
    // On every update of a resident (the consent gate): a prepared statement (issue 12).
    const [row] = await readRows<{ version: string }>(
      this.db,
      'select version from consents where user_id = ? and withdrawn_at is null order by id desc limit 1',
      [userId],
    );
    return row?.version !== CONSENT_VERSION;
  }
}
