import { randomBytes, randomInt } from 'node:crypto';
import argon2 from 'argon2';
import type { AuditLog } from '../../core/audit';
import type { Db } from '../../core/db/index';
import { isUniqueViolation, nowIso } from '../../core/db/index';
import type { Locale, Translate } from '../../core/i18n';
import type { Mailer } from '../../core/mail/mailer';
import { RateLimiter } from '../../core/rate-limit';
import type { ConsentService } from '../privacy/service';
import { AuthRepo, type CodePurpose } from './repo';
import {
  CODE_MAX_ATTEMPTS,
  CODE_RESEND_AFTER_MS,
  CODE_TTL_MS,
  codeMatches,
  emailTag,
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_MS,
  REGISTER_MAX_PER_WINDOW,
  REGISTER_WINDOW_MS,
  generateCode,
  hashCode,
  type PasswordPolicy,
  type PasswordVerdict,
} from './rules';
import type { Clock } from '../../core/clock';

/** The cabinet a Telegram user is logged in to, as handlers need it. */
export interface CurrentUser {
  id: number;
  fullName: string | null;
  email: string | null;
}

/** OWASP's argon2id parameters (19 MiB, 2 passes, 1 lane). */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** A password typed once waits this long for its confirmation. */
const DRAFT_TTL_MS = 15 * 60 * 1000;
/**
 * How long a login waits for concurrent attempts on the same address or chat to be checked
 * (argon2: tens of ms each) before answering «busy»: a monotonic wait, not a date.
 */
const LOGIN_BUSY_WAIT_MS = 5_000;
/** A registration left unconfirmed this long may be taken over by a new one for the same e-mail. */
const ABANDONED_PENDING_MS = CODE_TTL_MS;

export type DraftResult = { ok: true; draftId: string } | Extract<PasswordVerdict, { ok: false }>;

/**
 * What the resident is told after registering. Deliberately the same whether the address was
 * new or already had a cabinet (then its owner gets a letter instead of a code): no one can
 * learn from the bot who is registered. `ref` is the pending cabinet, or a decoy (a negative
 * number) that resends and tries exactly like a real code but never matches; null only in
 * conversations stored before decoys existed.
 */
export type RegistrationStarted =
  | { kind: 'sent'; ref: number | null }
  | { kind: 'limited'; retryAfterMs: number };

export type CodeCheck =
  | { kind: 'ok' }
  | { kind: 'wrong'; attemptsLeft: number }
  | { kind: 'expired' }
  | { kind: 'used' }
  | { kind: 'too-many' };

export type ResendResult = { kind: 'sent' } | { kind: 'wait'; retryAfterMs: number };

export type LoginResult =
  | { kind: 'ok'; user: CurrentUser }
  | { kind: 'invalid' }
  | { kind: 'limited'; retryAfterMs: number }
  /** Other attempts for this address or chat are still being checked: try again in a moment. */
  | { kind: 'busy' };

export type RecoveryStarted =
  | { kind: 'sent'; ref: number | null }
  | { kind: 'limited'; retryAfterMs: number };

export interface AuthServiceDeps {
  db: Db;
  mailer: Mailer;
  translate: Translate;
  consents: ConsentService;
  audit: AuditLog;
  loginLimiter: RateLimiter;
  recoveryLimiter: RateLimiter;
  /** Registrations per Telegram user and per address (each one mails the address). */
  registrationLimiter: RateLimiter;
  /** One code letter per {@link CODE_RESEND_AFTER_MS} per code (real or decoy). */
  resendLimiter: RateLimiter;
  /** The tries of decoy codes ({@link CODE_MAX_ATTEMPTS} per {@link CODE_TTL_MS}). */
  decoyLimiter: RateLimiter;
  passwordPolicy: PasswordPolicy;
  clock: Clock;
}

/**
 * The auth limiters with the house limits (login and recovery 5 per 15 min, registration 5 per
 * hour, one code letter a minute, 5 tries of a decoy code), all in the `rate_limits` table.
 */
export function createAuthLimiters(
  db: Db,
  clock: Clock,
): Pick<
  AuthServiceDeps,
  'loginLimiter' | 'recoveryLimiter' | 'registrationLimiter' | 'resendLimiter' | 'decoyLimiter'
> {
  return {
    loginLimiter: new RateLimiter(db, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, clock),
    recoveryLimiter: new RateLimiter(db, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, clock),
    registrationLimiter: new RateLimiter(db, REGISTER_MAX_PER_WINDOW, REGISTER_WINDOW_MS, clock),
    resendLimiter: new RateLimiter(db, 1, CODE_RESEND_AFTER_MS, clock),
    decoyLimiter: new RateLimiter(db, CODE_MAX_ATTEMPTS, CODE_TTL_MS, clock),
  };
}

