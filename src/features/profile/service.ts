import argon2 from 'argon2';
import type { AuditAction, AuditLog } from '../../core/audit';
import type { Db } from '../../core/db/index';
import { isUniqueViolation, nowIso } from '../../core/db/index';
import type { Locale, Translate } from '../../core/i18n';
import type { Mailer } from '../../core/mail/mailer';
import type { RateLimiter } from '../../core/rate-limit';
import {
  CODE_RESEND_AFTER_MS,
  CODE_TTL_MS,
  normalizeEmail,
  type PasswordVerdict,
} from '../auth/rules';
import { ARGON2_OPTIONS, type AuthService } from '../auth/service';
import { ProfileRepo, type SecurityEventRow } from './repo';
import {
  type AddressVerdict,
  checkAddress,
  checkFullName,
  type FullNameVerdict,
  normalizePhone,
  phoneFromContact,
  SECURITY_PAGE_SIZE,
} from './rules';
import type { Clock } from '../../core/clock';

/** The profile as shown: plain data, safe to keep in conversation state (no secrets). */
export interface Profile {
  fullName: string | null;
  phone: string | null;
  address: string | null;
  email: string | null;
  locale: string;
}

/** Who acts: the cabinet and the Telegram user inside it (for the audit trail). */
export interface Actor {
  userId: number;
  telegramUserId: number;
}

export type PhoneResult =
  | { ok: true; value: string }
  | { ok: false; reason: 'invalid' | 'foreign-contact' };

export type EmailChangeStarted =
  | { kind: 'sent' }
  | { kind: 'invalid' }
  | { kind: 'same' }
  | { kind: 'wait'; retryAfterMs: number }
  | { kind: 'limited'; retryAfterMs: number };

export type EmailChangeResult =
  | { kind: 'ok'; email: string }
  | { kind: 'wrong'; attemptsLeft: number }
  | { kind: 'expired' | 'used' | 'too-many' | 'taken' };

export type PasswordCheck =
  | { kind: 'ok' }
  | { kind: 'wrong' }
  | { kind: 'limited'; retryAfterMs: number };

export type NewPasswordDraft =
  | { ok: true; draftId: string }
  | Extract<PasswordVerdict, { ok: false }>;

/** One page of the cabinet's security events. */
export interface SecurityPage {
  events: SecurityEventRow[];
  page: number;
  pages: number;
}

export interface ProfileServiceDeps {
  db: Db;
  auth: AuthService;
  audit: AuditLog;
  mailer: Mailer;
  translate: Translate;
  /** Wrong current passwords, per cabinet (the same budget as logins). */
  passwordLimiter: RateLimiter;
  /** Change-of-address letters, per cabinet: each costs a mail to an address we do not know yet. */
  emailLimiter: RateLimiter;
  clock: Clock;
}

/**
 * Viewing and changing the registration data (ФИО, phone, address, e-mail, language, password)
 * and the cabinet's security view. Every change is checked here, written, then audited; handlers
 * only parse and render. The same methods serve a future Mini App or web cabinet.
 */
export class ProfileService {
  private readonly repo: ProfileRepo;
  private readonly clock: Clock;

  constructor(private readonly deps: ProfileServiceDeps) {
    this.repo = new ProfileRepo(deps.db, deps.clock);
    this.clock = deps.clock;
  }

  /** The profile of an active cabinet, or undefined (erased, or no such cabinet). */
  async profile(userId: number): Promise<Profile | undefined> {
    const row = await this.repo.profile(userId);
    if (row?.status !== 'active') return undefined;
    return {
      fullName: row.fullName,
      phone: row.phone,
      address: row.address,
      email: row.email,
      locale: row.locale,
    };
  }

  async setFullName(actor: Actor, input: string): Promise<FullNameVerdict> {
    const verdict = checkFullName(input);
    if (verdict.ok) await this.change(actor, 'profile.full-name', { full_name: verdict.value });
    return verdict;
  }

