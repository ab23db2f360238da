import { describe, expect, it } from 'vitest';
import {
  checkAmount,
  fiscalProviderData,
  fitText,
  gostQrPayload,
  parseAmount,
  parsePayableAmount,
  QR_MAX_BYTES,
  qrPayeeOverBudget,
  type QrPayee,
  splitFullName,
} from '../../../src/features/payments/rules';

const limits = { minKopecks: 100_00, maxKopecks: 500_000_00 };

describe('amount parsing', () => {
  it.each([
    ['1 234,56', 123456],
    ['1234.56', 123456],
    ['1 234', 123400],
    ['1\u00a0234,5', 123450],
    ['1\u202f234 567,01', 123456701],
    ['500 ₽', 50000],
    ['500 руб.', 50000],
    ['  42,07 ', 4207],
    ['7', 700],
  ])('when a resident types "%s", then it is %i kopecks', (input, kopecks) => {
    expect(parseAmount(input)).toEqual({ ok: true, kopecks });
  });

  it.each([
    ['abc', 'format'],
    ['1.234.56', 'format'],
    ['1,234.56', 'format'],
    ['12 34', 'format'],
    ['1,234', 'format'],
    ['', 'format'],
    ['1e5', 'format'],
    ['-5', 'negative'],
    ['−100,00', 'negative'],
    ['0', 'zero'],
    ['0,00', 'zero'],
  ])('when a resident types "%s", then it is refused as %s', (input, problem) => {
    expect(parseAmount(input)).toEqual({ ok: false, problem });
  });

  it('when an amount is below the minimum or above the maximum, then it is refused; the limits themselves are accepted', () => {
    expect(checkAmount(99_99, limits)).toEqual({ ok: false, problem: 'below-min' });
    expect(checkAmount(100_00, limits)).toEqual({ ok: true, kopecks: 100_00 });
    expect(checkAmount(500_000_00, limits)).toEqual({ ok: true, kopecks: 500_000_00 });
    expect(checkAmount(500_000_01, limits)).toEqual({ ok: false, problem: 'above-max' });
    expect(parsePayableAmount('50', limits)).toEqual({ ok: false, problem: 'below-min' });
    expect(parsePayableAmount('600 000', limits)).toEqual({ ok: false, problem: 'above-max' });
    expect(parsePayableAmount('1 234,56', limits)).toEqual({ ok: true, kopecks: 123456 });
  });
});

const payee: QrPayee = {
  name: 'АО «КЭС»',
  personalAcc: '40702810000000000001',
  bankName: 'Сбербанк',
  bic: '040813608',
  correspAcc: '30101810600000000608',
  payeeInn: '4100000000',
  kpp: '410001001',
};

