import type { PdfDocDefinition } from '../../../core/render-pool/index';
import { auditActionKey } from '../../../core/audit';
import {
  formatConsentVersion,
  formatDateTime,
  formatKwh,
  formatPeriod,
  formatPhone,
  formatZone,
  isTariffZone,
} from '../../../core/format';
import { type Locale, languageName } from '../../../core/i18n';
import { readingStatusText } from '../../readings/views';
import { type PdfSection, reportDocument } from './pdf';
import type { MyData, Plain } from './service';

/** A text of the resident's locale (`ctx.t`). */
type T = (key: string, vars?: Record<string, string | number>) => string;

/**
 * The readable PDF of `/mydata`: the same data as the JSON file, in the resident's language and
 * local time (`timeZone`), as a document definition for the render pool (`RenderPdf`).
 */
export function myDataDocument(
  data: MyData,
  t: T,
  locale: Locale,
  timeZone: string,
): PdfDocDefinition {
  return reportDocument({
    title: t('rights-pdf-title'),
    subtitle: t('rights-pdf-subtitle', {
      operator: data.operator,
      time: timeOf(data.generatedAt, locale, timeZone),
    }),
    author: data.operator,
    generatedAt: new Date(data.generatedAt),
    sections: sections(data, t, locale, timeZone),
  });
}

/** A reading row of the export (`status`, `reject_reason`, `flagged`) as its status's parts. */
export function readingStatusOf(row: Record<string, Plain>) {
  return {
    status: typeof row.status === 'string' ? row.status : '—',
    rejectReason: typeof row.reject_reason === 'string' ? row.reject_reason : null,
    flagged: row.flagged === true,
  };
}

/** An exact decimal string of the export ("5012.600") back to thousandths, without floats. */
function milliOf(value: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(value);
  if (!match) return 0;
  const milli = Number(match[2]) * 1000 + Number((match[3] ?? '').padEnd(3, '0'));
  return match[1] ? -milli : milli;
}

/** An audited event as `/security` names it, never the raw code. */
function actionName(t: T, action: string): string {
  const key = auditActionKey(action);
  const text = t(key);
  return text === key || text === `{${key}}` ? t('security-action-other', { action }) : text;
}

function timeOf(iso: unknown, locale: Locale, timeZone: string): string {
  return typeof iso === 'string' && iso ? formatDateTime(iso, timeZone, locale) : '—';
}

