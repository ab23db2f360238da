import { formatDateNumeric as formatDate, formatKwh as formatMilli } from '../../core/format';
import { quietQrNode } from '../payments/qr-image';
import type { PdfDocDefinition } from '../../core/render-pool/index';
import type { ReceiptContent } from './service';

type Node = string | Record<string, unknown>;

/** The receipt's words in the resident's language (from the locales), and the period in words. */
export interface ReceiptLabels {
  title: string;
  period: string;
  payer: string;
  holder: string;
  address: string;
  account: string;
  supplier: string;
  supplierAddress: string;
  phone: string;
  email: string;
  site: string;
  requisites: string;
  payee: string;
  innKpp: string;
  bankAccount: string;
  bank: string;
  bic: string;
  corrAccount: string;
  calculation: string;
  service: string;
  unit: string;
  volume: string;
  tariff: string;
  charged: string;
  recalculation: string;
  total: string;
  kwh: string;
  /** Zone name per zone code ("день", "ночь", …) for this month's charges. */
  zoneNames: Record<string, string>;
  electricity: string;
  readings: string;
  meter: string;
  zone: string;
  previous: string;
  current: string;
  consumption: string;
  noMeters: string;
  noReading: string;
  summary: string;
  opening: string;
  chargedInPeriod: string;
  recalculations: string;
  paid: string;
  /** «Оплачено после периода (по 03.12.2026), ₽»: null when nothing was paid since. */
  paidAfter: string | null;
  leftToPay: string;
  due: string;
  advance: string;
  /** The advance after the payments since (the account's now), not the month's own. */
  advanceNow: string;
  dueBy: string;
  qr: string;
}

/** Kopecks as "1 234,56" (the table's columns say ₽). */
function rubles(kopecks: number): string {
  const sign = kopecks < 0 ? '−' : '';
  const abs = Math.abs(Math.trunc(kopecks));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign}${whole},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The receipt as a pdfmake document definition (plain data; the render pool turns it into PDF
 * bytes off the event loop), laid out like the unified payment document (ЕПД, Приказ Минстроя №43/пр):
 * A4, black on white (reads printed in black and white), Roboto embedded, no advertising; payer
 * and supplier, the payee's bank details, the calculation per zone, the readings, the summary
 * (debt at the start, charges, recalculations, payments, amount due) and the ГОСТ Р 56042-2014 QR.
 * Amounts are kopecks shown as rubles, volumes thousandths of a kWh.
 */