  async setAddress(actor: Actor, input: string): Promise<AddressVerdict> {
    const verdict = checkAddress(input);
    if (verdict.ok) await this.change(actor, 'profile.address', { address: verdict.value });
    return verdict;
  }

  /** A typed phone number, in any common Russian format. */
  async setPhone(actor: Actor, input: string): Promise<PhoneResult> {
    const phone = normalizePhone(input);
    if (!phone) return { ok: false, reason: 'invalid' };
    await this.change(actor, 'profile.phone', { phone }, { via: 'typed' });
    return { ok: true, value: phone };
  }

  /**
   * A number shared with Telegram's contact button. Only the sender's own contact counts
   * (`contactUserId === actor.telegramUserId`): a forwarded or picked contact of someone else
   * proves nothing about whose phone it is.
   */
  async setPhoneFromContact(
    actor: Actor,
    contact: { phoneNumber: string; contactUserId?: number },
  ): Promise<PhoneResult> {
    if (contact.contactUserId !== actor.telegramUserId) {
      await this.deps.audit.record({
        action: 'profile.phone-refused',
        userId: actor.userId,
        telegramUserId: actor.telegramUserId,
      });
      return { ok: false, reason: 'foreign-contact' };
    }
    const phone = phoneFromContact(contact.phoneNumber);
    if (!phone) return { ok: false, reason: 'invalid' };
    await this.change(actor, 'profile.phone', { phone }, { via: 'contact' });
    return { ok: true, value: phone };
  }

  /** The language of letters to this cabinet (the chat's language is kept per Telegram user). */
  async setLocale(actor: Actor, locale: Locale): Promise<void> {
    await this.change(actor, 'profile.language', { locale }, { locale });
  }

  private async change(
    actor: Actor,
    action: AuditAction,
    fields: Parameters<ProfileRepo['update']>[1],
    details?: Record<string, string>,
  ): Promise<void> {
    await this.deps.db.transaction(async (trx) => {
      await this.repo.update(actor.userId, fields, trx);
      await this.deps.audit.record(
        { action, userId: actor.userId, telegramUserId: actor.telegramUserId, details },
        trx,
      );
    });
  }

  /**
   * Starts a change of e-mail: a 6-digit code to the NEW address (hashed in `one_time_codes`,
   * purpose `change_email`, 10 minutes, 5 tries — AUTH's scheme). An address that already has a
   * cabinet gets a notice instead, and the resident the same answer: nobody learns from the bot
   * who is registered.
   */
  async startEmailChange(actor: Actor, input: string, locale: Locale): Promise<EmailChangeStarted> {
    const email = normalizeEmail(input);
    if (!email) return { kind: 'invalid' };
    const current = await this.repo.profile(actor.userId);
    if (current?.status !== 'active') throw new Error('cabinet is not active');
    if (current.email === email) return { kind: 'same' };
    const latest = await this.repo.latestEmailCode(actor.userId);
    if (latest) {
      const wait =
        new Date(latest.createdAt).getTime() + CODE_RESEND_AFTER_MS - this.clock().getTime();
      if (wait > 0) return { kind: 'wait', retryAfterMs: wait };
    }
    const scopes = [`email-change:user:${actor.userId}`];
    const limit = await this.deps.emailLimiter.take(scopes);
    if (limit.blocked) return { kind: 'limited', retryAfterMs: limit.retryAfterMs };
    await this.deps.audit.record({
      action: 'email-change.requested',
      userId: actor.userId,
      telegramUserId: actor.telegramUserId,
    });
    return this.mailChangeCode(actor, email, locale);
  }