function sections(data: MyData, t: T, locale: Locale, timeZone: string): PdfSection[] {
  const time = (iso: unknown) => timeOf(iso, locale, timeZone);
  const v = (value: Plain | undefined) =>
    value === null || value === undefined ? '—' : String(value);
  const empty = t('rights-pdf-empty');
  const p = data.profile;
  const sections: PdfSection[] = [
    {
      title: t('rights-pdf-profile'),
      kind: 'fields',
      fields: [
        [t('rights-pdf-full-name'), v(p.full_name)],
        [t('rights-pdf-phone'), typeof p.phone === 'string' ? formatPhone(p.phone) : '—'],
        [t('rights-pdf-address'), v(p.address)],
        [t('rights-pdf-email'), v(p.email)],
        // The name alone: the PDF's font has no flag emoji (they print as empty boxes).
        [t('rights-pdf-language'), p.locale ? languageName(String(p.locale), false) : '—'],
        [t('rights-pdf-registered'), time(p.created_at)],
        [t('rights-pdf-password'), t('rights-pdf-password-note')],
      ],
    },
    {
      title: t('rights-pdf-identities'),
      kind: 'rows',
      columns: [t('rights-pdf-telegram-id'), t('rights-pdf-logged-in')],
      rows: data.telegramIdentities.map((r) => [v(r.telegram_user_id), time(r.logged_in_at)]),
      empty,
    },
  ];
  if (data.linkedAccounts) {
    sections.push({
      title: t('rights-pdf-accounts'),
      kind: 'rows',
      columns: [t('rights-pdf-account'), t('rights-pdf-address'), t('rights-pdf-linked')],
      rows: data.linkedAccounts.map((r) => [v(r.number), v(r.address), time(r.linked_at)]),
      empty,
    });
  }
  sections.push({
    title: t('rights-pdf-readings'),
    kind: 'rows',
    columns: [
      t('rights-pdf-account'),
      t('rights-pdf-meter'),
      t('rights-pdf-period'),
      t('rights-pdf-value'),
      t('rights-pdf-reading-status'),
      t('rights-pdf-submitted'),
    ],
    rows: data.readings.map((r) => [
      v(r.account),
      v(r.meter),
      typeof r.period === 'string' ? formatPeriod(r.period, locale) : '—',
      `${isTariffZone(r.zone) ? formatZone(r.zone) : v(r.zone)}: ${typeof r.value === 'string' ? formatKwh(milliOf(r.value)) : '—'}`,
      readingStatusText(t, readingStatusOf(r)),
      time(r.submitted_at),
    ]),
    empty,
  });
  if (data.appeals) {
    // In words, as the appeal's own messages say it: the topic and the status by name, times local.
    sections.push({
      title: t('rights-pdf-appeals'),
      kind: 'rows',
      columns: [
        t('rights-pdf-appeal'),
        t('rights-pdf-appeal-status'),
        t('rights-pdf-appeal-filed'),
        t('rights-pdf-appeal-progress'),
      ],
      rows: data.appeals.map((r) => [
        [
          v(r.number),
          typeof r.topic === 'string' ? t(`appeals-topic-${r.topic}`) : '—',
          r.account ? t('rights-pdf-appeal-account', { account: v(r.account) }) : '',
        ]
          .filter(Boolean)
          .join('\n'),
        typeof r.status === 'string' ? t(`appeals-status-${r.status.replace('_', '-')}`) : '—',
        time(r.created_at),
        [
          r.first_answered_at
            ? t('rights-pdf-appeal-answered', { time: time(r.first_answered_at) })
            : '',
          r.closed_at ? t('rights-pdf-appeal-closed', { time: time(r.closed_at) }) : '',
          !r.first_answered_at && !r.closed_at && r.due_at
            ? t('rights-pdf-appeal-due', { time: time(r.due_at) })
            : '',
        ]
          .filter(Boolean)
          .join('\n'),
      ]),
      empty,
    });
  }
  if (data.appealMessages && data.appealMessages.length > 0) {
    sections.push({
      title: t('rights-pdf-appeal-messages'),
      kind: 'rows',
      columns: [
        t('rights-pdf-appeal'),
        t('rights-pdf-time'),
        t('rights-pdf-author'),
        t('rights-pdf-text'),
      ],
      rows: data.appealMessages.map((r) => [
        v(r.appeal),
        time(r.created_at),
        t(r.author === 'staff' ? 'rights-pdf-author-staff' : 'rights-pdf-author-resident'),
        v(r.text),
      ]),
      empty,
    });
  }
  sections.push(
    {
      title: t('rights-pdf-consents'),
      kind: 'rows',
      columns: [t('rights-pdf-version'), t('rights-pdf-accepted'), t('rights-pdf-withdrawn')],
      rows: data.consents.map((r) => [
        typeof r.version === 'string' ? formatConsentVersion(r.version, locale) : '—',
        time(r.accepted_at),
        time(r.withdrawn_at),
      ]),
      empty,
    },
    {
      title: t('rights-pdf-audit'),
      kind: 'rows',
      columns: [t('rights-pdf-time'), t('rights-pdf-event'), t('rights-pdf-telegram-id')],
      rows: data.audit.map((r) => [
        time(r.at),
        actionName(t, String(r.action)),
        v(r.telegram_user_id),
      ]),
      empty,
    },
  );
  return sections;
}
