import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit';
import { systemClock } from '../../../src/core/clock';
import {
  filterFromLabel,
  filterLabel,
  parseBroadcast,
} from '../../../src/features/broadcast/rules';
import { StaffService } from '../../../src/features/staff/service';
import { type Harness, startHarness } from '../../support/harness';

const csv = (lines: string[]) => ({
  filename: 'accounts.csv',
  mimeType: 'text/csv',
  data: Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8'),
});
const HEADER = 'number;holder_name;settlement;address;tariff_plan';

describe('the /broadcast syntax', () => {
  it('when there is no filter line, then the whole text goes to everybody', () => {
    expect(parseBroadcast('Завтра отключение\nс 10 до 12')).toEqual({
      kind: 'ok',
      filter: { kind: 'all' },
      text: 'Завтра отключение\nс 10 до 12',
    });
  });

  it('when the first line is settlement=<name> or debtors>=<rubles>, then it is the filter', () => {
    expect(parseBroadcast('settlement=Нагорный посёлок\nТекст')).toEqual({
      kind: 'ok',
      filter: { kind: 'settlement', name: 'Нагорный посёлок' },
      text: 'Текст',
    });
    expect(parseBroadcast('debtors>=1500,5\nОплатите')).toEqual({
      kind: 'ok',
      filter: { kind: 'debtors', minKopecks: 150_050 },
      text: 'Оплатите',
    });
    const round = filterFromLabel(filterLabel({ kind: 'debtors', minKopecks: 150_050 }));
    expect(round).toEqual({ kind: 'debtors', minKopecks: 150_050 });
  });

  it('when the text is missing, the amount is not a number or the text is too long, then it says so', () => {
    expect(parseBroadcast('')).toEqual({ kind: 'usage' });
    expect(parseBroadcast('debtors>=1500')).toEqual({ kind: 'usage' });
    expect(parseBroadcast('debtors>=много\nтекст')).toEqual({ kind: 'usage' });
    expect(parseBroadcast('x'.repeat(4097))).toEqual({ kind: 'too-long' });
  });
});

/** A CSV document with the caption /import <kind>: the CLI's importer, its report in the chat. */
describe('/import in the admin chat', () => {
  let h: Harness;
  let adminChatId: number;
  let olga: number;
  let stranger: number;

  beforeAll(async () => {
    h = await startHarness();
    olga = (await h.client.createUser({ first_name: 'Ольга' })).id;
    stranger = (await h.client.createUser({ first_name: 'Гость' })).id;
    adminChatId = (await h.client.createGroup('Сотрудники', [olga, stranger])).id;
    await h.stopBot();
    h.config.adminChatId = adminChatId;
    await h.startBot();
    await new StaffService(
      h.database.db,
      new AuditLog(h.database.db, systemClock),
      systemClock,
    ).add(olga, 'operator');
  });
  afterAll(() => h.stop());

  it('when staff send a good accounts file, then it is imported and the counts are answered', async () => {
    await h.client.sendDocument(
      adminChatId,
      olga,
      csv([
        HEADER,
        '4100000001;Петрова Анна;Елизово;ул. Ленина, 1;urban',
        '4100000002;Сидоров Пётр;Елизово;ул. Ленина, 2;rural',
      ]),
      '/import accounts',
    );
    const answer = await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
    expect(answer.text).toContain('строк 2, добавлено 2');
    expect(
      await h.database.db('accounts').whereIn('number', ['4100000001', '4100000002']),
    ).toHaveLength(2);
  });

  it('when the file has a bad line, then nothing is applied and the line number is answered', async () => {
    await h.client.sendDocument(
      adminChatId,
      olga,
      csv([
        HEADER,
        '4100000003;Иванов Иван;Елизово;ул. Ленина, 3;urban',
        '4100000004;;Елизово;ул. Ленина, 4;urban',
      ]),
      '/import accounts',
    );
    const answer = await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
    expect(answer.text).toContain('ничего не изменено');
    expect(answer.text).toMatch(/^Строка 3: /m);
    expect(await h.database.db('accounts').where('number', '4100000003')).toHaveLength(0);
  });

  it('when staff type /import accounts without a file, then the bot says what to attach', async () => {
    await h.client.sendText(adminChatId, olga, '/import accounts');
    expect((await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 })).text).toBe(
      'Пришлите CSV-файл документом (📎 → Файл) и в подписи к нему напишите /import и вид файла: accounts, meters, tariffs, charges или payments. Например: /import accounts',
    );
  });

  it('when the kind is unknown, then the usage is answered; a non-staff member gets nothing imported', async () => {
    await h.client.sendDocument(adminChatId, olga, csv([HEADER]), '/import everything');
    expect((await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 })).text).toContain(
      '/import',
    );
    await h.client.sendDocument(
      adminChatId,
      stranger,
      csv([HEADER, '4100000005;Чужой;Елизово;ул. Ленина, 5;urban']),
      '/import accounts',
    );
    await h.client.sendText(adminChatId, olga, '/help');
    const next = await h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
    expect(next.text).toContain('Команды сотрудников');
    expect(await h.database.db('accounts').where('number', '4100000005')).toHaveLength(0);
  });
});
