import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit';
import { systemClock } from '../../../src/core/clock';
import { StaffService } from '../../../src/features/staff/service';
import type { TranscriptEntry } from '../../../src/sandbox/client';
import { buttonTexts, type Harness, type Person, startHarness } from '../../support/harness';
import { createAccountWithMeters, freshAccountNumber } from '../../support/readings';
import { linkDirectly, loginResident } from '../../support/residents';

/**
 * `/broadcast` without a text, in the admin chat through the emulator: the bot asks for the text
 * (a kit flow of the admin who asked, not of the chat), shows the preview, and sends on confirm.
 */
describe('a broadcast whose text the bot asks for', () => {
  let h: Harness;
  let adminChatId: number;
  let olga: number;
  let pavel: number;
  let residents: Person[];

  beforeAll(async () => {
    h = await startHarness({}, { outboxPacing: { groupPerSecond: 50, groupBurst: 50 } });
    const { client } = h;
    olga = (await client.createUser({ first_name: 'Ольга' })).id;
    pavel = (await client.createUser({ first_name: 'Павел' })).id;
    adminChatId = (await client.createGroup('Сотрудники', [olga, pavel])).id;
    await h.stopBot();
    h.config.adminChatId = adminChatId;
    await h.startBot();
    const staff = new StaffService(
      h.database.db,
      new AuditLog(h.database.db, systemClock),
      systemClock,
    );
    await staff.add(olga, 'operator');
    await staff.add(pavel, 'admin');
    residents = [];
    for (const [i, settlement] of ['Елизово', 'Елизово', 'Вилючинск'].entries()) {
      const person = await h.person({ first_name: `Житель ${i}` });
      const { userId } = await loginResident(h.database.db, person.id);
      const number = freshAccountNumber();
      const { accountId } = await createAccountWithMeters(h.database.db, { number, meters: [] });
      await h.database.db('accounts').where({ id: accountId }).update({ settlement });
      await linkDirectly(h.database.db, userId, number);
      residents.push(person);
    }
  });
  afterAll(() => h.stop());

  const next = () => h.client.nextBotMessage(adminChatId, { timeoutMs: 8000 });
  const say = async (from: number, text: string): Promise<TranscriptEntry> => {
    await h.client.sendText(adminChatId, from, text);
    return next();
  };
  const drafts = async () =>
    Number((await h.database.db('broadcasts').count({ n: '*' }))[0]?.n ?? 0);

  it('when an admin sends /broadcast alone, then the bot asks for the text, ignores a colleague meanwhile, shows the preview and sends on «Отправить»', async () => {
    const asked = await say(pavel, '/broadcast');
    expect(asked.text).toContain('Напишите текст рассылки');
    expect(buttonTexts(asked)).toEqual(['✖️ Отмена']);

    // A colleague's message in the chat is not the admin's answer.
    await h.client.sendText(adminChatId, olga, 'Коллеги, я на обеде до двух');
    const text = 'Уважаемые жители! В субботу с 9 до 11 плановые работы на подстанции.';
    const preview = await say(pavel, text);
    expect(preview.text).toContain('Получателей: 3.');
    expect(preview.text).toContain(text);
    expect(preview.text).not.toContain('на обеде');
    expect(buttonTexts(preview)).toEqual(['✅ Отправить', '✖️ Отмена']);

    await h.client.pressButton(adminChatId, pavel, preview, '✅ Отправить');
    for (const resident of residents) expect((await resident.next()).text).toBe(text);
    await h.client.waitForTranscript(adminChatId, (e) =>
      e.some((m) => m.text?.includes('завершена: отправлено 3 из 3')),
    );
  });

  it('when an admin gives only a filter line, then the text is asked and the preview counts that settlement; Cancel drafts nothing', async () => {
    const before = await drafts();
    const asked = await say(pavel, '/broadcast settlement=Вилючинск');
    expect(asked.text).toContain('Напишите текст рассылки');
    const preview = await say(pavel, 'Вилючинск: завтра без света с 10 до 12.');
    expect(preview.text).toContain('Рассылка (settlement=Вилючинск). Получателей: 1.');
    expect(await drafts()).toBe(before + 1);

    const again = await say(pavel, '/broadcast');
    await h.client.pressButton(adminChatId, pavel, again, '✖️ Отмена');
    expect((await next()).text).toBe('Действие отменено.');
    // After the flow the admin's messages are ordinary chat again: no preview, no draft.
    await h.client.sendText(adminChatId, pavel, 'просто сообщение');
    const probe = await say(pavel, '/help');
    expect(probe.text).toContain('/broadcast');
    expect(await drafts()).toBe(before + 1);
  });

  it('when the text is near Telegram’s limit, then the preview shows its start visibly cut and the draft keeps it whole', async () => {
    await say(pavel, '/broadcast');
    const text = `Важно. ${'Плановые работы на линии. '.repeat(160)}`.slice(0, 4090);
    const preview = await say(pavel, text);
    expect(preview.text?.length).toBeLessThanOrEqual(4096);
    expect(preview.text).toContain('Получателей: 3.');
    expect(preview.text?.endsWith('…')).toBe(true);
    const draft = await h.database.db('broadcasts').orderBy('id', 'desc').first();
    expect(draft.text).toBe(text.trim());
    await h.client.pressButton(adminChatId, pavel, preview, '✖️ Отмена');
  });

  it('when the admin types /cancel or another command while asked for the text, then the flow ends (and the command runs); a colleague’s /cancel touches nothing', async () => {
    const before = await drafts();
    await say(pavel, '/broadcast');
    // Olga has no flow here: her /cancel gets no answer and leaves Pavel's flow alone.
    await h.client.sendText(adminChatId, olga, '/cancel');
    expect((await say(pavel, '/cancel')).text).toBe('Действие отменено.');
    await say(pavel, '/broadcast');
    // Another command inside the flow: it ends (and says so), then the command runs.
    expect((await say(pavel, '/stats')).text).toBe('Рассылка не подготовлена.');
    expect((await next()).text).toMatch(/📊 Сводка за/);
    // The flow is over: a plain message now is not a broadcast text.
    await h.client.sendText(adminChatId, pavel, 'Это не рассылка');
    expect((await say(pavel, '/help')).text).toContain('/broadcast');
    expect(await drafts()).toBe(before);
  });

  it('when an operator sends /broadcast alone, then no text is asked: only an admin may broadcast', async () => {
    const answer = await say(olga, '/broadcast');
    expect(answer.text).toBe('Рассылку может отправить только администратор.');
    await h.client.sendText(adminChatId, olga, 'Отключение завтра');
    const probe = await say(pavel, '/help');
    expect(probe.text).toContain('/broadcast');
  });
});
