import { execFileSync } from 'node:child_process';
import { darkBox, longestDarkRun, rasterOfPdfPage } from '../../support/pixels';
import { qrModuleCount } from '../../../src/features/payments/qr-image';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createServices } from '../../../src/app';
import { RenderBusyError, type RenderPdf, RenderPool } from '../../../src/core/render-pool/index';
import { systemClock } from '../../../src/core/clock';
import { createI18n } from '../../../src/core/i18n';
import { createMailer } from '../../../src/core/mail/mailer';
import { ReceiptDelivery } from '../../../src/features/receipts/delivery';
import { buttonTexts, type Harness, type Person, startHarness } from '../../support/harness';
import { linkDirectly, loginResident } from '../../support/residents';

const money = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
const rub = (kopecks: number) => money.format(kopecks / 100);

/** The PDF's text (poppler's pdftotext), its first page as PNG (pdftoppm) and the QR on it (zbarimg). */
function inspectPdf(pdf: Buffer): { text: string; pages: number; qr: string; png: string } {
  const dir = mkdtempSync(join(tmpdir(), 'abonent-receipt-'));
  const file = join(dir, 'receipt.pdf');
  writeFileSync(file, pdf);
  const quiet = {
    encoding: 'utf8' as const,
    stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'],
  };
  const text = execFileSync('pdftotext', ['-layout', file, '-'], quiet);
  const info = execFileSync('pdfinfo', [file], quiet);
  execFileSync(
    'pdftoppm',
    ['-png', '-r', '150', '-f', '1', '-l', '1', file, join(dir, 'page')],
    quiet,
  );
  const png = join(
    dir,
    readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.png')) ?? 'none',
  );
  const qr = execFileSync('zbarimg', ['--quiet', '--raw', png], quiet).trimEnd();
  return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]), qr, png };
}

/**
 * The receipt's QR has its quiet zone (ISO/IEC 18004, ГОСТ Р 56042-2014): 4 white modules on every
 * side. Found on the rendered page as the rows of the right-hand column (the QR's, 170 pt wide at
 * the right margin) with a dark run as long as a finder pattern (7 modules) and no longer (the boxes'
 * borders cross the whole column); nothing but white may lie within 4 modules of it.
 */
function expectQuietZone(pdf: Buffer, payload: string): void {
  const dpi = 150;
  const pt = (points: number) => Math.round((points * dpi) / 72);
  const page = rasterOfPdfPage(pdf, dpi);
  const column = { x0: page.width - pt(36 + 170), x1: page.width - pt(36) };
  const finderRows: number[] = [];
  for (let y = 0; y < page.height; y++) {
    // A finder pattern's run (7 modules of 2–3 pt), not a box's border across the column.
    const run = longestDarkRun(page, y, column.x0, column.x1).length;
    if (run >= pt(12) && run <= pt(40)) finderRows.push(y);
  }
  expect(finderRows.length).toBeGreaterThan(0);
  const qr = darkBox(page, {
    x0: column.x0,
    y0: finderRows[0] ?? 0,
    x1: column.x1,
    y1: finderRows.at(-1) ?? 0,
  });
  if (!qr) throw new Error('no QR on the page');
  const module = (qr.x1 - qr.x0 + 1) / qrModuleCount(payload);
  expect(Math.abs(qr.y1 - qr.y0 - (qr.x1 - qr.x0))).toBeLessThanOrEqual(2);
  const zone = Math.floor(4 * module) - 1;
  const around = darkBox(page, {
    x0: qr.x0 - zone,
    y0: qr.y0 - zone,
    x1: qr.x1 + zone,
    y1: qr.y1 + zone,
  });
  // Every dark pixel within 4 modules of the code belongs to the code itself.
  expect(around).toEqual(qr);
}

