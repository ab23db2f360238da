/**
 * Payment rules: amounts typed by residents, the provider's limits, the invoice texts' limits,
 * the ГОСТ Р 56042-2014 payment QR payload and the 54-ФЗ receipt data for the acquirer. Pure.
 */
import { cleanTypedNumber } from '../../core/typed-number';

/** Why a typed amount was not taken; each has its own polite message. */
export type AmountProblem = 'format' | 'zero' | 'negative' | 'below-min' | 'above-max';

export type AmountResult = { ok: true; kopecks: number } | { ok: false; problem: AmountProblem };

/** The provider's limits for RUB, in kopecks (configuration: the acquirer's and Telegram's). */
export interface AmountLimits {
  minKopecks: number;
  maxKopecks: number;
}

// Thousands grouped by a space (also the no-break and narrow no-break spaces phones insert), or
// plain digits; a comma or a point before at most two kopeck digits.
const AMOUNT = /^(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d{1,2}))?$/;
const CURRENCY_SUFFIX = /\s*(?:₽|руб\.?|р\.|rub)$/i;

/**
 * Parses an amount of rubles as residents type it — "1 234,56", "1234.56", "1 234", "500 ₽" — into
 * kopecks. "1.234.56", "1,234.56", "abc" are `format`; "-5" is `negative`; "0" and "0,00" are
 * `zero`. Limits are checked separately ({@link checkAmount}).
 */
export function parseAmount(input: string): AmountResult {
  const text = cleanTypedNumber(input).replace(CURRENCY_SUFFIX, '').trim();
  if (/^[-−–]\s*\d/.test(text)) return { ok: false, problem: 'negative' };
  const match = AMOUNT.exec(text);
  if (!match) return { ok: false, problem: 'format' };
  const rubles = Number((match[1] ?? '').replace(/\D/g, ''));
  const kopecks = Number((match[2] ?? '').padEnd(2, '0'));
  const total = rubles * 100 + kopecks;
  if (!Number.isSafeInteger(total)) return { ok: false, problem: 'above-max' };
  if (total === 0) return { ok: false, problem: 'zero' };
  return { ok: true, kopecks: total };
}

/** Whether `kopecks` may be paid through the provider (both limits inclusive). */
export function checkAmount(kopecks: number, limits: AmountLimits): AmountResult {
  if (!Number.isInteger(kopecks)) return { ok: false, problem: 'format' };
  if (kopecks < 0) return { ok: false, problem: 'negative' };
  if (kopecks === 0) return { ok: false, problem: 'zero' };
  if (kopecks < limits.minKopecks) return { ok: false, problem: 'below-min' };
  if (kopecks > limits.maxKopecks) return { ok: false, problem: 'above-max' };
  return { ok: true, kopecks };
}

/** {@link parseAmount} then {@link checkAmount}. */
export function parsePayableAmount(input: string, limits: AmountLimits): AmountResult {
  const parsed = parseAmount(input);
  return parsed.ok ? checkAmount(parsed.kopecks, limits) : parsed;
}

/** Telegram's limits for `sendInvoice` (Bot API): title 1–32 chars, description 1–255. */
export const INVOICE_TITLE_MAX = 32;
export const INVOICE_DESCRIPTION_MAX = 255;

/** Cuts a text to `max` characters (code points), with an ellipsis when it was longer. */
export function fitText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** `YYYY-MM` → `MMYYYY`, the ГОСТ Р 56042-2014 `PaymPeriod` form. */
export function gostPeriod(period: string): string {
  const [year, month] = period.split('-');
  return `${month}${year}`;
}

/** The payee's requisites (configuration): the five required QR fields, ИНН and КПП. */
export interface QrPayee {
  name: string;
  personalAcc: string;
  bankName: string;
  bic: string;
  correspAcc: string;
  payeeInn: string;
  kpp: string;
}