  /**
   * «Отправить код ещё раз» in a change of e-mail: a fresh code to the same new address, with the
   * waits of registration and recovery — once a minute (AUTH's resend slot, taken atomically) —
   * and within the change's own budget of letters (5 an hour per cabinet). The earlier code stops
   * working (the latest one counts). Nothing started → `none`.
   */
  async resendEmailCode(
    actor: Actor,
    locale: Locale,
  ): Promise<
    | { kind: 'sent' }
    | { kind: 'none' }
    | { kind: 'wait'; retryAfterMs: number }
    | { kind: 'limited'; retryAfterMs: number }
  > {
    const latest = await this.repo.latestEmailCode(actor.userId);
    if (!latest) return { kind: 'none' };
    const slot = await this.deps.auth.takeResendSlot('change_email', actor.userId);
    if (slot.kind === 'wait') return slot;
    const limit = await this.deps.emailLimiter.take([`email-change:user:${actor.userId}`]);
    if (limit.blocked) return { kind: 'limited', retryAfterMs: limit.retryAfterMs };
    await this.deps.audit.record({
      action: 'email-change.requested',
      userId: actor.userId,
      telegramUserId: actor.telegramUserId,
    });
    return this.mailChangeCode(actor, latest.email, locale);
  }

  /** Stores a change-of-address code and mails it (or, for a taken address, the notice). */
  private async mailChangeCode(
    actor: Actor,
    email: string,
    locale: Locale,
  ): Promise<{ kind: 'sent' }> {
    if (await this.repo.emailTaken(email, actor.userId)) {
      await this.deps.mailer.send({
        to: email,
        subject: this.deps.translate(locale, 'mail-email-taken-subject'),
        text: this.deps.translate(locale, 'mail-email-taken-body'),
      });
      // A code nobody receives keeps the answer (and the next step) the same.
      await this.storeCode(actor.userId, email);
      return { kind: 'sent' };
    }
    const code = await this.storeCode(actor.userId, email);
    await this.deps.mailer.send({
      to: email,
      subject: this.deps.translate(locale, 'mail-email-change-subject'),
      text: this.deps.translate(locale, 'mail-email-change-body', {
        code,
        minutes: CODE_TTL_MS / 60_000,
      }),
    });
    return { kind: 'sent' };
  }

  private storeCode(userId: number, email: string): Promise<string> {
    return this.deps.auth.issueCode(userId, email, 'change_email');
  }

