import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../src/app';
import { AuditLog } from '../../../src/core/audit';
import { systemClock } from '../../../src/core/clock';
import { exportData } from '../../../src/features/billing/exchange/export';
import { StaffService } from '../../../src/features/staff/service';
import { type Harness, type Person, startHarness } from '../../support/harness';
import { createAccountWithMeters, freshAccountNumber } from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';
import { servicesOf } from '../../support/services';

/**
 * A two-zone meter with the zones swapped: T1 4 080 after 95 000 looks like a rollover worth
 * ~488 000 ₽ and was flagged. Staff reject it in the admin chat; it never reaches billing.
 */
describe('flagged readings reviewed by staff', () => {
  let h: Harness;
  let services: Services;
  let adminChatId: number;
  let olga: number;
  let anna: Person;
  let accountNumber: string;
  let flaggedId: number;
  let otherFlaggedId: number;
  let meterId: number;

  beforeAll(async () => {
    h = await startHarness();
    olga = (await h.client.createUser({ first_name: 'Ольга' })).id;
    adminChatId = (await h.client.createGroup('Сотрудники', [olga])).id;
    await h.stopBot();
    h.config.adminChatId = adminChatId;
    await h.startBot();
    const { db } = h.database;
    await new StaffService(db, new AuditLog(db, systemClock), systemClock).add(olga, 'operator');

    anna = await h.person();
    const { userId } = await loginResident(db, anna.id);
    accountNumber = freshAccountNumber();
    const created = await createAccountWithMeters(db, {
      number: accountNumber,
      meters: [
        {
          serial: `SW${accountNumber}`,
          zones: 2,
          digits: 5,
          readings: [
            { period: '2026-10', at: '2026-10-20T00:00:00.000Z', kwh: { T1: 95_000, T2: 4_000 } },
          ],
        },
      ],
    });
    meterId = created.meterIds[0] ?? 0;
    await linkDirectly(db, userId, accountNumber);
    // Ids of four digits and more: a grouped «#R5 558» once read back as reading 5 (issue 11).
    const insert = async (id: number, zone: string, kwh: number, flagged: boolean) => {
      const [row] = (await db('meter_readings')
        .insert({
          id,
          meter_id: meterId,
          zone,
          period: '2026-11',
          value_milli: kwh * 1000,
          source: 'bot',
          status: 'accepted',
          flagged,
          flag_reason: flagged ? 'over-3x-average' : null,
          submitted_by_user_id: userId,
          submitted_at: '2026-11-20T00:00:00.000Z',
        })
        .returning('id')) as ({ id: number } | number)[];
      return Number(typeof row === 'object' ? row.id : row);
    };
    flaggedId = await insert(5_558, 'T1', 4_080, true);
    otherFlaggedId = await insert(12_345, 'T2', 95_150, true);

    services = servicesOf(h);
  });
  afterAll(() => h.stop());

  it('when staff reject a flagged reading with a reason, then the resident is told, /readings shows it rejected, and the export leaves flagged readings out', async () => {
    expect(await services.readingReviews.queueCards()).toBe(2);
    expect(await services.readingReviews.queueCards()).toBe(0);
    const first = await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
    const second = await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
    const card = [first, second].find((m) => m.text?.includes(`#R${flaggedId}`));
    if (!card) throw new Error('no card for the flagged reading');
    expect(card.text).toMatch(/Передано: 4\s080 кВт·ч \(прошлое: 95\s000 кВт·ч\)/);
    expect(card.text).toContain('втрое выше среднего');
    expect(card.text).toContain(`#R${flaggedId}\n`);
    expect(card.text).toContain('зона Т1 день, период ноябрь 2026');

    await h.client.pressButton(adminChatId, olga, card, '❌ Отклонить с причиной');
    const prompt = await h.client.nextBotMessage(adminChatId);
    expect(prompt.text).toContain(`#R${flaggedId}`);
    await h.client.reply(adminChatId, olga, prompt.message_id, 'Перепутаны зоны день/ночь');
    expect((await h.client.nextBotMessage(adminChatId)).text).toBe(
      `Показания #R${flaggedId} отклонены.`,
    );
    // The card itself now shows the outcome, who decided and why, and has no buttons left.
    const decided = await h.client.waitForTranscript(adminChatId, (entries) =>
      Boolean(entries.find((m) => m.message_id === card.message_id)?.text?.includes('Отклонены')),
    );
    const edited = decided.find((m) => m.message_id === card.message_id);
    expect(edited?.text).toContain(`#R${flaggedId}`);
    expect(edited?.text).toContain('❌ Отклонены. Проверил(а): Ольга.');
    expect(edited?.text).toContain('Причина: Перепутаны зоны день/ночь');
    expect(edited?.reply_markup).toBeUndefined();
    const notice = await anna.next();
    expect(notice.text).toContain('за ноябрь 2026');
    expect(notice.text).toContain('отклонены специалистом');
    expect(notice.text).toContain('Причина: Перепутаны зоны день/ночь');

    const history = await anna.say('/readings');
    expect(history.text).toContain('отклонено: Перепутаны зоны день/ночь');

    // A second decision on the same reading is refused; «Отклонить» again says so at once
    // instead of asking for a reason.
    const accept = await h.client.pressButton(adminChatId, olga, card, '✅ Принять');
    expect((await h.client.callbackAnswer(accept)).text).toBe('Эти показания уже проверены.');
    const before = (await h.client.transcript(adminChatId)).length;
    const again = await h.client.pressButton(adminChatId, olga, card, '❌ Отклонить с причиной');
    expect((await h.client.callbackAnswer(again)).text).toBe('Эти показания уже проверены.');
    expect((await h.client.transcript(adminChatId)).length).toBe(before);
    const row = await h.database.db('meter_readings').where({ id: flaggedId }).first();
    expect(row.status).toBe('rejected');

    const out = join(mkdtempSync(join(tmpdir(), 'abonent-review-')), 'readings.csv');
    const report = await exportData(h.database.db, 'readings', {
      period: '2026-11',
      out,
      clock: systemClock,
    });
    const csv = readFileSync(out, 'utf8');
    expect(csv).not.toContain(`;${flaggedId}\r\n`);
    expect(csv).not.toContain(`;${otherFlaggedId}\r\n`);
    expect(report.heldForReview).toBe(1);
    const other = await h.database.db('meter_readings').where({ id: otherFlaggedId }).first();
    expect(other.status).toBe('accepted');
  });

  it('when staff accept a flagged reading, then it goes to billing with the next export', async () => {
    const transcript = await h.client.transcript(adminChatId);
    const card = transcript.find((m) => m.text?.includes(`#R${otherFlaggedId}`));
    if (!card) throw new Error('no card');
    await h.client.pressButton(adminChatId, olga, card, '✅ Принять');
    const decided = await h.client.waitForTranscript(adminChatId, (entries) =>
      Boolean(entries.find((m) => m.message_id === card.message_id)?.text?.includes('Приняты')),
    );
    const edited = decided.find((m) => m.message_id === card.message_id);
    expect(edited?.text).toContain('✅ Приняты. Проверил(а): Ольга.');
    expect(edited?.reply_markup).toBeUndefined();
    expect((await anna.next()).text).toContain('проверены специалистом и приняты');
    // The export from the admin chat: the same code as `abonent export`, as a file.
    await h.client.sendText(adminChatId, olga, '/export readings 2026-11');
    const file = await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
    expect(file.caption).toMatch(
      /^Выгрузка: показания за ноябрь 2026: строк \d+\. Не вошло \(ждут проверки специалиста\): 0\.$/,
    );
    const csv = (await h.client.downloadFile(file.document?.file_id ?? '')).toString('utf8');
    expect(csv).toContain(`;${otherFlaggedId}\r\n`);
    const row = await h.database.db('meter_readings').where({ id: otherFlaggedId }).first();
    expect(row.status).toBe('billed');
  });
});
