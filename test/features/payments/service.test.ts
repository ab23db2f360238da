import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { fixedClock } from '../../../src/core/clock';
import { createI18n } from '../../../src/core/i18n';
import { createMailer } from '../../../src/core/mail/mailer';
import { exportData } from '../../../src/features/billing/exchange/export';
import { type TestDatabase, withTestDatabase } from '../../support/database';
import { linkDirectly, loginResident } from '../../support/residents';

// Kamchatka is UTC+12: 2026-03-31T13:00Z is already 1 April there, so the payment books to April.
const clock = fixedClock('2026-03-31T13:00:00Z');
const ADMIN_CHAT = -1009999;
let nextTelegramId = 9_300_000;
let accountSeq = 0;

describe('PaymentsService', () => {
  let database: TestDatabase;
  let services: Services;

  const resident = async (debt = 150_000) => {
    const db = database.db;
    const telegramUserId = nextTelegramId++;
    const number = String(66_000_000 + ++accountSeq);
    const at = clock().toISOString();
    const [row] = (await db('accounts')
      .insert({
        number,
        holder_name: 'Иванова Анна Петровна',
        settlement: 'Елизово',
        address: 'г. Елизово, ул. Ленина, д. 1',
        tariff_plan: 'urban',
        created_at: at,
        updated_at: at,
      })
      .returning('id')) as ({ id: number } | number)[];
    const accountId = Number(typeof row === 'object' ? row.id : row);
    await db('ledger').insert({
      account_id: accountId,
      period: '2026-02',
      kind: 'charge',
      amount_kopecks: debt,
      occurred_on: '2026-02-28',
      source: 'import',
      created_at: at,
    });
    const { userId } = await loginResident(db, telegramUserId);
    await linkDirectly(db, userId, number);
    return { userId, telegramUserId, accountId, number };
  };
  const invoiceFor = async (r: Awaited<ReturnType<typeof resident>>, kopecks: number) => {
    const created = await services.payments.createInvoice(
      r.userId,
      r.accountId,
      r.telegramUserId,
      kopecks,
    );
    if (created.kind !== 'ok') throw new Error(created.kind);
    return created.invoice;
  };
  let charge = 0;
  const pay = (r: Awaited<ReturnType<typeof resident>>, payload: string, amount: number) =>
    services.payments.recordPayment({
      telegramUserId: r.telegramUserId,
      chatId: r.telegramUserId,
      payload,
      currency: 'RUB',
      totalAmount: amount,
      telegramPaymentChargeId: `tg-charge-${++charge}`,
      providerPaymentChargeId: `provider-charge-${charge}`,
    });

  beforeAll(async () => {
    database = await withTestDatabase();
    const config = loadConfig({
      DATABASE_URL: database.url,
      ADMIN_CHAT_ID: String(ADMIN_CHAT),
      MAIL_OUTBOX_DIR: join(mkdtempSync(join(tmpdir(), 'abonent-mail-')), 'outbox'),
    });
    const texts = createI18n('ru', async () => undefined);
    services = createServices({
      config,
      db: database.db,
      mailer: createMailer(config.mail, clock),
      translate: (locale, key, vars) => texts.t(locale, key, vars),
      clock,
    });
  });
  afterAll(async () => {
    await database.cleanup();
  });

  it('when the pre-checkout names no invoice of ours, another payer, another amount or a paid invoice, then each is refused with its reason', async () => {
    const r = await resident();
    const invoice = await invoiceFor(r, 100_00);
    const check = (
      over: Partial<{
        telegramUserId: number;
        payload: string;
        currency: string;
        totalAmount: number;
      }>,
    ) =>
      services.payments.preCheckout({
        telegramUserId: r.telegramUserId,
        payload: invoice.payload,
        currency: 'RUB',
        totalAmount: 100_00,
        ...over,
      });
    expect(await check({})).toEqual({ ok: true });
    expect(await check({ payload: 'inv_forged' })).toEqual({ ok: false, reason: 'unknown' });
    expect(await check({ telegramUserId: r.telegramUserId + 1 })).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await check({ totalAmount: 100_01 })).toEqual({ ok: false, reason: 'amount' });
    expect(await check({ currency: 'USD' })).toEqual({ ok: false, reason: 'amount' });
    expect((await pay(r, invoice.payload, 100_00)).kind).toBe('credited');
    expect(await check({})).toEqual({ ok: false, reason: 'paid' });
  });

  it('when two payment forms for one invoice check out at once, then only one is approved', async () => {
    const r = await resident();
    const invoice = await invoiceFor(r, 100_00);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        services.payments.preCheckout({
          telegramUserId: r.telegramUserId,
          payload: invoice.payload,
          currency: 'RUB',
          totalAmount: 100_00,
        }),
      ),
    );
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    expect(results.filter((x) => !x.ok)).toEqual(
      Array.from({ length: 9 }, () => ({ ok: false, reason: 'in-progress' })),
    );
  });

  it('when an amount is outside the limits or the account is not theirs, then no invoice is made', async () => {
    const r = await resident();
    const other = await resident();
    expect(
      await services.payments.createInvoice(r.userId, r.accountId, r.telegramUserId, 99_99),
    ).toMatchObject({
      kind: 'amount',
      problem: 'below-min',
    });
    expect(
      await services.payments.createInvoice(r.userId, r.accountId, r.telegramUserId, 500_000_01),
    ).toMatchObject({
      kind: 'amount',
      problem: 'above-max',
    });
    expect(
      await services.payments.createInvoice(r.userId, other.accountId, r.telegramUserId, 100_00),
    ).toEqual({
      kind: 'not-yours',
    });
    expect(
      await database.db('invoices').whereIn('account_id', [r.accountId, other.accountId]),
    ).toHaveLength(0);
  });

  it('when the account was unlinked after the pre-checkout, then the money is still credited, the payment is marked and staff are told', async () => {
    const r = await resident(150_000);
    const invoice = await invoiceFor(r, 150_000);
    await database
      .db('account_links')
      .where({ user_id: r.userId, account_id: r.accountId })
      .delete();
    const result = await pay(r, invoice.payload, 150_000);
    expect(result).toMatchObject({
      kind: 'credited',
      orphaned: true,
      balanceKopecks: 0,
      number: r.number,
    });
    const staff = await database
      .db('outbox')
      .where({ chat_id: ADMIN_CHAT, kind: 'payment-orphaned' });
    expect(staff).toHaveLength(1);
    expect(JSON.parse(staff[0].payload).text).toContain(`по лицевому счёту № ${r.number}`);
    const confirmation = await database
      .db('outbox')
      .where({ chat_id: r.telegramUserId, kind: 'payment-confirmation' })
      .first();
    // The money is acknowledged; the balance of an account no longer theirs is not told.
    const text = JSON.parse(confirmation.payload).text as string;
    expect(text).toContain(`по лицевому счёту № ${r.number} принята`);
    expect(text).not.toMatch(/Задолженн|Переплата/);
  });

  it('when a payment is credited, then it is booked to the local month and day and `export payments` lists it with its Telegram charge id', async () => {
    const r = await resident(120_000);
    const invoice = await invoiceFor(r, 120_000);
    const result = await pay(r, invoice.payload, 120_000);
    expect(result.kind).toBe('credited');
    const ledger = await database
      .db('ledger')
      .where({ account_id: r.accountId, kind: 'payment' })
      .first();
    expect(ledger).toMatchObject({ period: '2026-04', occurred_on: '2026-04-01', source: 'bot' });
    expect(ledger.external_id).toBe(`tg:tg-charge-${charge}`);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await exportData(database.db, 'payments', { period: '2026-04', out, clock });
    const csv = Buffer.concat(chunks).toString('utf8');
    expect(csv).toContain(`tg:tg-charge-${charge};${r.number};2026-04;1200,00;2026-04-01;bot`);
  });

  it('when a payment arrives for an invoice we never made, then nothing is credited and it is audited', async () => {
    const r = await resident();
    expect(await pay(r, 'inv_unknown', 100_00)).toEqual({ kind: 'unknown-invoice' });
    expect(await database.db('payments').where({ account_id: r.accountId })).toHaveLength(0);
    const audit = await database.db('audit_log').where({ action: 'payment.unknown-invoice' });
    expect(audit.length).toBeGreaterThan(0);
  });
});
