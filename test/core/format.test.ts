import { describe, expect, it } from 'vitest';
import {
  formatConsentVersion,
  formatDate,
  formatDateNumeric,
  formatDateTime,
  formatInteger,
  formatKwh,
  formatLocale,
  formatMoney,
  formatPeriod,
  formatPeriodShort,
  formatGreetingName,
  formatMonth,
  formatPhone,
  formatZone,
  localDate,
  localeOf,
  zoneName,
  zoneNameKey,
  zonesOf,
} from '../../src/core/format';
import { createI18n } from '../../src/core/i18n';

const NBSP = '\u00a0';

describe('the formatting module', () => {
  it('when kopecks are formatted, then they read as rubles on the receipt, with a comma and the sign, exactly', () => {
    expect(formatMoney(123456)).toBe(`1${NBSP}234,56${NBSP}₽`);
    expect(formatMoney(220844)).toBe(`2${NBSP}208,44${NBSP}₽`);
    expect(formatMoney(7)).toBe(`0,07${NBSP}₽`);
    expect(formatMoney(-150000)).toBe(`-1${NBSP}500,00${NBSP}₽`);
    // Far beyond a double's exact cents: still exact, because no division by 100 happens.
    expect(formatMoney(900719925474099)).toBe(
      `9${NBSP}007${NBSP}199${NBSP}254${NBSP}740,99${NBSP}₽`,
    );
  });

  it('when thousandths of a kWh are formatted, then the decimal comma and only real decimals show, in every language', () => {
    expect(formatKwh(5012600)).toBe(`5${NBSP}012,6`);
    // Never «30,600» (a comma that reads as a decimal point next to «1 234,56 ₽»).
    expect(formatKwh(30_600_000)).toBe(`30${NBSP}600`);
    expect(formatKwh(357000)).toBe('357');
    expect(formatKwh(1)).toBe('0,001');
    expect(formatKwh(15233000)).toBe(`15${NBSP}233`);
    expect(formatInteger(15233)).toBe(`15${NBSP}233`);
  });

  it('when a period is named, then the month is in words, Russian stand-alone, no «г.»', () => {
    expect(formatPeriod('2026-11')).toBe('ноябрь 2026');
    expect(formatPeriod('2026-05', 'ru')).toBe('май 2026');
    expect(formatPeriod('2026-11', 'en')).toBe('November 2026');
    expect(formatPeriodShort('2026-10', 'ru')).toBe('окт 26');
    expect(formatPeriodShort('2026-10', 'en')).toBe('Oct 26');
    expect(formatPeriod('not-a-period')).toBe('not-a-period');
  });

  it('when a date is shown, then the month is in words in the reader language', () => {
    expect(formatDate('2026-11-24')).toBe('24 ноября 2026');
    expect(formatDate('2026-03-01', 'en')).toBe('1 March 2026');
    expect(formatDateNumeric('2026-11-24')).toBe('24.11.2026');
  });

  it('when an instant is near midnight UTC, then Kamchatka local time is already the next day', () => {
    expect(localDate('2026-10-18T12:30:00.000Z', 'Asia/Kamchatka')).toBe('2026-10-19');
    expect(localDate('2026-10-18T11:30:00.000Z', 'Asia/Kamchatka')).toBe('2026-10-18');
    expect(formatDateTime('2026-12-31T12:00:00.000Z', 'Asia/Kamchatka')).toBe(
      '1 января 2027, 00:00',
    );
    expect(formatDateTime(new Date('2026-11-24T00:30:00.000Z'), 'Asia/Kamchatka', 'en')).toBe(
      '24 November 2026, 12:30',
    );
    expect(formatDateTime('2026-11-24T00:30:00.000Z', 'Europe/Moscow')).toBe(
      '24 ноября 2026, 03:30',
    );
  });

  it('when a phone is shown, then it reads +7 (914) 777-00-11, and odd shapes stay as stored', () => {
    expect(formatPhone('+79147770011')).toBe('+7 (914) 777-00-11');
    expect(formatPhone('+74152123456')).toBe('+7 (415) 212-34-56');
    expect(formatPhone('112')).toBe('112');
  });

  it('when the month of a period is named in a sentence, then it is the month in words without the year', () => {
    expect(formatMonth('2026-12')).toBe('декабрь');
    expect(formatMonth('2026-05', 'en')).toBe('May');
    expect(formatMonth('12.2026')).toBe('12.2026');
  });

  it('when a resident is greeted, then by name and patronymic from a three-part ФИО, by the given name from two, else as typed', () => {
    expect(formatGreetingName('Иванова Анна Петровна')).toBe('Анна Петровна');
    expect(formatGreetingName('  Иванова   Анна  ')).toBe('Анна');
    expect(formatGreetingName('Галина')).toBe('Галина');
    expect(formatGreetingName('Мамедов Рашид Али оглы')).toBe('Мамедов Рашид Али оглы');
    expect(formatGreetingName('   ')).toBeUndefined();
    expect(formatGreetingName(null)).toBeUndefined();
  });

  it('when the consent version is shown, then it is the date the text took effect', () => {
    expect(formatConsentVersion('2026-11-24')).toBe('24 ноября 2026');
    expect(formatConsentVersion('2026-11-24', 'en')).toBe('24 November 2026');
  });

  it('when zones are named, then Cyrillic Т1/Т2/Т3 with the role on that kind of meter', () => {
    expect(formatZone('T1')).toBe('Т1');
    expect(formatZone('T3')).not.toContain('T');
    expect(zonesOf(1)).toEqual(['T1']);
    expect(zonesOf(2)).toEqual(['T1', 'T2']);
    expect(zonesOf(3)).toEqual(['T1', 'T2', 'T3']);
    expect(zoneNameKey(1, 'T1')).toBe('zone-all-day');
    expect(zoneNameKey(2, 'T1')).toBe('zone-day');
    expect(zoneNameKey(3, 'T1')).toBe('zone-peak');
    expect(zoneNameKey(3, 'T3')).toBe('zone-half-peak');
    const i18n = createI18n('ru', async () => undefined);
    const ru = (key: string, vars?: Record<string, string | number>) => i18n.t('ru', key, vars);
    const en = (key: string, vars?: Record<string, string | number>) => i18n.t('en', key, vars);
    expect(zoneName(ru, 2, 'T2')).toBe('Т2 ночь');
    expect(zoneName(ru, 1, 'T1')).toBe('Т1 круглосуточно');
    // English texts use the Latin label; Russian ones the Cyrillic «Т» of meters and receipts.
    expect(zoneName(en, 3, 'T3')).toBe('T3 half-peak');
    expect(zoneName(en, 1, 'T1')).toBe('T1 round the clock');
    expect(zoneName(en, 1, 'T1')).not.toMatch(/[А-я]/);
  });

  it('when a translator is given, then its language is the formatting language', () => {
    const i18n = createI18n('ru', async () => undefined);
    expect(localeOf({ t: (key) => i18n.t('en', key) })).toBe('en');
    expect(localeOf({ t: (key) => i18n.t('ru', key) })).toBe('ru');
    expect(formatLocale(undefined)).toBe('ru');
    expect(formatLocale('de')).toBe('ru');
  });
});