describe('/receipt: the ЕПД as a PDF', () => {
  let h: Harness;
  let seq = 0;

  /**
   * A resident with an account of their own: a two-zone meter, readings for February and March,
   * charges for both months, a payment in March. March: opening 1 000,00 owed, charged 1 520,00
   * (day 200 kWh × 5,60 + night 100 kWh × 4,00), a recalculation −20,00, paid 1 000,00 → 1 500,00 due.
   */
  const resident = async (
    options: { holder?: string; address?: string } = {},
  ): Promise<{ person: Person; accountId: number; number: string }> => {
    const db = h.database.db;
    const now = new Date().toISOString();
    const number = String(88_000_000 + ++seq);
    const insertId = async (table: string, row: Record<string, unknown>) => {
      const [r] = (await db(table).insert(row).returning('id')) as ({ id: number } | number)[];
      return Number(typeof r === 'object' ? r.id : r);
    };
    const accountId = await insertId('accounts', {
      number,
      holder_name: options.holder ?? 'Иванова Анна Петровна',
      settlement: 'Елизово',
      address: options.address ?? 'г. Елизово, ул. Ленина, д. 1, кв. 2',
      tariff_plan: 'urban',
      created_at: now,
      updated_at: now,
    });
    const meterId = await insertId('meters', {
      account_id: accountId,
      serial: `SN-${number}`,
      zones: 2,
      digits: 6,
      created_at: now,
    });
    for (const [period, day, night] of [
      ['2026-01', 1_000_000, 500_000],
      ['2026-02', 1_150_000, 580_000],
      ['2026-03', 1_350_000, 680_000],
    ] as const) {
      for (const [zone, value] of [
        ['T1', day],
        ['T2', night],
      ] as const)
        await db('meter_readings').insert({
          meter_id: meterId,
          zone,
          period,
          value_milli: value,
          source: 'import',
          status: 'billed',
          submitted_at: now,
        });
    }
    const entry = (row: Record<string, unknown>) =>
      db('ledger').insert({ account_id: accountId, source: 'import', created_at: now, ...row });
    await entry({
      period: '2026-02',
      kind: 'charge',
      zone: 'T1',
      volume_milli: 150_000,
      tariff_kopecks: 560,
      amount_kopecks: 84000,
      occurred_on: '2026-02-28',
    });
    await entry({
      period: '2026-02',
      kind: 'charge',
      zone: 'T2',
      volume_milli: 40_000,
      tariff_kopecks: 400,
      amount_kopecks: 16000,
      occurred_on: '2026-02-28',
    });
    await entry({
      period: '2026-03',
      kind: 'charge',
      zone: 'T1',
      volume_milli: 200_000,
      tariff_kopecks: 560,
      amount_kopecks: 112000,
      occurred_on: '2026-03-31',
    });
    await entry({
      period: '2026-03',
      kind: 'charge',
      zone: 'T2',
      volume_milli: 100_000,
      tariff_kopecks: 400,
      amount_kopecks: 40000,
      occurred_on: '2026-03-31',
    });
    await entry({
      period: '2026-03',
      kind: 'adjustment',
      amount_kopecks: -2000,
      occurred_on: '2026-03-31',
      description: 'Перерасчёт',
    });
    await entry({
      period: '2026-03',
      kind: 'payment',
      amount_kopecks: 100000,
      occurred_on: '2026-03-12',
    });
    const person = await h.person();
    const { userId } = await loginResident(db, person.id);
    await linkDirectly(db, userId, number);
    return { person, accountId, number };
  };

  /** The monthly receipt delivery as the app builds it, rendering with `renderPdf`. */
  const receiptDelivery = (renderPdf: RenderPdf) => {
    const texts = createI18n('ru', async () => undefined);
    const translate = (locale: 'ru' | 'en', key: string, vars?: Record<string, string | number>) =>
      texts.t(locale, key, vars);
    const services = createServices({
      config: h.config,
      db: h.database.db,
      mailer: createMailer(h.config.mail, systemClock),
      translate,
      clock: systemClock,
    });
    return new ReceiptDelivery({
      db: h.database.db,
      receipts: services.receipts,
      ledger: services.ledger,
      accounts: services.accounts,
      outbox: services.outbox,
      translate,
      localeOf: async () => 'ru',
      dir: mkdtempSync(join(tmpdir(), 'abonent-receipts-')),
      clock: systemClock,
      renderPdf,
    });
  };

  beforeAll(async () => {
    h = await startHarness({ OPERATOR_NAME: 'АО «Корякэнерго»', OPERATOR_BANK: 'ПАО Сбербанк' });
  });
  afterAll(() => h.stop());

  it('when a resident asks for March, then the PDF has the account, the period, the requisites and the amount due, and its QR decodes to the ГОСТ payload', async () => {
    const { person, number } = await resident();
    const periods = await person.say('/receipt');
    expect(periods.text).toBe(`За какой месяц квитанция? Счёт № ${number}`);
    expect(buttonTexts(periods)).toEqual(['март 2026', 'февраль 2026', '✖️ Отмена']);
    await person.press(periods, 'март 2026');
    const message = await person.next();
    expect(message.document?.file_name).toBe(`kvitanciya-${number}-2026-03.pdf`);
    expect(message.document?.mime_type).toBe('application/pdf');
    expect(message.caption).toBe(
      `🧾 Квитанция за март 2026, лицевой счёт № ${number}. К оплате: ${rub(150000)}.`,
    );
    const pdf = await h.client.downloadFile(message.document?.file_id ?? '');
    const { text, pages, qr } = inspectPdf(pdf);
    expectQuietZone(pdf, qr);
    const op = h.config.operator;
    expect(pages).toBe(1);
    for (const expected of [
      'ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ (квитанция)',
      'за март 2026',
      number,
      'Иванова Анна Петровна',
      op.name,
      op.inn,
      op.kpp,
      op.account,
      op.bic,
      op.corrAccount,
      op.bank,
      op.phone,
      'ИТОГО К ОПЛАТЕ, ₽',
      '1 500,00',
      '1 120,00',
      '−20,00',
      '10.04.2026',
      `SN-${number}`,
      '1 150', // previous day reading
      '1 350', // current day reading
    ])
      expect(text.replace(/\u00a0/g, ' ')).toContain(expected.replace(/\u00a0/g, ' '));
    expect(qr).toBe(
      `ST00012|Name=${op.name}|PersonalAcc=${op.account}|BankName=${op.bank}|BIC=${op.bic}` +
        `|CorrespAcc=${op.corrAccount}|PayeeINN=${op.inn}|KPP=${op.kpp}|PersAcc=${number}` +
        `|Sum=150000|Purpose=Л/с ${number} за 03.2026|PaymPeriod=032026|TechCode=02`,
    );
    // The payer's names and address did not fit the ГОСТ's 300 bytes beside these requisites.
    expect(Buffer.byteLength(qr)).toBeLessThanOrEqual(300);
  });

  it('when a month is pressed 20 times at once, then one PDF is sent, the picker loses its buttons, and every other press is a quiet answer', async () => {
    const { person } = await resident();
    const periods = await person.say('/receipt');
    const presses = await Promise.all(
      Array.from({ length: 20 }, () => person.press(periods, 'март 2026')),
    );
    const answers = await Promise.all(presses.map((id) => h.client.callbackAnswer(id)));
    await person.say('/help'); // a chat's updates are handled in order: every press is done
    const transcript = await h.client.transcript(person.id);
    const pdfs = transcript.filter(
      (e) => e.direction === 'out' && e.message_id > periods.message_id && e.document,
    );
    expect(pdfs).toHaveLength(1);
    expect(
      buttonTexts(transcript.find((e) => e.message_id === periods.message_id) ?? periods),
    ).toEqual([]);
    const quiet = answers.filter((a) => a.text === 'Уже выбрано.');
    expect(quiet).toHaveLength(19);
    expect(answers.some((a) => a.show_alert)).toBe(false);
  });

  it('when the same receipt is asked for again, then it is re-sent by its file_id; after a payment the changed receipt is rendered anew', async () => {
    const { person, accountId } = await resident();
    const ask = async () => {
      const periods = await person.say('/receipt');
      await person.press(periods, 'март 2026');
      return person.next();
    };
    const first = await ask();
    const second = await ask();
    expect(second.document?.file_id).toBe(first.document?.file_id);
    await h.database.db('ledger').insert({
      account_id: accountId,
      period: '2026-03',
      kind: 'payment',
      amount_kopecks: 50000,
      occurred_on: '2026-03-20',
      source: 'import',
      created_at: new Date().toISOString(),
    });
    const third = await ask();
    expect(third.document?.file_id).not.toBe(first.document?.file_id);
    expect(third.caption).toContain(`К оплате: ${rub(100000)}`);
  });

  it('when the resident paid after the period, then the receipt shows the payments since and what is left, and its QR asks only for that', async () => {
    const { person, accountId, number } = await resident();
    await h.database.db('ledger').insert({
      account_id: accountId,
      period: '2026-04',
      kind: 'payment',
      amount_kopecks: 100000,
      occurred_on: '2026-04-05',
      source: 'bot',
      created_at: new Date().toISOString(),
    });
    const periods = await person.say('/receipt');
    await person.press(periods, 'март 2026');
    const message = await person.next();
    expect(message.caption?.replace(/\u00a0/g, ' ')).toBe(
      `🧾 Квитанция за март 2026, лицевой счёт № ${number}. К оплате: 1 500,00 ₽.\n` +
        'Учтены платежи по 5 апреля 2026 на сумму 1 000,00 ₽. Осталось оплатить: 500,00 ₽.',
    );
    const pdf = await h.client.downloadFile(message.document?.file_id ?? '');
    const { text, qr, png } = inspectPdf(pdf);
    // The README's picture of a receipt: RECEIPT_EXAMPLE=docs/receipt-example.png re-takes it.
    if (process.env.RECEIPT_EXAMPLE) copyFileSync(png, process.env.RECEIPT_EXAMPLE);
    const flat = text.replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' ');
    expect(flat).toContain('ИТОГО К ОПЛАТЕ, ₽ 1 500,00');
    expect(flat).toMatch(
      /Оплачено после периода \(учтены платежи, 1 000,00\s+поступившие по 05\.04\.2026\), ₽/,
    );
    expect(flat).toContain('ОСТАЛОСЬ ОПЛАТИТЬ, ₽ 500,00');
    expect(qr).toContain('|Sum=50000|');

    // Paid in full since: nothing left, and the QR carries no sum.
    await h.database.db('ledger').insert({
      account_id: accountId,
      period: '2026-04',
      kind: 'payment',
      amount_kopecks: 50000,
      occurred_on: '2026-04-07',
      source: 'bot',
      created_at: new Date().toISOString(),
    });
    const again = await person.say('/receipt');
    await person.press(again, 'март 2026');
    const paid = await person.next();
    expect(paid.caption?.replace(/\u00a0/g, ' ')).toContain(
      'Учтены платежи по 7 апреля 2026 на сумму 1 500,00 ₽. Оплачено полностью, доплачивать не нужно.',
    );
    const full = inspectPdf(await h.client.downloadFile(paid.document?.file_id ?? ''));
    expect(full.qr).not.toContain('|Sum=');
  });

  it('when payments since also paid the months billed after, then an old receipt shows only the account’s real advance, or paid in full', async () => {
    const { person, accountId } = await resident();
    const ledger = (row: Record<string, unknown>) =>
      h.database.db('ledger').insert({
        account_id: accountId,
        source: 'import',
        created_at: new Date().toISOString(),
        ...row,
      });
    // March: 1 500,00 due. Paid 1 500,00 in April; April billed 2 000,00; paid 2 500,00 in May:
    // 4 000,00 paid since March, but the account's advance is 500,00.
    await ledger({
      period: '2026-04',
      kind: 'payment',
      amount_kopecks: 150000,
      occurred_on: '2026-04-05',
    });
    await ledger({
      period: '2026-04',
      kind: 'charge',
      zone: 'T1',
      volume_milli: 357_143,
      tariff_kopecks: 560,
      amount_kopecks: 200000,
      occurred_on: '2026-04-30',
    });
    await ledger({
      period: '2026-05',
      kind: 'payment',
      amount_kopecks: 250000,
      occurred_on: '2026-05-06',
    });
    const march = async () => {
      const periods = await person.say('/receipt');
      await person.press(periods, 'март 2026');
      const message = await person.next();
      const { text, qr } = inspectPdf(await h.client.downloadFile(message.document?.file_id ?? ''));
      return {
        text: text.replace(/\u00a0/g, ' ').replace(/[ \t]+/g, ' '),
        qr,
        caption: message.caption?.replace(/\u00a0/g, ' '),
      };
    };
    const first = await march();
    // Labelled as today's advance, apart from the month's own figures.
    expect(first.text).toContain('ПЕРЕПЛАТА НА СЕГОДНЯ, ₽ 500,00');
    expect(first.caption).toContain(
      'Учтены платежи по 6 мая 2026 на сумму 4 000,00 ₽. Оплачено полностью; переплата на сегодня: 500,00 ₽.',
    );
    expect(first.text).not.toContain('4 000,00\nПЕРЕПЛАТА');
    expect(first.text).not.toContain('2 500,00');
    expect(first.qr).not.toContain('|Sum=');

    // May billed 3 000,00, unpaid: March itself is still paid in full — nothing left on it.
    await ledger({
      period: '2026-05',
      kind: 'charge',
      zone: 'T1',
      volume_milli: 535_714,
      tariff_kopecks: 560,
      amount_kopecks: 300000,
      occurred_on: '2026-05-31',
    });
    const second = await march();
    expect(second.text).toContain('ОСТАЛОСЬ ОПЛАТИТЬ, ₽ 0,00');
    expect(second.text).not.toContain('ПЕРЕПЛАТА');
    expect(second.qr).not.toContain('|Sum=');
  });

  it('when a month without charges is asked for, then the resident is told there is no receipt', async () => {
    const { person, accountId } = await resident();
    const periods = await person.say('/receipt');
    await h.client.sendCallback(
      person.id,
      person.id,
      periods.message_id,
      `v1|rcpt|get|${accountId}|2025-07`,
    );
    expect((await person.next()).text).toBe(
      'За этот месяц начислений нет, квитанции нет. Выберите другой месяц: /receipt',
    );
  });

  it('when the address, the holder and the organisation names are very long, then the receipt still renders on one page with everything and a readable QR', async () => {
    const longAddress = `684000, Камчатский край, Елизовский район, ${'посёлок Раздольный, улица Первомайская-Заречная, '.repeat(8)}д. 125, корп. 3, кв. 417`;
    const longHolder =
      'Константинопольская-Преображенская Александра-Мария Вячеславовна-Святославовна';
    const { person, number } = await resident({ holder: longHolder, address: longAddress });
    const periods = await person.say('/receipt');
    await person.press(periods, 'март 2026');
    const message = await person.next();
    const pdf = await h.client.downloadFile(message.document?.file_id ?? '');
    const { text, pages, qr } = inspectPdf(pdf);
    expectQuietZone(pdf, qr);
    expect(pages).toBe(1);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('кв. 417');
    expect(flat).toContain('Вячеславовна-Святославовна');
    expect(qr).toContain(`|PersAcc=${number}|Sum=150000|`);
    expect(Buffer.byteLength(qr)).toBeLessThanOrEqual(300);
  });

  it('when charges for a new month are imported, then each holder gets that month’s receipt through the outbox once, and a second run sends nothing', async () => {
    const { person, accountId, number } = await resident();
    const renderPool = new RenderPool({ threads: 1 });
    onTestFinished(() => renderPool.close());
    const delivery = receiptDelivery(renderPool.renderPdf);
    const first = await delivery.run();
    expect(first.enqueued).toBeGreaterThanOrEqual(1);
    const message = await person.next();
    expect(message.document?.file_name).toBe(`kvitanciya-${number}-2026-03.pdf`);
    expect(message.caption).toContain(`🧾 Квитанция за март 2026, лицевой счёт № ${number}`);
    const { qr } = inspectPdf(await h.client.downloadFile(message.document?.file_id ?? ''));
    expect(qr).toContain(`|PersAcc=${number}|Sum=150000|`);
    expect((await delivery.run()).enqueued).toBe(0);
    const rows = await h.database
      .db('receipt_deliveries')
      .where({ account_id: accountId, telegram_user_id: person.id });
    expect(rows).toHaveLength(1);
    expect(rows[0].period).toBe('2026-03');
  });

  it('when the render pool is full during the monthly delivery, then the pass stops with nothing marked sent, and the next pass sends the receipt', async () => {
    const { person, accountId, number } = await resident();
    let busy = true;
    let renders = 0;
    const delivery = receiptDelivery(
      // Busy as the real pool is when residents fill its queue; then a stand-in PDF (the real
      // rendering of the delivery is the test above).
      async () => {
        renders++;
        if (busy) throw new RenderBusyError();
        return Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');
      },
    );
    const sent = () =>
      h.database
        .db('receipt_deliveries')
        .where({ account_id: accountId, telegram_user_id: person.id });
    expect(await delivery.run()).toEqual({ enqueued: 0, deferred: true });
    // The pass stopped at the first refusal instead of asking the full pool for every receipt.
    expect(renders).toBe(1);
    expect(await sent()).toHaveLength(0);
    busy = false;
    const next = await delivery.run();
    expect(next.deferred).toBe(false);
    expect(next.enqueued).toBeGreaterThanOrEqual(1);
    expect(await sent()).toHaveLength(1);
    const message = await person.next();
    expect(message.document?.file_name).toBe(`kvitanciya-${number}-2026-03.pdf`);
  });
});
