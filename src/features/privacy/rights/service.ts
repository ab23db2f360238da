import { type AuditLog, auditActionKey } from '../../../core/audit';
import type { Db } from '../../../core/db/index';
import { type Locale, languageName } from '../../../core/i18n';
import type { Translate } from '../../auth/service';
import {
  formatConsentVersion,
  formatDateTime,
  formatKwh,
  formatPeriod,
  formatPhone,
  formatZone,
  isTariffZone,
  localDate,
} from '../../../core/format';
import { maskHolderName } from '../../accounts/rules';
import type { ConsentService } from '../service';
import type { RenderPdf } from '../../../core/render-pool/index';
import { type PdfSection, reportDocument } from './pdf';
import { RightsRepo } from './repo';
import type { Clock } from '../../../core/clock';

type Plain = string | number | boolean | null;

/** An exact decimal string of the export ("5012.600") back to thousandths, without floats. */
function milliOf(value: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(value);
  if (!match) return 0;
  const milli = Number(match[2]) * 1000 + Number((match[3] ?? '').padEnd(3, '0'));
  return match[1] ? -milli : milli;
}

/** Everything held about a person, as the JSON file carries it. */
export interface MyData {
  generatedAt: string;
  operator: string;
  profile: Record<string, Plain>;
  telegramIdentities: Record<string, Plain>[];
  linkedAccounts?: Record<string, Plain>[];
  readings: Record<string, Plain>[];
  appeals?: Record<string, Plain>[];
  consents: Record<string, Plain>[];
  audit: Record<string, Plain>[];
}

/** The two files of `/mydata`. */
export interface MyDataFiles {
  data: MyData;
  json: Buffer;
  pdf: Buffer;
  baseName: string;
}

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
  translate: Translate;
  operatorName: string;
  timeZone: string;
  clock: Clock;
  /** The app's render pool: the PDF is made off the event loop. */
  renderPdf: RenderPdf;
}

/**
 * The personal-data rights of 152-ФЗ (ст. 14, 9 ч.2, 21 ч.5): read the consent, get what is held
 * about you, withdraw consent. Framework-free, like every service: the files are returned as
 * bytes for any front end to deliver.
 */
export class RightsService {
  private readonly repo: RightsRepo;
  private readonly clock: Clock;