/**
 * Registration, e-mail confirmation, login, logout and password recovery. Takes plain data and
 * returns plain data: the bot's conversations, a Mini App or a web cabinet call it alike. All
 * rules about who may do what live here, never in handlers.
 */
export class AuthService {
  private readonly repo: AuthRepo;
  private readonly db: Db;
  private readonly clock: Clock;
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AuthServiceDeps) {
    this.db = deps.db;
    this.repo = new AuthRepo(deps.db, deps.clock);
    this.clock = deps.clock;
  }

  /** The Telegram users logged in to a cabinet now: where a notice about it is sent. */
  telegramUsersOf(userId: number): Promise<number[]> {
    return this.repo.telegramUsersOf(userId);
  }

  /** The active cabinet this Telegram user is logged in to, if any. */
  currentUser(telegramUserId: number): Promise<CurrentUser | undefined> {
    return this.repo.activeUserOf(telegramUserId);
  }

  /** Hashes a password the way every stored one is hashed. */
  hashPassword(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /**
   * Checks a new password against the policy and keeps only its argon2 hash, server-side, under
   * a random id: the caller (a conversation whose state is stored) holds the id, never the hash.
   */
  async draftPassword(password: string, userInputs: string[] = []): Promise<DraftResult> {
    const verdict = this.deps.passwordPolicy.check(password, userInputs);
    if (!verdict.ok) return verdict;
    const draftId = randomBytes(24).toString('hex');
    const expires = new Date(this.clock().getTime() + DRAFT_TTL_MS).toISOString();
    await this.repo.insertDraft(draftId, await this.hashPassword(password), expires);
    return { ok: true, draftId };
  }

  /** Whether the second entry matches the draft. */
  async confirmDraft(draftId: string, password: string): Promise<boolean> {
    const hash = await this.repo.draftHash(draftId);
    if (!hash || [...password].length > 128) return false;
    return argon2.verify(hash, password);
  }

  /**
   * Creates a pending cabinet with the drafted password, records the consent, and mails a code.
   * When the address already has a cabinet, its owner is told by mail and nothing is created;
   * the caller's answer is the same. Of two registrations racing for one address, the unique
   * index lets exactly one insert win; the other is treated as "already registered".
   */
  async register(input: {
    email: string;
    draftId: string;
    locale: Locale;
    telegramUserId: number;
  }): Promise<RegistrationStarted> {
    const limit = await this.deps.registrationLimiter.take([
      `register:tg:${input.telegramUserId}`,
      `register:email:${emailTag(input.email)}`,
    ]);
    if (limit.blocked) return { kind: 'limited', retryAfterMs: limit.retryAfterMs };
    const passwordHash = await this.repo.draftHash(input.draftId);
    if (!passwordHash) throw new Error('password draft expired or unknown');
    const existing = await this.repo.userByEmail(input.email);
    if (existing) return this.registerOverExisting(existing.id, input, passwordHash);
    let userId: number;
    try {
      userId = await this.db.transaction(async (trx) => {
        const id = await this.repo.insertUser(
          { email: input.email, passwordHash, locale: input.locale },
          trx,
        );
        await this.deps.consents.accept(
          { userId: id, telegramUserId: input.telegramUserId, locale: input.locale },
          trx,
        );
        await this.repo.deleteDraft(input.draftId, trx);
        return id;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.repo.userByEmail(input.email);
      if (!winner) throw error;
      await this.notifyExisting(input.email, input.locale, input.telegramUserId, winner.id);
      return { kind: 'sent', ref: await this.openDecoy() };
    }
    await this.deps.audit.record({
      action: 'register.started',
      userId,
      telegramUserId: input.telegramUserId,
    });
    await this.sendCode(userId, input.email, 'verify_email', input.locale);
    return { kind: 'sent', ref: userId };
  }

  /**
   * A code ref for an address that gets no code (it has a cabinet, or none to recover): its
   * resend waits and its tries count down exactly like a real code's, and no code ever matches.
   */
  private async openDecoy(): Promise<number> {
    const id = randomInt(1, 2 ** 47);
    await this.deps.decoyLimiter.open(`code-decoy:${id}`);
    await this.deps.resendLimiter.open(`resend:decoy:${id}`, 1);
    return -id;
  }

  private async registerOverExisting(
    userId: number,
    input: { email: string; draftId: string; locale: Locale; telegramUserId: number },
    passwordHash: string,
  ): Promise<RegistrationStarted> {
    const user = await this.repo.userById(userId);
    const abandoned =
      user?.status === 'pending' &&
      this.clock().getTime() - new Date(user.createdAt).getTime() > ABANDONED_PENDING_MS;
    if (!abandoned) {
      await this.notifyExisting(input.email, input.locale, input.telegramUserId, userId);
      return { kind: 'sent', ref: await this.openDecoy() };
    }
    // Nobody confirmed this address in time: whoever can read its mail may start over.
    await this.db.transaction(async (trx) => {
      await this.repo.updateUser(
        userId,
        { password_hash: passwordHash, locale: input.locale },
        trx,
      );
      await trx('users')
        .where({ id: userId })
        .update({ created_at: nowIso(this.clock) });
      await this.deps.consents.accept(
        { userId, telegramUserId: input.telegramUserId, locale: input.locale },
        trx,
      );
      await this.repo.deleteDraft(input.draftId, trx);
    });
    await this.sendCode(userId, input.email, 'verify_email', input.locale);
    return { kind: 'sent', ref: userId };
  }

  private async notifyExisting(
    email: string,
    locale: Locale,
    telegramUserId: number,
    userId: number,
  ): Promise<void> {
    await this.deps.audit.record({ action: 'register.existing-email', userId, telegramUserId });
    await this.deps.mailer.send({
      to: email,
      subject: this.deps.translate(locale, 'mail-register-existing-subject'),
      text: this.deps.translate(locale, 'mail-register-existing-body'),
    });
  }

  /**
   * A new one-time code for `purpose` (CSPRNG, stored only salted and hashed, 10 minutes, single
   * use; unused older codes of the same purpose stop working). Returns the code for the caller to
   * deliver; `checkCode` verifies it. Other features (the e-mail change) use this, not the table.
   */
  async issueCode(userId: number, email: string, purpose: CodePurpose): Promise<string> {
    const code = generateCode();
    const salt = randomBytes(16).toString('hex');
    const expiresAt = new Date(this.clock().getTime() + CODE_TTL_MS).toISOString();
    await this.repo.insertCode({
      purpose,
      userId,
      email,
      codeHash: hashCode(code, salt),
      salt,
      expiresAt,
    });
    // A code just went out: the next «Отправить код ещё раз» waits a minute (every purpose).
    await this.deps.resendLimiter.open(`resend:${purpose}:${userId}`, 1);
    return code;
  }

  /**
   * Takes the «send the code again» slot of a code another feature mails itself (the profile's
   * change of e-mail goes to the new address, with its own letter): the same one-a-minute wait as
   * registration and recovery, taken atomically so a burst of presses passes once.
   * @returns `sent` when the caller may send, or `wait` with milliseconds to wait
   */
  async takeResendSlot(purpose: CodePurpose, userId: number): Promise<ResendResult> {
    const slot = await this.deps.resendLimiter.take([`resend:${purpose}:${userId}`]);
    return slot.blocked ? { kind: 'wait', retryAfterMs: slot.retryAfterMs } : { kind: 'sent' };
  }

  private async sendCode(
    userId: number,
    email: string,
    purpose: CodePurpose,
    locale: Locale,
  ): Promise<void> {
    const code = await this.issueCode(userId, email, purpose);
    const kind = purpose === 'reset_password' ? 'reset' : 'verify';
    await this.deps.mailer.send({
      to: email,
      subject: this.deps.translate(locale, `mail-${kind}-subject`),
      text: this.deps.translate(locale, `mail-${kind}-body`, {
        code,
        minutes: CODE_TTL_MS / 60_000,
      }),
    });
  }

  /**
   * Sends a fresh code, at most once a minute per code: the resend slot is taken atomically, so a
   * burst of presses mails one letter. A decoy ref (negative) waits and "sends" the same way.
   */
  async resendCode(
    ref: number | null,
    purpose: CodePurpose,
    locale: Locale,
  ): Promise<ResendResult> {
    if (ref === null) return { kind: 'sent' };
    const scope = ref < 0 ? `resend:decoy:${-ref}` : `resend:${purpose}:${ref}`;
    const slot = await this.deps.resendLimiter.take([scope]);
    if (slot.blocked) return { kind: 'wait', retryAfterMs: slot.retryAfterMs };
    if (ref < 0) {
      await this.deps.decoyLimiter.open(`code-decoy:${-ref}`);
      return { kind: 'sent' };
    }
    const user = await this.repo.userById(ref);
    if (!user?.email) return { kind: 'sent' };
    await this.sendCode(ref, user.email, purpose, locale);
    return { kind: 'sent' };
  }

  /** A decoy's tries: the same answers, in the same order, as a real code typed wrong. */
  private async checkDecoy(ref: number): Promise<CodeCheck> {
    const scope = `code-decoy:${-ref}`;
    const start = await this.deps.decoyLimiter.windowStart(scope);
    if (!start || new Date(start).getTime() + CODE_TTL_MS <= this.clock().getTime()) {
      return { kind: 'expired' };
    }
    const slot = await this.deps.decoyLimiter.take([scope]);
    if (slot.blocked || slot.remaining <= 0) return { kind: 'too-many' };
    return { kind: 'wrong', attemptsLeft: slot.remaining };
  }

  /**
   * Checks a typed code: single use, 10 minutes, 5 tries. The try is taken atomically before the
   * comparison, so concurrent guesses never get more than 5 comparisons. Consumes it when right.
   */
  async checkCode(ref: number | null, purpose: CodePurpose, code: string): Promise<CodeCheck> {
    if (ref === null) return { kind: 'wrong', attemptsLeft: CODE_MAX_ATTEMPTS - 1 };
    if (ref < 0) return this.checkDecoy(ref);
    const row = await this.repo.latestCode(ref, purpose);
    if (!row) return { kind: 'expired' };
    const tries = await this.repo.takeCodeAttempt(row.id, CODE_MAX_ATTEMPTS, nowIso(this.clock));
    if (tries === undefined) {
      const now = await this.repo.latestCode(ref, purpose);
      if (!now || now.id !== row.id) return { kind: 'expired' };
      if (now.consumedAt !== null) return { kind: 'used' };
      if (new Date(now.expiresAt).getTime() <= this.clock().getTime()) return { kind: 'expired' };
      return { kind: 'too-many' };
    }
    if (!codeMatches(code, row.salt, row.codeHash)) {
      const left = CODE_MAX_ATTEMPTS - tries;
      return left > 0 ? { kind: 'wrong', attemptsLeft: left } : { kind: 'too-many' };
    }
    return (await this.repo.consumeCode(row.id)) ? { kind: 'ok' } : { kind: 'used' };
  }

  /** The code was right: the cabinet becomes active and this Telegram user is logged in. */
  async confirmEmail(input: {
    ref: number | null;
    code: string;
    telegramUserId: number;
  }): Promise<CodeCheck> {
    const check = await this.checkCode(input.ref, 'verify_email', input.code);
    if (check.kind !== 'ok' || input.ref === null || input.ref < 0) return check;
    const userId = input.ref;
    await this.db.transaction(async (trx) => {
      const now = nowIso(this.clock);
      await this.repo.updateUser(userId, { status: 'active', email_verified_at: now }, trx);
      await this.repo.linkIdentity(input.telegramUserId, userId, trx);
      await this.deps.audit.record(
        { action: 'register.confirmed', userId, telegramUserId: input.telegramUserId },
        trx,
      );
    });
    return check;
  }

  private loginScopes(email: string, telegramUserId: number): string[] {
    return [`login:tg:${telegramUserId}`, `login:email:${emailTag(email)}`];
  }

  /**
   * Logs in with e-mail and password. Unknown addresses cost the same argon2 work as known ones
   * and get the same answer; failures count per address and per Telegram user.
   */
  async login(input: {
    email: string;
    password: string;
    telegramUserId: number;
  }): Promise<LoginResult> {
    const scopes = this.loginScopes(input.email, input.telegramUserId);
    // The slot is taken before the password is checked, so a burst gets at most the limit; it
    // is in flight until the verdict, and a success gives it back.
    const limit = await this.takeLoginSlot(scopes);
    if (limit.blocked) {
      await this.deps.audit.record({
        action: 'login.limited',
        telegramUserId: input.telegramUserId,
        details: { email: emailTag(input.email), ...(limit.busy ? { busy: true } : {}) },
      });
      return limit.busy ? { kind: 'busy' } : { kind: 'limited', retryAfterMs: limit.retryAfterMs };
    }
    let settled = false;
    try {
      const user = await this.repo.userByEmail(input.email);
      const tooLong = [...input.password].length > 128;
      let ok = false;
      if (user?.status === 'active' && user.passwordHash && !tooLong) {
        ok = await argon2.verify(user.passwordHash, input.password);
      } else {
        await argon2.verify(await this.dummy(), tooLong ? 'x' : input.password);
      }
      if (!ok || !user) {
        await this.deps.loginLimiter.settle(scopes, 'failed');
        settled = true;
        await this.deps.audit.record({
          action: 'login.failed',
          userId: user?.id ?? null,
          telegramUserId: input.telegramUserId,
          details: user ? undefined : { email: emailTag(input.email) },
        });
        return { kind: 'invalid' };
      }
      if (user.passwordHash && argon2.needsRehash(user.passwordHash, ARGON2_OPTIONS)) {
        await this.repo.updateUser(user.id, {
          password_hash: await this.hashPassword(input.password),
        });
      }
      // The right password: the failures of this address and chat are forgotten.
      await this.deps.loginLimiter.reset(scopes);
      settled = true;
      await this.repo.linkIdentity(input.telegramUserId, user.id);
      await this.deps.audit.record({
        action: 'login.ok',
        userId: user.id,
        telegramUserId: input.telegramUserId,
      });
      return { kind: 'ok', user: { id: user.id, fullName: user.fullName, email: user.email } };
    } finally {
      // A storage error mid-check is not the person's failure.
      if (!settled) await this.deps.loginLimiter.settle(scopes, 'succeeded').catch(() => {});
    }
  }

  /**
   * A login slot; when the window is full only because other attempts are still being checked
   * (two correct logins at once, a double tap), waits for their verdicts — a success frees the
   * scopes — for up to {@link LOGIN_BUSY_WAIT_MS}, then says busy rather than «too many failed».
   */
  private async takeLoginSlot(scopes: string[]) {
    const deadline = performance.now() + LOGIN_BUSY_WAIT_MS;
    for (;;) {
      const slot = await this.deps.loginLimiter.attempt(scopes);
      if (!slot.blocked || !slot.busy || performance.now() >= deadline) return slot;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }

  /** Logs this Telegram user out; the cabinet and other family members stay logged in. */
  async logout(telegramUserId: number): Promise<boolean> {
    const userId = await this.repo.unlinkIdentity(telegramUserId);
    if (userId === undefined) return false;
    await this.deps.audit.record({ action: 'logout', userId, telegramUserId });
    return true;
  }

  /**
   * "Forgot password": mails a reset code when the address has an active cabinet; the answer is
   * the same either way. Limited per address and per Telegram user (codes cost mail).
   */
  async startRecovery(input: {
    email: string;
    telegramUserId: number;
    locale: Locale;
  }): Promise<RecoveryStarted> {
    const scopes = [`recover:tg:${input.telegramUserId}`, `recover:email:${emailTag(input.email)}`];
    const limit = await this.deps.recoveryLimiter.take(scopes);
    if (limit.blocked) return { kind: 'limited', retryAfterMs: limit.retryAfterMs };
    const user = await this.repo.userByEmail(input.email);
    await this.deps.audit.record({
      action: 'recovery.requested',
      userId: user?.id ?? null,
      telegramUserId: input.telegramUserId,
    });
    if (user?.status !== 'active' || !user.email)
      return { kind: 'sent', ref: await this.openDecoy() };
    await this.sendCode(user.id, user.email, 'reset_password', input.locale);
    return { kind: 'sent', ref: user.id };
  }

  /**
   * Sets the new password after a right reset code (`checkCode` consumed it): every other
   * Telegram user of the cabinet is logged out (returned, to be told), this one logged in,
   * and the address's owner gets a notice.
   */
  async completeRecovery(input: {
    ref: number;
    draftId: string;
    telegramUserId: number;
    locale: Locale;
  }): Promise<{ loggedOut: number[] }> {
    const passwordHash = await this.repo.draftHash(input.draftId);
    if (!passwordHash) throw new Error('password draft expired or unknown');
    const user = await this.repo.userById(input.ref);
    if (!user?.email || user.status !== 'active') throw new Error('cabinet is not active');
    const loggedOut = await this.db.transaction(async (trx) => {
      const now = nowIso(this.clock);
      await this.repo.updateUser(
        input.ref,
        { password_hash: passwordHash, password_changed_at: now },
        trx,
      );
      const others = await this.repo.unlinkOthers(input.ref, input.telegramUserId, trx);
      await this.repo.linkIdentity(input.telegramUserId, input.ref, trx);
      await this.repo.deleteDraft(input.draftId, trx);
      await this.deps.audit.record(
        {
          action: 'recovery.completed',
          userId: input.ref,
          telegramUserId: input.telegramUserId,
          details: { loggedOut: others.length },
        },
        trx,
      );
      return others;
    });
    await this.deps.loginLimiter.reset([`login:email:${emailTag(user.email)}`]);
    await this.deps.mailer.send({
      to: user.email,
      subject: this.deps.translate(input.locale, 'mail-password-changed-subject'),
      text: this.deps.translate(input.locale, 'mail-password-changed-body'),
    });
    return { loggedOut };
  }
}
