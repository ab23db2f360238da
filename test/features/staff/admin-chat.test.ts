import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit';
import { systemClock } from '../../../src/core/clock';
import { AdminChat, StaffService } from '../../../src/features/staff/service';
import { type Harness, startHarness } from '../../support/harness';
import { loginResident } from '../../support/residents';
import { servicesOf } from '../../support/services';

/** The admin chat changing under the bot must never stop it from serving residents. */
describe('the admin chat changing under the bot', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('when the configured admin chat does not exist, then the bot starts, serves residents, and says what to fix', async () => {
    h = await startHarness({ ADMIN_CHAT_ID: '-100999000111' });
    const anna = await h.person();
    expect((await anna.say('/start')).text).toContain('Здравствуйте');
    const health = await new AdminChat(h.database.db, -100999000111, systemClock).health();
    expect(health.problem).toContain('chat not found');
    expect(health.problem).toContain('ADMIN_CHAT_ID');
    expect(h.logs.join('')).toContain('is not reachable');
  });

  it('when the admin group was upgraded to a supergroup before a start, then the bot follows the new id and staff work there', async () => {
    h = await startHarness();
    const olga = (await h.client.createUser({ first_name: 'Ольга' })).id;
    const group = await h.client.createGroup('Сотрудники', [olga]);
    await new StaffService(
      h.database.db,
      new AuditLog(h.database.db, systemClock),
      systemClock,
    ).add(olga, 'operator');
    const supergroup = await h.client.migrateGroup(group.id);
    await h.stopBot();
    h.config.adminChatId = group.id;
    await h.startBot();

    const health = await new AdminChat(h.database.db, group.id, systemClock).health();
    expect(health).toEqual({ configured: true, chatId: supergroup.id, migratedFrom: group.id });
    const commands = await h.bot().api.getMyCommands({
      scope: { type: 'chat', chat_id: supergroup.id },
      language_code: 'ru',
    });
    expect(commands.map((c) => c.command)).toContain('help');
    await h.client.sendText(supergroup.id, olga, '/help');
    expect((await h.client.nextBotMessage(supergroup.id)).text).toContain('Команды сотрудников');
  });

  it('when the group is upgraded while the bot runs, then a card queued for the old id reaches the new chat', async () => {
    h = await startHarness();
    const olga = (await h.client.createUser({ first_name: 'Ольга' })).id;
    const group = await h.client.createGroup('Сотрудники', [olga]);
    await h.stopBot();
    h.config.adminChatId = group.id;
    await h.startBot();
    const supergroup = await h.client.migrateGroup(group.id);

    const anna = await h.person();
    const { userId } = await loginResident(h.database.db, anna.id);
    const services = servicesOf(h);
    const created = await services.appeals.create({
      userId,
      telegramUserId: anna.id,
      topic: 'other',
      accountId: null,
      text: 'Вопрос после переезда чата',
      attachments: [],
    });
    if (created.kind !== 'created') throw new Error(created.kind);
    const card = await h.client.nextBotMessage(supergroup.id, { timeoutMs: 8000 });
    expect(card.text).toContain(created.appeal.number);
    expect((await services.adminChat.health()).chatId).toBe(supergroup.id);
  });
});
