import type { AuditAction, AuditLog } from '../../core/audit';
import type { Db } from '../../core/db/index';
import { nowIso } from '../../core/db/index';
import { localDate } from '../../core/format';
import type { Outbox, OutboxMessage } from '../../core/outbox/outbox';
import type { RateLimiter } from '../../core/rate-limit';
import { type AccountRow, AccountsRepo } from './repo';
import {
  type LinkProofPolicy,
  maskHolderName,
  normalizeAccountNumber,
  parseAmountKopecks,
  proofIsExample,
  serialMatches,
  type VerificationState,
  verificationState,
} from './rules';
import type { Clock } from '../../core/clock';

export interface AccountsServiceDeps {
  db: Db;
  audit: AuditLog;
  /** Failed attempts per cabinet and per Telegram user (5 an hour). */
  userLimiter: RateLimiter;
  /** Failed attempts per account number, whoever tries (10 an hour). */
  accountLimiter: RateLimiter;
  /**
   * Notices to the other residents of an account go through the durable outbox, as message keys
   * with their variables (rendered in each recipient's language when sent).
   */
  outbox: Outbox;
  proofPolicy: LinkProofPolicy;
  timeZone: string;
  operatorPhone: string;
  clock: Clock;
}

/** A linked account as lists show it. */
export interface LinkedAccount {
  id: number;
  number: string;
  address: string;
  holder: string;
  isCurrent: boolean;
}

/** What the other holders of a just-linked account are told: a message key and its variables. */
export interface LinkNotice {
  key: string;
  vars: Record<string, string | number>;
}

export type LinkResult =
  /** `notice`: what each of the `othersNotified` co-holders is told (queued with the link). */
  | { kind: 'linked'; account: LinkedAccount; othersNotified: number; notice: LinkNotice }
  | { kind: 'already-linked'; account: LinkedAccount }
  /** The number is not a number at all: said at once, no attempt counted, nothing revealed. */
  | { kind: 'bad-number' }
  /**
   * Wrong number or wrong proof: deliberately one answer for both, so nobody learns which
   * accounts exist. `retryAfterMs` is set when this failure used up the last attempt.
   */
  | { kind: 'invalid'; retryAfterMs?: number }
  | { kind: 'limited'; retryAfterMs: number }
  /** Other attempts (a double tap) are still being checked and did not settle in time. */
  | { kind: 'busy' };

/** One meter on the account card. */
export interface MeterCard {
  serial: string;
  model: string | null;
  zones: number;
  digits: number;
  automated: boolean;
  verifiedUntil: string | null;
  verification: VerificationState;
  /** Last counted reading per zone, zones in T1, T2, T3 order; `date` is local (`YYYY-MM-DD`). */
  lastReadings: { zone: string; valueMilli: number; period: string; date: string }[];
}

/** Everything the account card shows. */
export interface AccountCard {
  id: number;
  number: string;
  holder: string;
  address: string;
  tariffPlan: string;
  status: string;
  isCurrent: boolean;
  meters: MeterCard[];
  /** Positive: debt; negative: advance. */
  balanceKopecks: number;
}

const NOTICE_KIND = 'account-linked';
/** How long a link attempt waits for concurrent ones (a double tap) to be checked (monotonic). */
const LINK_BUSY_WAIT_MS = 5_000;

/**
 * Personal accounts of a cabinet: linking with proof of ownership, the list, the current
 * account, unlinking, the account card. Every method taking an account id re-checks that the
 * account is linked to the cabinet: ids come from `callback_data`, which any client can forge.
 */
export class AccountsService {
  private readonly repo: AccountsRepo;
  private readonly clock: Clock;

  constructor(private readonly deps: AccountsServiceDeps) {
    this.repo = new AccountsRepo(deps.db);
    this.clock = deps.clock;
  }

  /** Which proofs the resident will be asked for. */
  get proofPolicy(): LinkProofPolicy {
    return this.deps.proofPolicy;
  }