describe('ГОСТ Р 56042-2014 payment QR payload', () => {
  it('when a receipt is paid, then the payload has the header, the required fields in order, kopecks, the period as MMYYYY and TechCode 02', () => {
    const payload = gostQrPayload(payee, {
      persAcc: '41000123',
      sumKopecks: 123456,
      purpose: 'Л/с 41000123 за 03.2026',
      period: '2026-03',
      lastName: 'Ким',
      firstName: 'Ян',
    });
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(QR_MAX_BYTES);
    expect(payload).toBe(
      'ST00012|Name=АО «КЭС»|PersonalAcc=40702810000000000001|BankName=Сбербанк' +
        '|BIC=040813608|CorrespAcc=30101810600000000608|PayeeINN=4100000000|KPP=410001001' +
        '|PersAcc=41000123|Sum=123456|Purpose=Л/с 41000123 за 03.2026' +
        '|PaymPeriod=032026|TechCode=02|LastName=Ким|FirstName=Ян',
    );
  });

  it('when the configured budget is larger, then every payer field follows in order: names, then the address', () => {
    const payload = gostQrPayload(
      payee,
      {
        persAcc: '41000123',
        purpose: 'Л/с 41000123',
        lastName: 'Иванова',
        firstName: 'Анна',
        middleName: 'Петровна',
        payerAddress: 'г. Елизово, ул. Ленина, д. 1, кв. 2',
      },
      600,
    );
    expect(
      payload.endsWith(
        '|TechCode=02|LastName=Иванова|FirstName=Анна|MiddleName=Петровна|PayerAddress=г. Елизово, ул. Ленина, д. 1, кв. 2',
      ),
    ).toBe(true);
  });

  it('when nothing is due, then Sum is left out so the bank app asks for the amount', () => {
    const payload = gostQrPayload(payee, { persAcc: '1', sumKopecks: 0, purpose: 'x' });
    expect(payload).not.toContain('Sum=');
    expect(payload).toBe(
      'ST00012|Name=АО «КЭС»|PersonalAcc=40702810000000000001|BankName=Сбербанк' +
        '|BIC=040813608|CorrespAcc=30101810600000000608|PayeeINN=4100000000|KPP=410001001' +
        '|PersAcc=1|Purpose=x|TechCode=02',
    );
  });

  it('when a value contains the separator "|" or a line break, then it cannot split a field', () => {
    const payload = gostQrPayload(
      { ...payee, name: 'ООО «Свет|Тепло»' },
      { persAcc: '7', purpose: 'a|b\nc', payerAddress: 'ул. Мира|5' },
      600,
    );
    expect(payload).toContain('|Name=ООО «Свет/Тепло»|');
    expect(payload).toContain('|Purpose=a/b c|');
    expect(payload.endsWith('|PayerAddress=ул. Мира/5')).toBe(true);
    expect(payload.split('|')).toHaveLength(12);
  });

  it('when the payer’s address is very long, then the payload stays within 300 bytes by dropping the address first', () => {
    const payload = gostQrPayload(payee, {
      persAcc: '41000123',
      sumKopecks: 100,
      purpose: 'Л/с 41000123',
      period: '2026-03',
      lastName: 'Ким',
      firstName: 'Ян',
      middleName: 'Ли',
      payerAddress: `Камчатский край, ${'очень длинная улица '.repeat(20)}`,
    });
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(QR_MAX_BYTES);
    expect(payload).not.toContain('PayerAddress=');
    expect(payload).toContain('|LastName=Ким|FirstName=Ян|MiddleName=Ли');
    expect(payload).toContain('|Sum=100|');
  });

  it('when even the names do not fit, then they go and the purpose is shortened, never the requisites', () => {
    const payload = gostQrPayload(payee, {
      persAcc: '41000123',
      sumKopecks: 100,
      purpose: 'Л/с 41000123, оплата электроэнергии по квитанции за март',
      lastName: 'Константинопольская'.repeat(3),
    });
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(QR_MAX_BYTES);
    expect(payload).not.toContain('LastName=');
    expect(payload).toMatch(/\|Purpose=Л\/с 41000123, .+\|TechCode=02$/);
    expect(payload).toContain('|BIC=040813608|CorrespAcc=30101810600000000608|');
  });

  it('when the payee’s requisites alone are over 300 bytes, then they are kept whole, the purpose and payer fields go, and the overrun is reported', () => {
    const longPayee = { ...payee, name: 'Ж'.repeat(150) };
    const payload = gostQrPayload(longPayee, {
      persAcc: '41000123',
      sumKopecks: 100,
      purpose: 'Л/с 41000123',
      period: '2026-03',
      lastName: 'Ким',
    });
    expect(payload).toBe(
      `ST00012|Name=${'Ж'.repeat(150)}|PersonalAcc=40702810000000000001|BankName=Сбербанк` +
        '|BIC=040813608|CorrespAcc=30101810600000000608|PayeeINN=4100000000|KPP=410001001' +
        '|PersAcc=41000123|Sum=100|PaymPeriod=032026|TechCode=02',
    );
    expect(qrPayeeOverBudget(longPayee)).toBeGreaterThan(0);
    expect(qrPayeeOverBudget(payee)).toBe(0);
  });
});

describe('invoice texts and fiscal data', () => {
  it('when a text is longer than Telegram allows, then it is cut with an ellipsis to the limit', () => {
    expect(fitText('Оплата по счёту 41000123 за март', 32)).toBe(
      'Оплата по счёту 41000123 за март',
    );
    expect([...fitText('Ж'.repeat(40), 32)]).toHaveLength(32);
    expect(fitText('Ж'.repeat(40), 32).endsWith('…')).toBe(true);
  });

  it('when fiscal receipts are on, then provider_data carries one full-payment item in rubles', () => {
    const data = fiscalProviderData(
      { enabled: true, vatCode: 1, itemName: 'Электроэнергия' },
      123405,
    );
    expect(JSON.parse(data ?? '')).toEqual({
      receipt: {
        items: [
          {
            description: 'Электроэнергия',
            quantity: '1.00',
            amount: { value: '1234.05', currency: 'RUB' },
            vat_code: 1,
            payment_mode: 'full_payment',
            payment_subject: 'service',
          },
        ],
      },
    });
    expect(fiscalProviderData({ enabled: false, vatCode: 1, itemName: 'x' }, 100)).toBeUndefined();
  });

  it('when a holder’s full name is split, then last, first and the rest as middle name', () => {
    expect(splitFullName('Иванова Анна Петровна')).toEqual({
      lastName: 'Иванова',
      firstName: 'Анна',
      middleName: 'Петровна',
    });
    expect(splitFullName('Оглы Мамед Али оглы')).toEqual({
      lastName: 'Оглы',
      firstName: 'Мамед',
      middleName: 'Али оглы',
    });
  });
});