/** What is paid: for whom and how much. */
export interface QrPayment {
  /** лицевой счёт. */
  persAcc: string;
  /** Kopecks; omitted when nothing is due (the bank app asks the payer). */
  sumKopecks?: number;
  purpose: string;
  /**
   * A shorter purpose to fall back on when `purpose` does not fit whole (e.g. «Л/с 4100123456»
   * for «Л/с 4100123456 за 11.2026»: the month is in `PaymPeriod` anyway).
   */
  purposeShort?: string;
  /** `YYYY-MM`. */
  period?: string;
  /** Payer details banks read for housing and utility payments (optional; dropped first). */
  payerAddress?: string;
  lastName?: string;
  firstName?: string;
  middleName?: string;
}

/**
 * The payload's byte budget. ГОСТ Р 56042-2014 caps the payment data at 300 bytes, so a bank app
 * can read the code at the size printed on a receipt; UTF-8 Cyrillic takes two bytes a letter.
 */
export const QR_MAX_BYTES = 300;

/** The ГОСТ Р 56042-2014 service header: format `ST`, version `0001`, encoding `2` = UTF-8. */
export const QR_HEADER = 'ST00012';

/**
 * A value made safe for the `|`-separated payload: the separator cannot appear inside a value
 * (ГОСТ Р 56042-2014, 6.2), so `|` becomes `/`; line breaks become spaces.
 */