  /**
   * Links an account after checking the proof. Attempts are limited per cabinet, per Telegram
   * user and per account number; every attempt is audited (never with the proof typed). On
   * success the account becomes current and the others who hold it are told through the outbox.
   */
  async linkAccount(
    userId: number,
    telegramUserId: number,
    input: { number: string; proof: string },
  ): Promise<LinkResult> {
    const number = normalizeAccountNumber(input.number);
    if (!number) return { kind: 'bad-number' };
    const userScopes = [`account-link:user:${userId}`, `account-link:tg:${telegramUserId}`];
    const numberScopes = [`account-link:number:${number}`];
    const audit = (action: AuditAction, subject: string | null, details?: Record<string, string>) =>
      this.deps.audit.record({
        action,
        userId,
        telegramUserId,
        subject,
        details: { proofPolicy: this.deps.proofPolicy, ...details },
      });

    // Slots are taken before the proof is checked, so a burst gets at most the limit; they are
    // in flight until the verdict, and a proven link gives them back.
    const slot = await this.takeSlots(userScopes, numberScopes);
    if (slot.blocked) {
      await audit('account.link.limited', null, slot.busy ? { busy: 'yes' } : undefined);
      return slot.busy ? { kind: 'busy' } : { kind: 'limited', retryAfterMs: slot.retryAfterMs };
    }
    try {
      return await this.linkChecked(userId, telegramUserId, number, input.proof, audit, {
        userScopes,
        numberScopes,
      });
    } catch (error) {
      // A storage error is not the person's failure.
      await this.settleSlots(userScopes, numberScopes, 'succeeded').catch(() => {});
      throw error;
    }
  }

  private async linkChecked(
    userId: number,
    telegramUserId: number,
    number: string,
    proof: string,
    audit: (
      action: AuditAction,
      subject: string | null,
      details?: Record<string, string>,
    ) => Promise<void>,
    scopes: { userScopes: string[]; numberScopes: string[] },
  ): Promise<LinkResult> {
    const { userScopes, numberScopes } = scopes;
    const input = { proof };

    const account = await this.repo.accountByNumber(number);
    const proven = account ? await this.proofHolds(account.id, input.proof) : false;
    if (!account || !proven) {
      await this.settleSlots(userScopes, numberScopes, 'failed');
      await audit('account.link.failed', account ? String(account.id) : null, {
        reason: account ? 'wrong-proof' : 'unknown-number',
      });
      const nowBlocked = await this.firstBlock(userScopes, numberScopes);
      return nowBlocked ? { kind: 'invalid', retryAfterMs: nowBlocked } : { kind: 'invalid' };
    }

    // A proven link is not a failure: its slots are given back.
    await this.settleSlots(userScopes, numberScopes, 'succeeded');
    const recipients = await this.repo.otherHoldersTelegramIds(account.id, userId);
    const notice: LinkNotice = {
      key: 'accounts-notice-linked',
      vars: { number: account.number, phone: this.deps.operatorPhone },
    };
    const notices: OutboxMessage[] = recipients.map((chatId) => ({
      chatId,
      kind: NOTICE_KIND,
      payload: { textKey: notice.key, vars: notice.vars },
    }));

    const at = nowIso(this.clock);
    const linkId = await this.deps.db.transaction(async (trx) => {
      const id = await this.repo.insertLink(trx, userId, account.id, at);
      if (id === undefined) return undefined;
      await this.repo.setCurrentAccount(telegramUserId, userId, account.id, trx);
      if (notices.length > 0) {
        await this.deps.outbox.enqueue(
          notices.map((n) => ({ ...n, dedupeKey: `${NOTICE_KIND}:${id}:${n.chatId}` })),
          { trx },
        );
      }
      await this.deps.audit.record(
        {
          action: 'account.link.ok',
          userId,
          telegramUserId,
          subject: String(account.id),
          details: { proofPolicy: this.deps.proofPolicy, othersNotified: notices.length },
        },
        trx,
      );
      return id;
    });
    const linked = this.toLinked(account, true);
    if (linkId === undefined) return { kind: 'already-linked', account: linked };
    return { kind: 'linked', account: linked, othersNotified: notices.length, notice };
  }

  /** The cabinet's accounts, the Telegram user's current one marked. */
  async listAccounts(userId: number, telegramUserId?: number): Promise<LinkedAccount[]> {
    const rows = await this.repo.linkedAccounts(userId);
    const currentId =
      telegramUserId === undefined ? null : await this.resolveCurrentId(telegramUserId, rows);
    return rows.map((row) => this.toLinked(row, row.id === currentId));
  }