  constructor(private readonly deps: RightsServiceDeps) {
    this.repo = new RightsRepo(deps.db, deps.clock);
    this.clock = deps.clock;
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
      consents: await this.repo.consents(userId),
      audit: await this.repo.audit(userId),
    };
  }

  /** `/mydata`: the JSON file and a readable PDF of the same data, in the resident's language. */
  async export(userId: number, telegramUserId: number, locale: Locale): Promise<MyDataFiles> {
    const data = await this.collect(userId, locale);
    const json = Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
    const pdf = await this.deps.renderPdf(
      reportDocument({
        title: this.t(locale, 'rights-pdf-title'),
        subtitle: this.t(locale, 'rights-pdf-subtitle', {
          operator: this.deps.operatorName,
          time: this.time(data.generatedAt, locale),
        }),
        author: this.deps.operatorName,
        generatedAt: new Date(data.generatedAt),
        sections: this.sections(data, locale),
      }),
    );
    await this.deps.audit.record({ action: 'privacy.export', userId, telegramUserId });
    // Named by the resident's local date: at 09:00 in Kamchatka it is still yesterday in UTC.
    const day = localDate(data.generatedAt, this.deps.timeZone);
    return { data, json, pdf, baseName: `my-data-${day}` };
  }

  private t(locale: Locale, key: string, vars?: Record<string, string | number>): string {
    return this.deps.translate(locale, key, vars);
  }

  /** An audited event as `/security` names it, never the raw code. */
  private actionName(action: string, locale: Locale): string {
    const key = auditActionKey(action);
    const text = this.t(locale, key);
    return text === key || text === `{${key}}`
      ? this.t(locale, 'security-action-other', { action })
      : text;
  }

  private time(iso: unknown, locale: Locale): string {
    return typeof iso === 'string' && iso ? formatDateTime(iso, this.deps.timeZone, locale) : '—';
  }

  private sections(data: MyData, locale: Locale): PdfSection[] {
    const v = (value: Plain | undefined) =>
      value === null || value === undefined ? '—' : String(value);
    const empty = this.t(locale, 'rights-pdf-empty');
    const p = data.profile;
    const sections: PdfSection[] = [
      {
        title: this.t(locale, 'rights-pdf-profile'),
        kind: 'fields',
        fields: [
          [this.t(locale, 'rights-pdf-full-name'), v(p.full_name)],
          [
            this.t(locale, 'rights-pdf-phone'),
            typeof p.phone === 'string' ? formatPhone(p.phone) : '—',
          ],
          [this.t(locale, 'rights-pdf-address'), v(p.address)],
          [this.t(locale, 'rights-pdf-email'), v(p.email)],
          [this.t(locale, 'rights-pdf-language'), p.locale ? languageName(String(p.locale)) : '—'],
          [this.t(locale, 'rights-pdf-registered'), this.time(p.created_at, locale)],
          [this.t(locale, 'rights-pdf-password'), this.t(locale, 'rights-pdf-password-note')],
        ],
      },
      {
        title: this.t(locale, 'rights-pdf-identities'),
        kind: 'rows',
        columns: [this.t(locale, 'rights-pdf-telegram-id'), this.t(locale, 'rights-pdf-logged-in')],
        rows: data.telegramIdentities.map((r) => [
          v(r.telegram_user_id),
          this.time(r.logged_in_at, locale),
        ]),
        empty,
      },
    ];
    if (data.linkedAccounts) {
      sections.push({
        title: this.t(locale, 'rights-pdf-accounts'),
        kind: 'rows',
        columns: [
          this.t(locale, 'rights-pdf-account'),
          this.t(locale, 'rights-pdf-address'),
          this.t(locale, 'rights-pdf-linked'),
        ],
        rows: data.linkedAccounts.map((r) => [
          v(r.number),
          v(r.address),
          this.time(r.linked_at, locale),
        ]),
        empty,
      });
    }
    sections.push({
      title: this.t(locale, 'rights-pdf-readings'),
      kind: 'rows',
      columns: [
        this.t(locale, 'rights-pdf-account'),
        this.t(locale, 'rights-pdf-meter'),
        this.t(locale, 'rights-pdf-period'),
        this.t(locale, 'rights-pdf-value'),
        this.t(locale, 'rights-pdf-submitted'),
      ],
      rows: data.readings.map((r) => [
        v(r.account),
        v(r.meter),
        typeof r.period === 'string' ? formatPeriod(r.period, locale) : '—',
        `${isTariffZone(r.zone) ? formatZone(r.zone) : v(r.zone)}: ${typeof r.value === 'string' ? formatKwh(milliOf(r.value)) : '—'}`,
        this.time(r.submitted_at, locale),
      ]),
      empty,
    });
    if (data.appeals) {
      sections.push({
        title: this.t(locale, 'rights-pdf-appeals'),
        kind: 'rows',
        columns: [this.t(locale, 'rights-pdf-appeal')],
        rows: data.appeals.map((r) => [
          Object.entries(r)
            .filter(([key]) => key !== 'user_id')
            .map(([key, value]) => `${key}: ${v(value)}`)
            .join('\n'),
        ]),
        empty,
      });
    }
    sections.push(
      {
        title: this.t(locale, 'rights-pdf-consents'),
        kind: 'rows',
        columns: [
          this.t(locale, 'rights-pdf-version'),
          this.t(locale, 'rights-pdf-accepted'),
          this.t(locale, 'rights-pdf-withdrawn'),
        ],
        rows: data.consents.map((r) => [
          typeof r.version === 'string' ? formatConsentVersion(r.version, locale) : '—',
          this.time(r.accepted_at, locale),
          this.time(r.withdrawn_at, locale),
        ]),
        empty,
      },
      {
        title: this.t(locale, 'rights-pdf-audit'),
        kind: 'rows',
        columns: [
          this.t(locale, 'rights-pdf-time'),
          this.t(locale, 'rights-pdf-event'),
          this.t(locale, 'rights-pdf-telegram-id'),
        ],
        rows: data.audit.map((r) => [
          this.time(r.at, locale),
          this.actionName(String(r.action), locale),
          v(r.telegram_user_id),
        ]),
        empty,
      },
    );
    return sections;
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
