import { describe, expect, it } from 'vitest';
import {
  maskHolderName,
  shortAddress,
  normalizeAccountNumber,
  parseAmountKopecks,
  serialKey,
  serialMatches,
  verificationState,
} from '../../../src/features/accounts/rules';

describe('account number input', () => {
  it('when the number is typed with spaces, dashes or a "№", then it is read as its digits', () => {
    expect(normalizeAccountNumber(' 41 374-636 93 ')).toBe('4137463693');
    expect(normalizeAccountNumber('№4137463693')).toBe('4137463693');
    expect(normalizeAccountNumber('л/с 4137463693')).toBe('4137463693');
  });

  it('when the text has letters or too few digits, then it is not an account number', () => {
    expect(normalizeAccountNumber('привет')).toBeUndefined();
    expect(normalizeAccountNumber('41a7463693')).toBeUndefined();
    expect(normalizeAccountNumber('123')).toBeUndefined();
    expect(normalizeAccountNumber('')).toBeUndefined();
  });
});

describe('meter serial proof', () => {
  it('when a serial is typed with separators, lower case or without its leading zeros, then it matches', () => {
    expect(serialMatches('1253630684', '001253630684')).toBe(true);
    expect(serialMatches('0012-5363 0684', '001253630684')).toBe(true);
    expect(serialMatches('ab-123', 'AB123')).toBe(true);
    expect(serialKey('№ 007 15')).toBe('715');
  });

  it('when the serial differs by one digit or is empty, then it does not match', () => {
    expect(serialMatches('1253630685', '001253630684')).toBe(false);
    expect(serialMatches('000', '000')).toBe(false);
    expect(serialMatches('', '36723352')).toBe(false);
  });
});

describe('amount proof', () => {
  it('when an amount is written the Russian or the English way, then it is read exactly in kopecks', () => {
    expect(parseAmountKopecks('1 234,56')).toBe(123456);
    expect(parseAmountKopecks('1234.56')).toBe(123456);
    expect(parseAmountKopecks('1234,5')).toBe(123450);
    expect(parseAmountKopecks('1234')).toBe(123400);
    expect(parseAmountKopecks('2\u00a0208,44 ₽')).toBe(220844);
    expect(parseAmountKopecks('2208.44 руб.')).toBe(220844);
    expect(parseAmountKopecks('0,07')).toBe(7);
  });

  it('when the amount has three decimals, two separators, a sign or letters, then it is refused', () => {
    expect(parseAmountKopecks('1234,567')).toBeUndefined();
    expect(parseAmountKopecks('1.234,56')).toBeUndefined();
    expect(parseAmountKopecks('-12,00')).toBeUndefined();
    expect(parseAmountKopecks('двести')).toBeUndefined();
  });
});

describe('holder name masking', () => {
  it('when a full name is shown, then the surname stays and the rest is reduced to a masked initial', () => {
    expect(maskHolderName('Иванова Анна Петровна')).toBe('Иванова А.*.');
    expect(maskHolderName('Иванова А. П.')).toBe('Иванова А.*.');
    expect(maskHolderName('Иванова Анна')).toBe('Иванова А.');
    expect(maskHolderName('Иванова')).toBe('Иванова');
  });

  it('when the holder is an organisation, then its name is shown whole, quotes and all', () => {
    expect(maskHolderName('ООО «Ромашка»')).toBe('ООО «Ромашка»');
    expect(maskHolderName('ТСЖ "Вулкан"')).toBe('ТСЖ "Вулкан"');
    expect(maskHolderName('ПАО Камчатскэнерго')).toBe('ПАО Камчатскэнерго');
    expect(maskHolderName('СНТ  «Рассвет» ')).toBe('СНТ «Рассвет»');
  });

  it('when a name has another shape, then no stray punctuation or a full first name leaks', () => {
    expect(maskHolderName('ИП Петров Пётр Петрович')).toBe('ИП Петров П.*.');
    expect(maskHolderName('Иванова А.П.')).toBe('Иванова А.*.');
    expect(maskHolderName('Салтыков-Щедрин Михаил Евграфович')).toBe('Салтыков-Щедрин М.*.');
    expect(maskHolderName('Ким Ён Сук Алексеевна')).toBe('Ким Ё.*.');
    expect(maskHolderName('Smith John')).toBe('Smith J.');
    expect(maskHolderName('Иванов - Иван')).toBe('Иванов И.');
    expect(maskHolderName('   ')).toBe('');
  });
});

describe('verification', () => {
  it('when the verification date is far, then it is fine; within 60 days, due soon; reached or past, expired', () => {
    expect(verificationState('2027-06-01', '2026-11-20').kind).toBe('ok');
    expect(verificationState('2027-01-19', '2026-11-20')).toEqual({ kind: 'soon', days: 60 });
    expect(verificationState('2027-01-20', '2026-11-20')).toEqual({ kind: 'ok', days: 61 });
    expect(verificationState('2026-11-20', '2026-11-20').kind).toBe('expired');
    expect(verificationState('2025-01-01', '2026-11-20').kind).toBe('expired');
    expect(verificationState(null, '2026-11-20').kind).toBe('unknown');
  });
});

describe('shortAddress', () => {
  it('when an address starts with a postcode, a region and a district, then they are dropped', () => {
    expect(
      shortAddress('684000, Камчатский край, Елизовский р-н, г. Елизово, ул. Первая, д. 3, кв. 7'),
    ).toBe('г. Елизово, ул. Первая, д. 3, кв. 7');
  });
  it('when an address is already short, then it is kept as it is', () => {
    expect(shortAddress('г. Вилючинск, ул. Вторая, д. 9')).toBe('г. Вилючинск, ул. Вторая, д. 9');
  });
  it('when a street name only contains a region word inside another word, then it is kept', () => {
    expect(shortAddress('г. Елизово, ул. Крайняя, д. 1')).toBe('г. Елизово, ул. Крайняя, д. 1');
  });
  it('when what remains is long, then it is cut at 60 characters with «…»', () => {
    const long = `с. Мильково, ул. ${'Очень'.repeat(20)}, д. 1`;
    const short = shortAddress(long);
    expect([...short]).toHaveLength(60);
    expect(short.endsWith('…')).toBe(true);
  });
});