  /**
   * The account the Telegram user works with: the one picked, or (none picked, or unlinked
   * since) the first linked. Undefined when the cabinet has no accounts.
   */
  async currentAccount(telegramUserId: number, userId: number): Promise<LinkedAccount | undefined> {
    const rows = await this.repo.linkedAccounts(userId);
    const currentId = await this.resolveCurrentId(telegramUserId, rows);
    const row = rows.find((r) => r.id === currentId);
    return row ? this.toLinked(row, true) : undefined;
  }

  /** Makes a linked account current for this Telegram user; false (and audited) if not linked. */
  async setCurrent(telegramUserId: number, userId: number, accountId: number): Promise<boolean> {
    if (!(await this.ensureLinked(userId, accountId, telegramUserId))) return false;
    await this.repo.setCurrentAccount(telegramUserId, userId, accountId);
    return true;
  }

  /** Unlinks an account from the cabinet; false (and audited) if it was not linked. */
  async unlink(userId: number, accountId: number, telegramUserId?: number): Promise<boolean> {
    if (!(await this.ensureLinked(userId, accountId, telegramUserId))) return false;
    const deleted = await this.repo.deleteLink(userId, accountId);
    if (deleted) {
      await this.deps.audit.record({
        action: 'account.unlink',
        userId,
        telegramUserId: telegramUserId ?? null,
        subject: String(accountId),
      });
    }
    return deleted;
  }

