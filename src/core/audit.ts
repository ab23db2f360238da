import type { Db } from './db/index';
import { nowIso } from './db/index';
import type { Clock } from './clock';

/** One security-relevant event. `details` never carries passwords, codes or message text. */
export interface AuditEvent {
  action: string;
  userId?: number | null;
  telegramUserId?: number | null;
  subject?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

/**
 * The audit trail (`audit_log`): logins, failures, recoveries, consent. Kept in the database
 * rather than in logs so `/security` and staff can read it and it follows the data's retention.
 */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async record(event: AuditEvent, db: Db = this.db): Promise<void> {
    await db('audit_log').insert({
      at: nowIso(this.clock),
      user_id: event.userId ?? null,
      telegram_user_id: event.telegramUserId ?? null,
      action: event.action,
      subject: event.subject ?? null,
      details: event.details ? JSON.stringify(event.details) : null,
    });
  }
}