  /**
   * Checks the code (AUTH's `checkCode`: single use, expiry, tries) and moves the cabinet to the
   * address the code was sent to. The old address is told, so a hijack does not go unnoticed.
   */
  async confirmEmailChange(actor: Actor, code: string, locale: Locale): Promise<EmailChangeResult> {
    const check = await this.deps.auth.checkCode(actor.userId, 'change_email', code);
    if (check.kind !== 'ok') return check;
    const sent = await this.repo.latestEmailCode(actor.userId);
    const before = await this.repo.profile(actor.userId);
    if (!sent || before?.status !== 'active') return { kind: 'expired' };
    try {
      await this.deps.db.transaction(async (trx) => {
        await this.repo.update(
          actor.userId,
          { email: sent.email, email_verified_at: nowIso(this.clock) },
          trx,
        );
        await this.deps.audit.record(
          { action: 'profile.email', userId: actor.userId, telegramUserId: actor.telegramUserId },
          trx,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) return { kind: 'taken' };
      throw error;
    }
    if (before.email) {
      await this.deps.mailer.send({
        to: before.email,
        subject: this.deps.translate(locale, 'mail-email-changed-subject'),
        text: this.deps.translate(locale, 'mail-email-changed-body', { email: sent.email }),
      });
    }
    return { kind: 'ok', email: sent.email };
  }

  /** Checks the current password before a change; failures are limited like logins. */
  async checkCurrentPassword(actor: Actor, password: string): Promise<PasswordCheck> {
    const scopes = [
      `password-check:user:${actor.userId}`,
      `password-check:tg:${actor.telegramUserId}`,
    ];
    const limit = await this.deps.passwordLimiter.take(scopes);
    if (limit.blocked) return { kind: 'limited', retryAfterMs: limit.retryAfterMs };
    const row = await this.repo.profile(actor.userId);
    const ok =
      row?.status === 'active' &&
      row.passwordHash !== null &&
      [...password].length <= 128 &&
      (await argon2.verify(row.passwordHash, password));
    if (!ok) {
      await this.deps.audit.record({
        action: 'password-change.wrong-current',
        userId: actor.userId,
        telegramUserId: actor.telegramUserId,
      });
      return { kind: 'wrong' };
    }
    await this.deps.passwordLimiter.reset(scopes);
    return { kind: 'ok' };
  }

  /** The new password, checked by AUTH's policy and kept only as a server-side argon2 draft. */
  async draftNewPassword(actor: Actor, password: string): Promise<NewPasswordDraft> {
    const row = await this.repo.profile(actor.userId);
    const email = row?.email ?? '';
    return this.deps.auth.draftPassword(password, [email, ...email.split('@')].filter(Boolean));
  }

  /** Whether the second entry matches the draft. */
  confirmNewPassword(draftId: string, password: string): Promise<boolean> {
    return this.deps.auth.confirmDraft(draftId, password);
  }

  /**
   * Applies the confirmed draft: the hash replaces the old one, every OTHER Telegram user of the
   * cabinet is logged out (returned, to be told) and the address gets a notice.
   */
  async applyNewPassword(
    actor: Actor,
    draftId: string,
    locale: Locale,
  ): Promise<{ loggedOut: number[] }> {
    const { loggedOut, email } = await this.deps.db.transaction(async (trx) => {
      const hash = await this.repo.takeDraftHash(draftId, trx);
      if (!hash) throw new Error('password draft expired or unknown');
      const row = await this.repo.profile(actor.userId, trx);
      if (row?.status !== 'active') throw new Error('cabinet is not active');
      // Drafts are hashed with AUTH's options; a stale hash format would be upgraded at login.
      if (argon2.needsRehash(hash, ARGON2_OPTIONS))
        throw new Error('draft hashed with other options');
      await this.repo.update(
        actor.userId,
        { password_hash: hash, password_changed_at: nowIso(this.clock) },
        trx,
      );
      const others = await this.repo.unlinkOthers(actor.userId, actor.telegramUserId, trx);
      await this.deps.audit.record(
        {
          action: 'password-change.done',
          userId: actor.userId,
          telegramUserId: actor.telegramUserId,
          details: { loggedOut: others.length },
        },
        trx,
      );
      return { loggedOut: others, email: row.email };
    });
    if (email) {
      await this.deps.mailer.send({
        to: email,
        subject: this.deps.translate(locale, 'mail-password-changed-subject'),
        text: this.deps.translate(locale, 'mail-password-changed-body'),
      });
    }
    return { loggedOut };
  }

  /** One page (0-based) of the cabinet's logins and security events, newest first. */
  async securityPage(userId: number, page: number): Promise<SecurityPage> {
    const total = await this.repo.countSecurityEvents(userId);
    const pages = Math.max(1, Math.ceil(total / SECURITY_PAGE_SIZE));
    const current = Math.min(Math.max(0, Math.trunc(page)), pages - 1);
    const events = await this.repo.securityEvents(
      userId,
      current * SECURITY_PAGE_SIZE,
      SECURITY_PAGE_SIZE,
    );
    return { events, page: current, pages };
  }

  /**
   * "Log out everywhere": every Telegram user of the cabinet, this one included, is logged out.
   * Returns the others, to be told; the password stays as it is.
   */
  async logoutEverywhere(actor: Actor): Promise<{ others: number[] }> {
    const all = await this.deps.db.transaction(async (trx) => {
      const ids = await this.repo.unlinkAll(actor.userId, trx);
      await this.deps.audit.record(
        {
          action: 'logout.everywhere',
          userId: actor.userId,
          telegramUserId: actor.telegramUserId,
          details: { sessions: ids.length },
        },
        trx,
      );
      return ids;
    });
    return { others: all.filter((id) => id !== actor.telegramUserId) };
  }
}
