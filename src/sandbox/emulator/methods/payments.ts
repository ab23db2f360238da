import { badRequest } from '../api-error.js';
import { parseReplyMarkup } from '../markup.js';
import type { InlineKeyboardMarkup, Invoice } from '../types.js';
import type { MethodTable } from './method.js';

/** sendInvoice and answerPreCheckoutQuery; the user side lives in the control API. */
export const paymentMethods: MethodTable = {
  sendInvoice: (core, p) => {
    const chat = core.targetChat(p);
    const title = p.string('title') ?? '';
    const description = p.string('description') ?? '';
    const payload = p.string('payload') ?? '';
    const currency = p.string('currency') ?? '';
    if (title.length < 1 || title.length > 32) throw badRequest('INVOICE_TITLE_INVALID');
    if (description.length < 1 || description.length > 255)
      throw badRequest('INVOICE_DESCRIPTION_INVALID');
    const payloadBytes = Buffer.byteLength(payload);
    if (payloadBytes < 1 || payloadBytes > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
    if (!/^[A-Z]{3}$/.test(currency)) throw badRequest('CURRENCY_INVALID');
    const prices = p.json('prices');
    if (
      !Array.isArray(prices) ||
      prices.length === 0 ||
      !prices.every(
        (x) =>
          typeof x === 'object' &&
          x !== null &&
          typeof (x as { label?: unknown }).label === 'string' &&
          Number.isInteger((x as { amount?: unknown }).amount),
      )
    ) {
      throw badRequest("can't parse prices JSON object");
    }
    const total = prices.reduce((sum: number, x: { amount: number }) => sum + x.amount, 0);
    if (total <= 0) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
    if (currency !== 'XTR' && p.string('provider_token') === undefined) {
      // Telegram accepts an empty provider_token only for Telegram Stars; the
      // sandbox accepts anything given, but the parameter must be present.
      throw badRequest('PAYMENT_PROVIDER_INVALID');
    }
    const markup = parseReplyMarkup(p.json('reply_markup'));
    if (markup && !('inline_keyboard' in markup)) throw badRequest('inline keyboard expected');
    const defaultPay: InlineKeyboardMarkup = {
      inline_keyboard: [[{ text: `Pay ${(total / 100).toFixed(2)} ${currency}`, pay: true }]],
    };
    const reply = core.replyTarget(chat, p);
    core.throttle(chat);
    const invoice: Invoice = {
      title,
      description,
      start_parameter: p.string('start_parameter') ?? '',
      currency,
      total_amount: total,
    };
    const stored = core.addBotMessage(
      chat,
      { invoice, ...(reply ? { reply_to_message: reply } : {}) },
      markup ?? defaultPay,
    );
    stored.invoice_payload = payload;
    return stored.message;
  },

  answerPreCheckoutQuery: (core, p) => {
    const id = p.string('pre_checkout_query_id') ?? '';
    const ok = p.bool('ok');
    if (ok === undefined) throw badRequest('ok is empty');
    const record = core.preCheckouts.get(id);
    if (!record)
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    if (ok) {
      record.settle({ ok: true });
    } else {
      const error = p.string('error_message') ?? '';
      if (error === '') throw badRequest('ERROR_MESSAGE_EMPTY');
      record.settle({ ok: false, error });
    }
    core.preCheckouts.delete(id);
    return true;
  },
};
