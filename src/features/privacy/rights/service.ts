import type { AuditLog } from '../../../core/audit';
import type { Db } from '../../../core/db/index';
import type { Locale } from '../../../core/i18n';
import { localDate } from '../../../core/format';
import { maskHolderName } from '../../accounts/rules';
import type { ConsentService } from '../service';
import { RateLimiter } from '../../../core/rate-limit';
import { RightsRepo } from './repo';
import type { Clock } from '../../../core/clock';

/** A value of the JSON export. */
export type Plain = string | number | boolean | null;

/** Everything held about a person, as the JSON file carries it. */
export interface MyData {
  generatedAt: string;
  operator: string;
  profile: Record<string, Plain>;
  telegramIdentities: Record<string, Plain>[];
  linkedAccounts?: Record<string, Plain>[];
  readings: Record<string, Plain>[];
  appeals?: Record<string, Plain>[];
  /** What was written in those appeals (the resident's words and the staff's answers). */
  appealMessages?: Record<string, Plain>[];
  consents: Record<string, Plain>[];
  audit: Record<string, Plain>[];
}

/** What `/mydata` sends: the data, the JSON file's bytes, and the files' base name. */
export interface MyDataFiles {
  data: MyData;
  json: Buffer;
  baseName: string;
}

/** The outcome of `/mydata`: the files, or a wait (the export is limited per cabinet). */
export type MyDataResult =
  | { kind: 'ready'; files: MyDataFiles }
  /** `retryAt`: when the next export is allowed (UTC ISO). */
  | { kind: 'limited'; retryAt: string };

/** One `/mydata` export per cabinet per minute (a burst of taps makes one export)… */
export const MYDATA_PER_MINUTE = 1;
/** …and at most this many per cabinet per hour (each is a full JSON + PDF). */
export const MYDATA_PER_HOUR = 3;

/** What `/privacy` shows: the consent as shown at registration and the standing acceptance. */
export interface ConsentView {
  text: string;
  version: string;
  acceptedAt: string | null;
}

/** What withdrawal did, told to the resident item by item. */
export interface WithdrawalReport {
  /** The other Telegram users of the cabinet, logged out (to be told). */
  others: number[];
  sessions: number;
  accountsUnlinked: number;
  readingsKept: number;
}

export interface RightsServiceDeps {
  db: Db;
  consents: ConsentService;
  audit: AuditLog;
  operatorName: string;
  timeZone: string;
  clock: Clock;
}

/**
 * The personal-data rights of 152-ФЗ (ст. 14, 9 ч.2, 21 ч.5): read the consent, get what is held
 * about you, withdraw consent. Framework-free, like every service: it returns data (and the JSON
 * file's bytes); the readable PDF is the front end's view of that data.
 */
export class RightsService {
  private readonly repo: RightsRepo;
  private readonly clock: Clock;
  private readonly exportsPerMinute: RateLimiter;
  private readonly exportsPerHour: RateLimiter;

  constructor(private readonly deps: RightsServiceDeps) {
    this.repo = new RightsRepo(deps.db, deps.clock);
    this.clock = deps.clock;
    this.exportsPerMinute = new RateLimiter(deps.db, MYDATA_PER_MINUTE, 60_000, deps.clock);
    this.exportsPerHour = new RateLimiter(deps.db, MYDATA_PER_HOUR, 60 * 60_000, deps.clock);
  }

  /** The consent text exactly as AUTH renders it, with the standing acceptance (if any). */
  async consent(userId: number, locale: Locale): Promise<ConsentView> {
    const current = this.deps.consents.current(locale);
    const standing = await this.repo.standingConsent(userId);
    return {
      text: current.text,
      version: standing?.version ?? current.version,
      acceptedAt: standing?.acceptedAt ?? null,
    };
  }

  /**
   * Gathers everything held about the person. The password is never exported, not even hashed.
   * Account holders are masked as the account card masks them (the holder may be someone else:
   * a family member linking the account does not get more of the holder's name here than there).
   * `locale` is the language this person chose for the bot, which is what the profile's language is.
   */
  async collect(userId: number, locale?: Locale): Promise<MyData> {
    const user = await this.repo.user(userId);
    if (!user) throw new Error('no such cabinet');
    const str = (value: unknown): Plain =>
      value === null || value === undefined ? null : String(value);
    return {
      generatedAt: this.clock().toISOString(),
      operator: this.deps.operatorName,
      profile: {
        email: str(user.email),
        email_verified_at: str(user.email_verified_at),
        full_name: str(user.full_name),
        phone: str(user.phone),
        address: str(user.address),
        locale: locale ?? str(user.locale),
        status: str(user.status),
        created_at: str(user.created_at),
        updated_at: str(user.updated_at),
        password_changed_at: str(user.password_changed_at),
        password: user.password_hash ? 'stored only as an irreversible argon2id hash' : null,
      },
      telegramIdentities: await this.repo.identities(userId),
      linkedAccounts: (await this.repo.linkedAccounts(userId))?.map(({ holder_name, ...rest }) => ({
        ...rest,
        holder_name: typeof holder_name === 'string' ? maskHolderName(holder_name) : null,
      })),
      readings: await this.repo.readings(userId),
      appeals: await this.repo.appeals(userId),
      appealMessages: await this.repo.appealMessages(userId),
      consents: await this.repo.consents(userId),
      audit: await this.repo.audit(userId),
    };
  }