  /** A linked account's number (for confirmations); undefined (and audited) if not linked. */
  async linkedAccount(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<LinkedAccount | undefined> {
    const row = await this.repo.linkedAccount(userId, accountId);
    if (!row) {
      await this.denied(userId, accountId, telegramUserId);
      return undefined;
    }
    const current = await this.currentIdFor(userId, telegramUserId);
    return this.toLinked(row, current === accountId);
  }

  /**
   * The payer as printed on the receipt and in the payment QR (ЕПД, Приказ Минстроя №43/пр):
   * the holder's full name and the address. Undefined (and audited) if not linked.
   */
  async payerDetails(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<{ number: string; holderName: string; address: string } | undefined> {
    const row = await this.repo.linkedAccount(userId, accountId);
    if (!row) {
      await this.denied(userId, accountId, telegramUserId);
      return undefined;
    }
    return { number: row.number, holderName: row.holderName, address: row.address };
  }

  /**
   * An account's number by id, with no ownership check: only for notices about an account the
   * caller already holds a record of (a payment that arrived after the account was unlinked).
   */
  accountNumberById(accountId: number): Promise<string | undefined> {
    return this.repo.accountNumberById(accountId);
  }

  /**
   * The active cabinets holding an account and their Telegram users, with no ownership check:
   * for notices the operator sends to every holder (the monthly receipt).
   */
  holdersOf(accountId: number): Promise<{ userId: number; telegramUserId: number }[]> {
    return this.repo.holders(accountId);
  }

  /** The account card; undefined (and audited) if the account is not linked to the cabinet. */
  async accountCard(
    userId: number,
    accountId: number,
    telegramUserId?: number,
  ): Promise<AccountCard | undefined> {
    const row = await this.repo.linkedAccount(userId, accountId);
    if (!row) {
      await this.denied(userId, accountId, telegramUserId);
      return undefined;
    }
    const current = await this.currentIdFor(userId, telegramUserId);
    const meters = await this.repo.meters(accountId);
    const readings = await this.repo.lastReadings(meters.map((m) => m.id));
    const today = localDate(this.clock(), this.deps.timeZone);
    return {
      id: row.id,
      number: row.number,
      holder: maskHolderName(row.holderName),
      address: row.address,
      tariffPlan: row.tariffPlan,
      status: row.status,
      isCurrent: current === accountId,
      meters: meters.map((meter) => ({
        serial: meter.serial,
        model: meter.model,
        zones: meter.zones,
        digits: meter.digits,
        automated: meter.automated,
        verifiedUntil: meter.verifiedUntil,
        verification: verificationState(meter.verifiedUntil, today),
        lastReadings: readings
          .filter((r) => r.meterId === meter.id)
          .sort((a, b) => a.zone.localeCompare(b.zone))
          .map((r) => ({
            zone: r.zone,
            valueMilli: r.valueMilli,
            period: r.period,
            date: localDate(r.submittedAt, this.deps.timeZone),
          })),
      })),
      balanceKopecks: await this.repo.balance(accountId),
    };
  }

  /**
   * Whether the account is linked to the cabinet — for other features (balance, readings) to
   * call before they show anything. A refusal is audited: it is what a forged button looks like.
   */
  async ensureLinked(userId: number, accountId: number, telegramUserId?: number): Promise<boolean> {
    if (await this.repo.isLinked(userId, accountId)) return true;
    await this.denied(userId, accountId, telegramUserId);
    return false;
  }

  private async denied(userId: number, accountId: number, telegramUserId?: number): Promise<void> {
    await this.deps.audit.record({
      action: 'account.access.denied',
      userId,
      telegramUserId: telegramUserId ?? null,
      subject: String(accountId),
    });
  }

  private async currentIdFor(userId: number, telegramUserId?: number): Promise<number | null> {
    if (telegramUserId === undefined) return null;
    return this.resolveCurrentId(telegramUserId, await this.repo.linkedAccounts(userId));
  }

  private async resolveCurrentId(
    telegramUserId: number,
    rows: readonly AccountRow[],
  ): Promise<number | null> {
    const picked = await this.repo.currentAccountId(telegramUserId);
    if (picked !== null && rows.some((r) => r.id === picked)) return picked;
    return rows[0]?.id ?? null;
  }

  private async proofHolds(accountId: number, proof: string): Promise<boolean> {
    const policy = this.deps.proofPolicy;
    if (proofIsExample(proof)) return false;
    if (policy !== 'last-charge') {
      const serials = await this.repo.activeSerials(accountId);
      if (serials.some((serial) => serialMatches(proof, serial))) return true;
    }
    if (policy !== 'meter-serial') {
      const amount = parseAmountKopecks(proof);
      if (amount !== undefined && amount > 0) {
        const last = await this.repo.lastChargeTotal(accountId);
        if (last !== undefined && last === amount) return true;
      }
    }
    return false;
  }

  /** Takes a slot per cabinet/Telegram user and per number, both or neither; the wait, or 0. */
  /**
   * A slot in every scope, all or none. When a window is full only of attempts still being
   * checked (a double tap with the right proof), waits up to {@link LINK_BUSY_WAIT_MS} for their
   * verdicts — a proven link frees its slots — and then says busy, not «too many attempts».
   */
  private async takeSlots(
    userScopes: string[],
    numberScopes: string[],
  ): Promise<{ blocked: false } | { blocked: true; retryAfterMs: number; busy: boolean }> {
    const deadline = performance.now() + LINK_BUSY_WAIT_MS;
    for (;;) {
      const user = await this.deps.userLimiter.attempt(userScopes);
      let refused = user;
      if (!user.blocked) {
        const account = await this.deps.accountLimiter.attempt(numberScopes);
        if (!account.blocked) return { blocked: false };
        await this.deps.userLimiter.settle(userScopes, 'succeeded');
        refused = account;
      }
      if (!refused.blocked) return { blocked: false };
      if (!refused.busy || performance.now() >= deadline) return refused;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async settleSlots(
    userScopes: string[],
    numberScopes: string[],
    outcome: 'failed' | 'succeeded',
  ): Promise<void> {
    await this.deps.userLimiter.settle(userScopes, outcome);
    await this.deps.accountLimiter.settle(numberScopes, outcome);
  }

  /** The longest wait any scope imposes, or 0. */
  private async firstBlock(userScopes: string[], numberScopes: string[]): Promise<number> {
    const [user, account] = await Promise.all([
      this.deps.userLimiter.check(userScopes),
      this.deps.accountLimiter.check(numberScopes),
    ]);
    return Math.max(
      user.blocked ? user.retryAfterMs : 0,
      account.blocked ? account.retryAfterMs : 0,
    );
  }

  private toLinked(row: AccountRow, isCurrent: boolean): LinkedAccount {
    return {
      id: row.id,
      number: row.number,
      address: row.address,
      holder: maskHolderName(row.holderName),
      isCurrent,
    };
  }
}
