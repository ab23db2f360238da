import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountBalanceKopecks } from '../../../src/core/ledger';
import { buttonTexts, type Harness, type Person, startHarness } from '../../support/harness';
import { linkDirectly, loginResident } from '../../support/residents';
import { darkBox, rasterOfPng } from '../../support/pixels';
import { qrModuleCount } from '../../../src/features/payments/qr-image';

const money = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
const rub = (kopecks: number) => money.format(kopecks / 100);

/** Reads a QR code off a PNG with Debian's zbar-tools. */
function decodeQr(png: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'abonent-qr-')), 'qr.png');
  writeFileSync(file, png);
  return execFileSync('zbarimg', ['--quiet', '--raw', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trimEnd();
}

describe('paying through the bot (Telegram Payments played by the emulator)', () => {
  let h: Harness;
  let nextUpdateId = 900_000_000;
  let accountSeq = 0;
  /** A resident with an account of their own owing `debt` kopecks for one charged month. */
  const debtorResident = async (
    debt = 2_345_67,
  ): Promise<{ person: Person; userId: number; accountId: number; number: string }> => {
    const db = h.database.db;
    const now = new Date().toISOString();
    const number = String(77_000_000 + ++accountSeq);
    const [row] = (await db('accounts')
      .insert({
        number,
        holder_name: 'Иванова Анна Петровна',
        settlement: 'Елизово',
        address: 'г. Елизово, ул. Ленина, д. 1, кв. 2',
        tariff_plan: 'urban',
        created_at: now,
        updated_at: now,
      })
      .returning('id')) as ({ id: number } | number)[];
    const id = Number(typeof row === 'object' ? row.id : row);
    await db('ledger').insert({
      account_id: id,
      period: '2026-03',
      kind: 'charge',
      zone: 'T1',
      volume_milli: 100_000,
      tariff_kopecks: 2345,
      amount_kopecks: debt,
      occurred_on: '2026-03-31',
      source: 'import',
      created_at: now,
    });
    const person = await h.person();
    const { userId } = await loginResident(db, person.id);
    const accountId = await linkDirectly(db, userId, number);
    return { person, userId, accountId, number };
  };
  const paymentsOf = async (accountId: number) =>
    (await h.database.db('payments').where({ account_id: accountId }).select('id')).length;
  const invoiceOf = async (person: Person, buttonText: string | RegExp) => {
    const screen = await person.say('/pay');
    await person.press(screen, buttonText);
    const invoice = await person.next();
    expect(invoice.invoice).toBeDefined();
    return invoice;
  };

  beforeAll(async () => {
    h = await startHarness({
      ADMIN_CHAT_ID: '-1001234567890',
      // A real operator's short name: the requisites fit the ГОСТ's 300 bytes with the purpose.
      OPERATOR_NAME: 'АО «Корякэнерго»',
      OPERATOR_BANK: 'ПАО Сбербанк',
    });
  });
  afterAll(() => h.stop());

  it('when a debtor pays the debt, then the invoice is for the debt in RUB, the ledger is credited once and the balance becomes zero', async () => {
    const { person, accountId, number } = await debtorResident();
    const debt = await accountBalanceKopecks(h.database.db, accountId);
    expect(debt).toBe(2_345_67);
    const screen = await person.say('/pay');
    expect(screen.text).toContain(`Оплата по лицевому счёту № ${number}`);
    expect(screen.text).toContain(`Задолженность: ${rub(debt)}`);
    expect(buttonTexts(screen)).toEqual([
      `💳 Оплатить долг ${rub(debt)}`,
      '✏️ Другая сумма',
      '📷 Оплатить по QR-коду в приложении банка',
      '✖️ Отмена',
    ]);
    await person.press(screen, /Оплатить долг/);
    const invoice = await person.next();
    expect(invoice.invoice).toMatchObject({ currency: 'RUB', total_amount: debt });
    expect(invoice.invoice?.title).toBe(`Оплата по л/с ${number}`);
    expect(invoice.invoice?.description).toMatch(
      /^Электроэнергия, лицевой счёт № \d+, за \S+ \d{4}\.$/,
    );

    const paid = await h.client.pay(person.id, person.id, invoice.message_id);
    expect(paid.status).toBe('paid');
    const confirmation = await person.next();
    expect(confirmation.text).toMatch(
      new RegExp(
        `^✅ Оплата ${rub(debt).replace(/\s/g, '\\s')} по лицевому счёту № ${number} принята\\. Номер платежа: \\d+\\.`,
      ),
    );
    expect(confirmation.text).toContain('Задолженности нет.');
    expect(await accountBalanceKopecks(h.database.db, accountId)).toBe(0);
    expect(await paymentsOf(accountId)).toBe(1);
    const row = await h.database.db('payments').where({ account_id: accountId }).first();
    expect(row.telegram_payment_charge_id).toMatch(/^sandbox_/);
    expect(row.provider_payment_charge_id).toMatch(/^provider_/);

    const balance = await person.say('/balance');
    expect(balance.text).toContain('Задолженности нет.');
    expect(balance.text).toContain(`Последняя оплата: ${rub(debt)}`);
  });

  it('when a resident types another amount, then bad amounts are explained and "1 234,56" becomes an invoice for 123456 kopecks that is credited', async () => {
    const { person, accountId } = await debtorResident();
    const before = await accountBalanceKopecks(h.database.db, accountId);
    const screen = await person.say('/pay');
    await person.press(screen, '✏️ Другая сумма');
    expect((await person.next()).text).toBe(
      `Введите сумму в рублях, например 1 234,56. От ${rub(100_00)} до ${rub(500_000_00)}.`,
    );
    expect((await person.say('abc')).text).toContain('Не удалось понять сумму');
    expect((await person.say('1.234.56')).text).toContain('Не удалось понять сумму');
    const low = await person.say('50');
    expect(low.text).toContain(`меньше наименьшей возможной: ${rub(100_00)}`);
    const high = await person.say('600 000');
    expect(high.text).toContain(`больше наибольшей возможной: ${rub(500_000_00)}`);
    // The fifth unusable answer ends the question (the kit's one bound) and restores the menu.
    expect((await person.say('0')).text).toBe(
      'Слишком много попыток. Начните заново, когда будете готовы.',
    );
    expect(await h.database.db('invoices').where({ account_id: accountId })).toHaveLength(0);

    const retry = await person.say('/pay');
    await person.press(retry, '✏️ Другая сумма');
    await person.next();
    expect((await person.say('0')).text).toBe('Сумма должна быть больше нуля.');
    expect((await person.say('-5')).text).toBe('Сумма не может быть отрицательной.');
    const invoice = await person.say('1 234,56');
    expect(invoice.invoice).toMatchObject({ currency: 'RUB', total_amount: 123456 });
    expect((await h.client.pay(person.id, person.id, invoice.message_id)).status).toBe('paid');
    const confirmation = await person.next();
    expect(confirmation.text).toContain(`✅ Оплата ${rub(123456)}`);
    expect(await accountBalanceKopecks(h.database.db, accountId)).toBe(before - 123456);
  });

  it('when an older invoice is paid after a newer one, then the pre-checkout is refused with the reason and nothing is credited', async () => {
    const { person, accountId } = await debtorResident();
    const older = await invoiceOf(person, /Оплатить долг/);
    const newer = await invoiceOf(person, /Оплатить долг/);
    expect((await h.client.pay(person.id, person.id, newer.message_id)).status).toBe('paid');
    await person.next();
    expect(await h.client.pay(person.id, person.id, older.message_id)).toEqual({
      status: 'failed',
      error:
        'Этот счёт на оплату устарел: после него уже была оплата. Откройте /pay, чтобы увидеть новую сумму.',
    });
    expect(await paymentsOf(accountId)).toBe(1);
  });

  it('when the resident logs out and then pays an old invoice, then the money is credited but the chat is not told the balance', async () => {
    const { person, accountId, number } = await debtorResident();
    const screen = await person.say('/pay');
    await person.press(screen, /Оплатить долг/);
    const invoice = await person.next();
    expect((await person.say('/logout')).text).toContain('Вы вышли');
    const paid = await h.client.pay(person.id, person.id, invoice.message_id);
    expect(paid.status).toBe('paid');
    const confirmation = await person.next();
    expect(confirmation.text).toMatch(
      new RegExp(`^✅ Оплата .+ по лицевому счёту № ${number} принята\\. Номер платежа: \\d+\\.`),
    );
    expect(confirmation.text).not.toMatch(/Задолженн|Переплата|аванс/);
    expect(await accountBalanceKopecks(h.database.db, accountId)).toBe(0);
  });

  it('when the account is unlinked between the invoice and the payment, then the pre-checkout is refused', async () => {
    const { person, userId, accountId } = await debtorResident();
    const invoice = await invoiceOf(person, /Оплатить долг/);
    await h.database.db('account_links').where({ user_id: userId, account_id: accountId }).delete();
    expect(await h.client.pay(person.id, person.id, invoice.message_id)).toEqual({
      status: 'failed',
      error: 'Лицевой счёт больше не подключён к вашему кабинету.',
    });
    expect(await paymentsOf(accountId)).toBe(0);
  });

  it('when the same successful_payment arrives twice, and twice at once, then the ledger has one payment row', async () => {
    const { person, accountId } = await debtorResident();
    const debt = await accountBalanceKopecks(h.database.db, accountId);
    const invoice = await invoiceOf(person, /Оплатить долг/);
    const paid = await h.client.pay(person.id, person.id, invoice.message_id);
    if (paid.status !== 'paid') throw new Error('payment failed');
    await person.next();
    const redeliver = () =>
      h.bot().handleUpdate({ update_id: nextUpdateId++, message: paid.message } as Update);
    await Promise.all([redeliver(), redeliver()]);
    await redeliver();
    expect(await paymentsOf(accountId)).toBe(1);
    const credits = await h.database
      .db('ledger')
      .where({ account_id: accountId, kind: 'payment', source: 'bot' })
      .select('amount_kopecks');
    expect(credits.map((c) => Number(c.amount_kopecks))).toEqual([debt]);
    expect(await accountBalanceKopecks(h.database.db, accountId)).toBe(0);
    const confirmations = await h.database
      .db('outbox')
      .where({ chat_id: person.id, kind: 'payment-confirmation' })
      .select('id');
    expect(confirmations).toHaveLength(1);
  });

  it('when the payment completes while the resident is inside another flow, then it is still credited once', async () => {
    const { person, accountId } = await debtorResident();
    const invoice = await invoiceOf(person, /Оплатить долг/);
    // A question is open (the amount flow waits for text) when the payment message arrives.
    const screen = await person.say('/pay');
    await person.press(screen, '✏️ Другая сумма');
    await person.next();
    expect((await h.client.pay(person.id, person.id, invoice.message_id)).status).toBe('paid');
    expect((await person.next()).text).toMatch(/^✅ Оплата/);
    expect(await paymentsOf(accountId)).toBe(1);
    expect(await accountBalanceKopecks(h.database.db, accountId)).toBe(0);
  });

  it('when the QR button is pressed 10 times at once, then one QR is sent, the screen loses its buttons, and every other press is a quiet answer', async () => {
    const { person } = await debtorResident();
    const screen = await person.say('/pay');
    const presses = await Promise.all(
      Array.from({ length: 10 }, () =>
        person.press(screen, '📷 Оплатить по QR-коду в приложении банка'),
      ),
    );
    const answers = await Promise.all(presses.map((id) => h.client.callbackAnswer(id)));
    await person.say('/help'); // a chat's updates are handled in order: every press is done
    const transcript = await h.client.transcript(person.id);
    const photos = transcript.filter(
      (e) => e.direction === 'out' && e.message_id > screen.message_id && e.photo,
    );
    expect(photos).toHaveLength(1);
    const screenNow = transcript.find((e) => e.message_id === screen.message_id) ?? screen;
    expect(buttonTexts(screenNow)).toEqual([]);
    expect(answers.filter((a) => a.text === 'Уже выбрано.')).toHaveLength(9);
    expect(answers.some((a) => a.show_alert)).toBe(false);
  });

  it('when a resident asks for the QR, then the picture decodes to the ГОСТ payload with the debt and the requisites follow as text', async () => {
    const { person, accountId, number } = await debtorResident();
    const debt = await accountBalanceKopecks(h.database.db, accountId);
    const screen = await person.say('/pay');
    await person.press(screen, '📷 Оплатить по QR-коду в приложении банка');
    const photo = await person.next();
    console.log(
      h.logs
        .filter((l) => l.includes('"level":50'))
        .join('\n')
        .slice(0, 1500),
    );
    expect(photo.caption).toContain(`к оплате ${rub(debt)}`);
    const largest = photo.photo?.at(-1);
    if (!largest) throw new Error('no photo');
    const png = await h.client.downloadFile(largest.file_id);
    const payload = decodeQr(png);
    // The quiet zone (ISO/IEC 18004, ГОСТ Р 56042-2014): 4 white modules on every side.
    const image = rasterOfPng(png);
    const box = darkBox(image);
    if (!box) throw new Error('no dark pixels');
    const module = (box.x1 - box.x0 + 1) / qrModuleCount(payload);
    expect(box.y1 - box.y0).toBe(box.x1 - box.x0);
    for (const margin of [box.x0, box.y0, image.width - 1 - box.x1, image.height - 1 - box.y1]) {
      expect(margin).toBeGreaterThanOrEqual(4 * module);
    }
    const op = h.config.operator;
    expect(
      payload.startsWith(
        `ST00012|Name=${op.name}|PersonalAcc=${op.account}|BankName=${op.bank}|BIC=${op.bic}|CorrespAcc=${op.corrAccount}|PayeeINN=${op.inn}|KPP=${op.kpp}|PersAcc=${number}|Sum=${debt}|`,
      ),
    ).toBe(true);
    expect(payload).toContain(`|Purpose=Л/с ${number} за 03.2026|PaymPeriod=032026|TechCode=02`);
    expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(300);
    const requisites = await person.next();
    expect(requisites.text).toContain(`ИНН ${op.inn}, КПП ${op.kpp}`);
    expect(requisites.text).toContain(`Расчётный счёт: ${op.account}`);
    expect(requisites.text).toContain(`Сумма: ${rub(debt)}`);
  });

  it('when someone sends a crafted pay button for an account that is not theirs, then each action is refused and nothing is created', async () => {
    const { person } = await debtorResident();
    const other = await debtorResident();
    const screen = await person.say('/pay');
    for (const action of ['acc', 'debt', 'other', 'qr']) {
      const id = await h.client.sendCallback(
        person.id,
        person.id,
        screen.message_id,
        `v1|pay|${action}|${other.accountId}`,
      );
      const answer = await h.client.callbackAnswer(id);
      expect(answer.text).toBe('Этот счёт не подключён к вашему кабинету.');
    }
    const invoices = await h.database.db('invoices').where({ account_id: other.accountId });
    expect(invoices).toHaveLength(0);
  });
});