  /**
   * `/mydata`: everything held, as the JSON file's bytes and the files' base name (the resident's
   * local date), each reading's status also in words when `readingStatus` is given. The readable
   * PDF of the same data is rendered by the front end (`views.ts#myDataDocument`, in the render
   * pool). Audited as `privacy.export`.
   *
   * Limited per cabinet (`userId`) with the atomic rate limiter: {@link MYDATA_PER_MINUTE} a
   * minute and {@link MYDATA_PER_HOUR} an hour, so 20 taps at once make one export; the others
   * get `limited` with the moment of the next allowed export.
   */
  async export(
    userId: number,
    telegramUserId: number,
    locale: Locale,
    /**
     * Says each reading's status in the resident's words (`readingStatusText`), written into the
     * JSON beside the stored code as `status_text`: the file is read by people too.
     */
    readingStatus?: (reading: Record<string, Plain>) => string,
  ): Promise<MyDataResult> {
    const scope = [`mydata:user:${userId}`];
    const minute = await this.exportsPerMinute.take(scope);
    const waitUntil = (ms: number) => new Date(this.clock().getTime() + ms).toISOString();
    if (minute.blocked) return { kind: 'limited', retryAt: waitUntil(minute.retryAfterMs) };
    const hour = await this.exportsPerHour.take(scope);
    if (hour.blocked) {
      // Over the hour's limit: this attempt exported nothing, so it keeps no minute's slot.
      await this.exportsPerMinute.release(scope);
      return { kind: 'limited', retryAt: waitUntil(hour.retryAfterMs) };
    }
    const data = await this.collect(userId, locale);
    const forPeople = readingStatus
      ? {
          ...data,
          readings: data.readings.map((r) =>
            Object.fromEntries(
              Object.entries(r).flatMap(([key, value]) =>
                key === 'status'
                  ? [
                      [key, value],
                      ['status_text', readingStatus(r)],
                    ]
                  : [[key, value]],
              ),
            ),
          ),
        }
      : data;
    const json = Buffer.from(`${JSON.stringify(forPeople, null, 2)}\n`, 'utf8');
    await this.deps.audit.record({ action: 'privacy.export', userId, telegramUserId });
    // Named by the resident's local date: at 09:00 in Kamchatka it is still yesterday in UTC.
    const day = localDate(data.generatedAt, this.deps.timeZone);
    return { kind: 'ready', files: { data, json, baseName: `my-data-${day}` } };
  }

  /**
   * An export made by {@link export} could not be delivered because the render pool was busy
   * (`RenderBusyError`): its slots in the per-minute and per-hour limits are given back, so the
   * resident told «try again in a minute» is not refused as `limited` when they do.
   */
  async exportNotDelivered(userId: number): Promise<void> {
    const scope = [`mydata:user:${userId}`];
    await this.exportsPerMinute.release(scope);
    await this.exportsPerHour.release(scope);
  }

  /**
   * Withdraws consent: the profile is anonymised, every Telegram user logged out, accounts
   * unlinked, consents marked withdrawn. Kept without the link to the person: the ledger (it is
   * per account, and accounting law requires it) and the meter readings (supply-contract data).
   * The e-mail is freed, so the same address can register afresh.
   */
  async withdraw(userId: number, telegramUserId: number): Promise<WithdrawalReport> {
    return this.deps.db.transaction(async (trx) => {
      const user = await trx('users').where({ id: userId }).first('status');
      if (user?.status !== 'active') throw new Error('cabinet is not active');
      const done = await this.repo.erase(userId, trx);
      await this.deps.audit.record(
        {
          action: 'consent.withdrawn',
          userId,
          telegramUserId,
          details: {
            sessions: done.loggedOut.length,
            accountsUnlinked: done.accountsUnlinked,
            readingsKept: done.readingsKept,
          },
        },
        trx,
      );
      return {
        others: done.loggedOut.filter((id) => id !== telegramUserId),
        sessions: done.loggedOut.length,
        accountsUnlinked: done.accountsUnlinked,
        readingsKept: done.readingsKept,
      };
    });
  }
}
