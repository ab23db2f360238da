import type { Db } from './db/index';
import { nowIso } from './db/index';
import type { Clock } from './clock';

/**
 * Every kind of event the audit trail records. People read them in `/security` and in the
 * `/mydata` PDF, so each has a text `security-action-<action with dots as dashes>` in every locale
 * (test/core/texts.test.ts checks it): add a new action here and its texts together.
 */
export const AUDIT_ACTIONS = [
  'register.started',
  'register.confirmed',
  'register.existing-email',
  'login.ok',
  'login.failed',
  'login.limited',
  'logout',
  'logout.everywhere',
  'recovery.requested',
  'recovery.completed',
  'profile.full-name',
  'profile.phone',
  'profile.phone-refused',
  'profile.address',
  'profile.language',
  'profile.email',
  'email-change.requested',
  'password-change.wrong-current',
  'password-change.done',
  'privacy.export',
  'consent.withdrawn',
  'account.link.ok',
  'account.link.failed',
  'account.link.limited',
  'account.unlink',
  'account.access.denied',
  'billing.import',
  'billing.export',
  'payment.credited',
  'payment.credited.unlinked',
  'payment.unknown-invoice',
  'appeal.access.denied',
  'appeal.resident-answer',
  'appeal.resident-close',
  'appeal.staff-answer',
  'appeal.staff-close',
  'appeal.staff-correct',
  'appeal.staff-take',
  'billing.export.chat',
  'reading.review.accepted',
  'reading.review.rejected',
  'staff.add',
  'staff.denied',
  'staff.remove',
  'broadcast.denied',
  'broadcast.start',
  'billing.import.chat',
] as const;

/** One kind of audited event. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The locale key of an action's text for people: `account.link.ok` → `security-action-account-link-ok`.
 * An action stored by an older version and since renamed still gets a key; the caller falls back
 * to `security-action-other` when that key has no text.
 */
export function auditActionKey(action: string): string {
  return `security-action-${action.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** One security-relevant event. `details` never carries passwords, codes or message text. */
export interface AuditEvent {
  action: AuditAction;
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
