import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness';

describe('the staff chat', () => {
  let h: Harness;
  let adminChatId: number;
  let staffId: number;
  beforeAll(async () => {
    // The admin chat id must be known before the bot starts; the emulator numbers groups predictably,
    // so create the group on a first harness-independent client call and restart with the config.
    h = await startHarness();
    const staff = await h.client.createUser({ first_name: 'Оператор', language_code: 'ru' });
    staffId = staff.id;
    const group = await h.client.createGroup('Абонент — сотрудники', [staff.id]);
    adminChatId = group.id;
    await h.stopBot();
    h.config.adminChatId = adminChatId;
    await h.startBot();
  });
  afterAll(() => h.stop());

  it('when /chatid is sent in a group, tells the id needed for ADMIN_CHAT_ID', async () => {
    await h.client.sendText(adminChatId, staffId, '/chatid');
    expect((await h.client.nextBotMessage(adminChatId)).text).toBe(
      `Номер этого чата: ${adminChatId}`,
    );
  });

  it('when /help is sent in the admin chat, lists the staff commands', async () => {
    await h.client.sendText(adminChatId, staffId, '/help');
    expect((await h.client.nextBotMessage(adminChatId)).text).toContain('Команды сотрудников');
  });

  it('when /help is sent in some other group, the bot does not answer with staff help', async () => {
    const other = await h.client.createGroup('Соседи', [staffId]);
    await h.client.sendText(other.id, staffId, '/help');
    await h.client.sendText(other.id, staffId, '/chatid');
    const reply = await h.client.nextBotMessage(other.id);
    expect(reply.text).toBe(`Номер этого чата: ${other.id}`);
    const all = await h.client.transcript(other.id);
    expect(all.filter((e) => e.direction === 'out')).toHaveLength(1);
  });

  it('when the bot starts with an admin chat configured, that chat gets its own command menu', async () => {
    const commands = await h.bot().api.getMyCommands({
      scope: { type: 'chat', chat_id: adminChatId },
      language_code: 'ru',
    });
    expect(commands.map((c) => c.command)).toEqual(['help', 'chatid']);
  });
});
