import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config';
import { qrModuleCount, renderQrPng } from '../../../src/features/payments/qr-image';
import {
  gostQrPayload,
  QR_MAX_BYTES,
  qrPayeeBytes,
  qrPayeeOverBudget,
} from '../../../src/features/payments/rules';
import { payeeOf } from '../../../src/features/payments/service';

/** Reads a QR code off a PNG with Debian's zbar-tools. */
function decodeQr(png: Buffer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'abonent-qr-')), 'qr.png');
  writeFileSync(file, png);
  return execFileSync('zbarimg', ['--quiet', '--raw', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trimEnd();
}

const bill = (number: string) => ({
  persAcc: number,
  sumKopecks: 1_682_120,
  purpose: `Л/с ${number} за 11.2026`,
  purposeShort: `Л/с ${number}`,
  period: '2026-11',
  lastName: 'Иванова',
  firstName: 'Анна',
  middleName: 'Петровна',
  payerAddress: 'г. Петропавловск-Камчатский, ул. Ленинская, д. 12, кв. 34',
});

describe('the payment QR’s byte budget (ГОСТ Р 56042-2014, 300 bytes, UTF-8)', () => {
  it('when the bot runs on the default (demo) requisites, then the QR has a Purpose within 300 bytes and decodes back with zbarimg', async () => {
    const payee = payeeOf(loadConfig({}).operator);
    // The requisites alone leave room: no start-up warning.
    expect(qrPayeeOverBudget(payee)).toBe(0);
    const payload = gostQrPayload(payee, bill('410000001'));
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(QR_MAX_BYTES);
    expect(payload).toContain('|Sum=1682120|Purpose=Л/с 410000001 за 11.2026|PaymPeriod=112026|');
    expect(decodeQr(await renderQrPng(payload))).toBe(payload);
  });

  it('when the warning counts bytes, then it is the requisites alone in UTF-8 (2 bytes a Cyrillic letter), not characters', () => {
    const payee = { ...payeeOf(loadConfig({}).operator), name: 'Ж'.repeat(100) };
    const withShortName = { ...payee, name: 'Ж' };
    // 99 more letters, 198 more bytes.
    expect(qrPayeeBytes(payee) - qrPayeeBytes(withShortName)).toBe(198);
    expect(qrPayeeOverBudget(payee)).toBe(Math.max(0, qrPayeeBytes(payee) - QR_MAX_BYTES));
  });

  it('when the full purpose does not fit, then the short one («Л/с N») is used, never a purpose cut inside a date', () => {
    const payee = { ...payeeOf(loadConfig({}).operator), name: 'АО «Камчатэнергосбыт» (демо)' };
    const payload = gostQrPayload(payee, bill('41001234567890'));
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(QR_MAX_BYTES);
    expect(payload).toContain('|Purpose=Л/с 41001234567890|PaymPeriod=112026|');
  });

  it('when the requisites are short enough, then the payer’s names go in as well, each only if it fits', () => {
    const payee = { ...payeeOf(loadConfig({}).operator), name: 'АО «Э»', bankName: 'Банк' };
    const payload = gostQrPayload(payee, { ...bill('410000001'), payerAddress: undefined });
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(QR_MAX_BYTES);
    expect(payload).toContain('|Purpose=Л/с 410000001 за 11.2026|');
    // The middle name is the one that did not fit beside them (dropped before first and last).
    expect(payload.endsWith('|TechCode=02|LastName=Иванова|FirstName=Анна')).toBe(true);
  });
});

describe('qrModuleCount', () => {
  it('when payloads of 1 to 400 bytes are counted with one mask, then the count is the one the encoder draws with its best mask', () => {
    const encoder = createRequire(import.meta.url)('pdfmake/js/qrEnc.js') as {
      default: { measure(node: object): { _width: number } };
    };
    for (let length = 1; length <= 400; length += 7) {
      const payload =
        `ST00012|Name=АО «КЭСК»|Sum=${'9'.repeat(length % 9)}|${'ж'.repeat(length)}`.slice(
          0,
          length,
        );
      const drawn = encoder.default.measure({ qr: payload, eccLevel: 'M' })._width / 5;
      expect(qrModuleCount(payload)).toBe(drawn);
    }
  });
});