export function qrValue(value: string): string {
  return value
    .replace(/\|/g, '/')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * The payment QR payload (ГОСТ Р 56042-2014): `ST00012`, then the required `Name`, `PersonalAcc`,
 * `BankName`, `BIC`, `CorrespAcc` in this order, then `PayeeINN`, `KPP`, `PersAcc`, `Sum` (kopecks),
 * `Purpose`, `PaymPeriod` (MMYYYY), `TechCode=02` (housing and utilities), then the payer's
 * `LastName`, `FirstName`, `MiddleName`, `PayerAddress`.
 *
 * Kept within `maxBytes` (default {@link QR_MAX_BYTES}), counted in UTF-8 bytes (the header's
 * code set `2`: a Cyrillic letter is 2 bytes): the payer's address and names are dropped first
 * (address, then middle, first and last name), then the purpose falls back to `purposeShort` and
 * is cut by whole words, then left out.
 * The payee's requisites, the account, the sum, the period and TechCode are never cut: when they
 * alone exceed the budget (a long operator name in Cyrillic), the code is a little larger and
 * {@link qrPayeeOverBudget} reports it at start.
 */
export function gostQrPayload(
  payee: QrPayee,
  payment: QrPayment,
  /** The byte budget: the ГОСТ's 300 by default; configuration may allow more for modern apps. */
  maxBytes: number = QR_MAX_BYTES,
): string {
  const required: [string, string][] = [
    ['Name', payee.name],
    ['PersonalAcc', payee.personalAcc],
    ['BankName', payee.bankName],
    ['BIC', payee.bic],
    ['CorrespAcc', payee.correspAcc],
    ['PayeeINN', payee.payeeInn],
    ['KPP', payee.kpp],
    ['PersAcc', payment.persAcc],
  ];
  if (payment.sumKopecks !== undefined && payment.sumKopecks > 0)
    required.push(['Sum', String(payment.sumKopecks)]);
  const tail: [string, string][] = [];
  if (payment.period) tail.push(['PaymPeriod', gostPeriod(payment.period)]);
  tail.push(['TechCode', '02']);
  const optional: [string, string | undefined][] = [
    ['LastName', payment.lastName],
    ['FirstName', payment.firstName],
    ['MiddleName', payment.middleName],
    ['PayerAddress', payment.payerAddress],
  ];
  let extras = optional.filter((f): f is [string, string] => Boolean(f[1] && qrValue(f[1])));
  let purpose = qrValue(payment.purpose);

  let includePurpose = true;
  const build = () =>
    [
      QR_HEADER,
      ...[...required, ...(includePurpose ? [['Purpose', purpose]] : []), ...tail, ...extras].map(
        field,
      ),
    ].join('|');
  const field = ([key, value]: [string, string] | string[]) => `${key}=${qrValue(value ?? '')}`;
  const fits = () => Buffer.byteLength(build(), 'utf8') <= maxBytes;

  // Drop order: the address (the longest), then middle, first and last name, then the purpose
  // is shortened and, as a last resort, left out. What routes the money is never cut.
  for (const drop of ['PayerAddress', 'MiddleName', 'FirstName', 'LastName']) {
    if (fits()) break;
    extras = extras.filter(([key]) => key !== drop);
  }
  // A purpose is cut by whole words, never inside a number or a date («за 11.» reads as nonsense):
  // the short form first, then words off the end.
  if (!fits() && payment.purposeShort && qrValue(payment.purposeShort))
    purpose = qrValue(payment.purposeShort);
  while (!fits() && purpose.includes(' '))
    purpose = purpose.slice(0, purpose.lastIndexOf(' ')).replace(/[\s,.;:—–-]+$/, '');
  if (!fits()) includePurpose = false;
  return build();
}

/**
 * UTF-8 bytes of the part of every payload that is never cut: the payee's requisites with the
 * longest account number (20 digits), an 8-digit sum and a period (the purpose and payer fields
 * left out). Compare with the budget: the room left is what the purpose and payer fields get.
 */
export function qrPayeeBytes(payee: QrPayee): number {
  const payload = gostQrPayload(
    payee,
    { persAcc: '0'.repeat(20), sumKopecks: 99_999_999, purpose: '', period: '2000-01' },
    Number.MAX_SAFE_INTEGER,
  ).replace('|Purpose=', '');
  return Buffer.byteLength(payload, 'utf8');
}

/**
 * Bytes by which the payee's requisites alone ({@link qrPayeeBytes}) exceed the budget (0 when
 * they fit): a start-up warning, since banks read larger codes but the ГОСТ asks for at most 300
 * bytes — and then no purpose or payer field fits.
 */
export function qrPayeeOverBudget(payee: QrPayee, maxBytes: number = QR_MAX_BYTES): number {
  return Math.max(0, qrPayeeBytes(payee) - maxBytes);
}

/** Splits a full name «Фамилия Имя Отчество» into the QR's parts (anything after the third word
 * stays with the middle name). */
export function splitFullName(fullName: string): {
  lastName?: string;
  firstName?: string;
  middleName?: string;
} {
  const [lastName, firstName, ...rest] = fullName.trim().split(/\s+/).filter(Boolean);
  return { lastName, firstName, middleName: rest.length > 0 ? rest.join(' ') : undefined };
}

/** How fiscal receipts (54-ФЗ) reach the acquirer; configuration. */
export interface FiscalReceiptConfig {
  /** Ask Telegram for the payer's e-mail and pass it (and the receipt items) to the provider. */
  enabled: boolean;
  /** The acquirer's VAT code for the item (ЮKassa: 1 = без НДС). */
  vatCode: number;
  /** The item's name on the fiscal receipt, e.g. «Электроэнергия». */
  itemName: string;
}

/**
 * `provider_data` for `sendInvoice` with the 54-ФЗ receipt (ЮKassa's format, which Telegram passes
 * through): one full-payment item for the service. Undefined when fiscal receipts are off.
 */
export function fiscalProviderData(
  config: FiscalReceiptConfig,
  kopecks: number,
): string | undefined {
  if (!config.enabled) return undefined;
  const value = `${Math.trunc(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`;
  return JSON.stringify({
    receipt: {
      items: [
        {
          description: fitText(config.itemName, 128),
          quantity: '1.00',
          amount: { value, currency: 'RUB' },
          vat_code: config.vatCode,
          payment_mode: 'full_payment',
          payment_subject: 'service',
        },
      ],
    },
  });
}
