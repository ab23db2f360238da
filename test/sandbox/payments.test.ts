import { Bot } from 'grammy';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/sandbox/emulator.js';
import { BOT, startEmulator } from './helpers.js';

const invoice = {
  title: 'Оплата за 2025-01',
  description: 'Лицевой счёт 41000123, электроэнергия',
  payload: 'pay:41000123:2025-01',
  provider_token: 'sandbox-provider',
  currency: 'RUB',
  prices: [{ label: 'Электроэнергия', amount: 123456 }],
};

describe('payments', () => {
  it('when the bot approves the pre-checkout query, then the payment succeeds with charge ids', async () => {
    const { emulator, client } = await startEmulator();
    const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    const payments: unknown[] = [];
    bot.on('pre_checkout_query', (ctx) =>
      ctx.answerPreCheckoutQuery(ctx.preCheckoutQuery.invoice_payload.startsWith('pay:')),
    );
    bot.on('message:successful_payment', (ctx) => {
      payments.push(ctx.message.successful_payment);
    });
    const running = bot.start({ timeout: 1 });
    try {
      const user = await client.createUser({ first_name: 'A' });
      const sent = (await bot.api.sendInvoice(
        user.id,
        invoice.title,
        invoice.description,
        invoice.payload,
        invoice.currency,
        invoice.prices,
        {
          provider_token: invoice.provider_token,
        },
      )) as Message;
      expect(sent.invoice).toMatchObject({ currency: 'RUB', total_amount: 123456 });
      const paid = await client.pay(user.id, user.id, sent.message_id);
      expect(paid.status).toBe('paid');
      const payment = paid.status === 'paid' ? paid.message.successful_payment : undefined;
      expect(payment).toMatchObject({
        currency: 'RUB',
        total_amount: 123456,
        invoice_payload: invoice.payload,
      });
      expect(payment?.telegram_payment_charge_id).toMatch(/\S/);
      expect(payment?.provider_payment_charge_id).toMatch(/\S/);
      await client.waitForTranscript(user.id, () => payments.length === 1);
      expect(payments[0]).toEqual(payment);
      expect(await client.pay(user.id, user.id, sent.message_id)).toEqual({
        status: 'failed',
        error: 'invoice already paid',
      });
    } finally {
      await bot.stop();
      await running;
    }
  });

  it('when the bot declines the pre-checkout query, then pay reports the bot’s error', async () => {
    const { emulator, client } = await startEmulator();
    const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    bot.on('pre_checkout_query', (ctx) =>
      ctx.answerPreCheckoutQuery(false, { error_message: 'Счёт уже оплачен' }),
    );
    const running = bot.start({ timeout: 1 });
    try {
      const user = await client.createUser({ first_name: 'A' });
      const sent = await bot.api.sendInvoice(
        user.id,
        invoice.title,
        invoice.description,
        invoice.payload,
        'RUB',
        invoice.prices,
        {
          provider_token: invoice.provider_token,
        },
      );
      expect(await client.pay(user.id, user.id, sent.message_id)).toEqual({
        status: 'failed',
        error: 'Счёт уже оплачен',
      });
      expect((await client.transcript(user.id)).some((e) => e.successful_payment)).toBe(false);
    } finally {
      await bot.stop();
      await running;
    }
  });

  it('when an invoice is malformed, then Telegram’s errors', async () => {
    const { call, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const base = { chat_id: user.id, ...invoice };
    expect((await call('sendInvoice', { ...base, title: 'x'.repeat(33) })).body.description).toBe(
      'Bad Request: INVOICE_TITLE_INVALID',
    );
    expect((await call('sendInvoice', { ...base, currency: 'rub' })).body.description).toBe(
      'Bad Request: CURRENCY_INVALID',
    );
    expect((await call('sendInvoice', { ...base, prices: [] })).body.description).toBe(
      "Bad Request: can't parse prices JSON object",
    );
    expect(
      (await call('sendInvoice', { ...base, prices: [{ label: 'x', amount: 1.5 }] })).body.ok,
    ).toBe(false);
  });
});