export function receiptDocument(receipt: ReceiptContent, l: ReceiptLabels): PdfDocDefinition {
  const s = receipt.supplier;
  const field = (label: string, value: string): Node => ({
    text: [{ text: `${label}: `, bold: true }, value],
    margin: [0, 0, 0, 2],
  });
  const box = (title: string, body: Node[]): Node => ({
    table: {
      widths: ['*'],
      body: [[{ stack: [{ text: title, style: 'boxTitle' }, ...body] }]],
    },
    // The render worker's framed-box table layout (functions cannot cross to the worker).
    layout: 'box',
  });

  const chargeRows: Node[][] = receipt.charges.map((c) => [
    c.zone && c.zones > 1 ? `${l.electricity} (${l.zoneNames[c.zone] ?? c.zone})` : l.electricity,
    l.kwh,
    { text: c.volumeMilli === null ? '—' : formatMilli(c.volumeMilli), alignment: 'right' },
    { text: c.tariffKopecks === null ? '—' : rubles(c.tariffKopecks), alignment: 'right' },
    { text: rubles(c.amountKopecks), alignment: 'right' },
    { text: '', alignment: 'right' },
    { text: rubles(c.amountKopecks), alignment: 'right' },
  ]);
  if (receipt.adjustmentsKopecks !== 0)
    chargeRows.push([
      l.recalculations,
      '',
      '',
      '',
      '',
      { text: rubles(receipt.adjustmentsKopecks), alignment: 'right' },
      { text: rubles(receipt.adjustmentsKopecks), alignment: 'right' },
    ]);
  chargeRows.push([
    { text: l.total, bold: true, colSpan: 4 },
    '',
    '',
    '',
    { text: rubles(receipt.chargesTotalKopecks), alignment: 'right', bold: true },
    { text: rubles(receipt.adjustmentsKopecks), alignment: 'right', bold: true },
    {
      text: rubles(receipt.chargesTotalKopecks + receipt.adjustmentsKopecks),
      alignment: 'right',
      bold: true,
    },
  ]);

  const readingRows: Node[][] = receipt.meters.flatMap((m) =>
    m.readings.map((r) => [
      m.serial,
      m.zones > 1 ? (l.zoneNames[r.zone] ?? r.zone) : '—',
      {
        text: r.previousMilli === null ? l.noReading : formatMilli(r.previousMilli),
        alignment: 'right',
      },
      {
        text: r.currentMilli === null ? l.noReading : formatMilli(r.currentMilli),
        alignment: 'right',
      },
      {
        text:
          r.previousMilli !== null && r.currentMilli !== null && r.currentMilli >= r.previousMilli
            ? formatMilli(r.currentMilli - r.previousMilli)
            : '—',
        alignment: 'right',
      },
    ]),
  );

  const due = receipt.totalDueKopecks;
  const summary: Node = {
    table: {
      widths: ['*', 90],
      body: [
        [l.opening, { text: rubles(receipt.openingKopecks), alignment: 'right' }],
        [l.chargedInPeriod, { text: rubles(receipt.chargesTotalKopecks), alignment: 'right' }],
        [l.recalculations, { text: rubles(receipt.adjustmentsKopecks), alignment: 'right' }],
        [l.paid, { text: rubles(receipt.paymentsKopecks), alignment: 'right' }],
        [
          { text: due >= 0 ? l.due : l.advance, bold: true, fontSize: 12 },
          { text: rubles(Math.abs(due)), alignment: 'right', bold: true, fontSize: 12 },
        ],
        // Paid after the period: the payments since and what is left (or the advance).
        ...(l.paidAfter !== null && receipt.paidAfterKopecks !== 0
          ? [
              [l.paidAfter, { text: rubles(receipt.paidAfterKopecks), alignment: 'right' }],
              [
                {
                  text: receipt.leftToPayKopecks >= 0 ? l.leftToPay : l.advanceNow,
                  bold: true,
                  fontSize: 12,
                },
                {
                  text: rubles(Math.abs(receipt.leftToPayKopecks)),
                  alignment: 'right',
                  bold: true,
                  fontSize: 12,
                },
              ],
            ]
          : []),
        [l.dueBy, { text: formatDate(receipt.dueOn), alignment: 'right' }],
      ],
    },
    layout: 'lightHorizontalLines',
  };

  const content: Node[] = [
    { text: l.title, style: 'title' },
    { text: l.period, style: 'subtitle' },
    {
      columns: [
        box(l.payer, [
          field(l.holder, receipt.payer.holderName),
          field(l.address, receipt.payer.address),
          {
            text: [
              { text: `${l.account}: `, bold: true },
              { text: receipt.number, fontSize: 13, bold: true },
            ],
          },
        ]),
        box(l.supplier, [
          { text: s.name, bold: true, margin: [0, 0, 0, 2] },
          field(l.supplierAddress, s.postalAddress),
          field(l.phone, s.phone),
          field(l.email, s.email),
          field(l.site, s.site),
        ]),
      ],
      columnGap: 8,
      margin: [0, 0, 0, 8],
    },
    box(l.requisites, [
      field(l.payee, s.name),
      field(l.innKpp, `${s.inn} / ${s.kpp}`),
      field(l.bankAccount, s.account),
      field(l.bank, s.bank),
      field(l.bic, s.bic),
      field(l.corrAccount, s.corrAccount),
    ]),
    { text: l.calculation, style: 'section' },
    {
      table: {
        headerRows: 1,
        widths: ['*', 40, 55, 50, 60, 60, 60],
        body: [
          [l.service, l.unit, l.volume, l.tariff, l.charged, l.recalculation, l.total].map((h) => ({
            text: h,
            bold: true,
            fontSize: 8,
          })),
          ...chargeRows,
        ],
      },
      layout: 'lightHorizontalLines',
    },
    { text: l.readings, style: 'section' },
    readingRows.length === 0
      ? { text: l.noMeters }
      : {
          table: {
            headerRows: 1,
            widths: ['*', 70, 80, 80, 70],
            body: [
              [l.meter, l.zone, l.previous, l.current, l.consumption].map((h) => ({
                text: h,
                bold: true,
                fontSize: 8,
              })),
              ...readingRows,
            ],
          },
          layout: 'lightHorizontalLines',
        },
    { text: l.summary, style: 'section' },
    {
      columns: [
        { width: '*', stack: [summary] },
        {
          width: 170,
          stack: [
            { ...quietQrNode(receipt.qrPayload, 170), alignment: 'center' },
            { text: l.qr, alignment: 'center', fontSize: 8 },
          ],
        },
      ],
      columnGap: 12,
    },
  ];

  return {
    info: { title: `${l.title} — ${l.period}`, author: s.name, subject: receipt.fileName },
    pageSize: 'A4',
    pageMargins: [36, 32, 36, 32],
    defaultStyle: { font: 'Roboto', fontSize: 9, color: '#000000' },
    styles: {
      title: { fontSize: 14, bold: true, alignment: 'center' },
      subtitle: { fontSize: 11, alignment: 'center', margin: [0, 2, 0, 10] },
      section: { fontSize: 11, bold: true, margin: [0, 10, 0, 4] },
      boxTitle: { fontSize: 10, bold: true, margin: [0, 0, 0, 4] },
    },
    content,
  };
}
