import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/core/audit';
import { systemClock } from '../../src/core/clock';
import { StaffService } from '../../src/features/staff/service';
import { type Harness, startHarness } from '../support/harness';
import { linkDirectly, loginResident } from '../support/residents';

describe('the staff chat', () => {
  let h: Harness;
  let adminChatId: number;
  let staffId: number;
  let guestId: number;
  beforeAll(async () => {
    // The admin chat id must be known before the bot starts; the emulator numbers groups predictably,
    // so create the group on a first harness-independent client call and restart with the config.
    h = await startHarness();
    const staff = await h.client.createUser({ first_name: 'Оператор', language_code: 'ru' });
    staffId = staff.id;
    guestId = (await h.client.createUser({ first_name: 'Гость', language_code: 'ru' })).id;
    const group = await h.client.createGroup('Абонент — сотрудники', [staff.id, guestId]);
    adminChatId = group.id;
    await h.stopBot();
    h.config.adminChatId = adminChatId;
    await h.startBot();
    await new StaffService(
      h.database.db,
      new AuditLog(h.database.db, systemClock),
      systemClock,
    ).add(staffId, 'operator');
  });
  afterAll(() => h.stop());

  it('when staff /find a resident by phone, then the phone reads «+7 (914) 777-00-11» as everywhere', async () => {
    const db = h.database.db;
    const now = new Date().toISOString();
    const number = '77700011';
    await db('accounts').insert({
      number,
      holder_name: 'Иванова Анна Петровна',
      settlement: 'Елизово',
      address: 'г. Елизово, ул. Ленина, д. 1, кв. 2',
      tariff_plan: 'urban',
      created_at: now,
      updated_at: now,
    });
    const person = await h.client.createUser({ first_name: 'Анна', language_code: 'ru' });
    const { userId } = await loginResident(db, person.id);
    await db('users').where({ id: userId }).update({ phone: '+79147770011' });
    await linkDirectly(db, userId, number);
    await h.client.sendText(adminChatId, staffId, '/find 9147770011');
    const found = await h.client.nextBotMessage(adminChatId);
    expect(found.text).toContain('тел. +7 (914) 777-00-11');
    expect(found.text).not.toContain('+79147770011');
  });

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

  it('when someone outside the staff registry sends /help in the admin chat, then it is ignored and audited', async () => {
    const guest = { id: guestId };
    const before = (await h.client.transcript(adminChatId)).length;
    await h.client.sendText(adminChatId, guest.id, '/help');
    await expect
      .poll(
        async () =>
          (
            await h.database
              .db('audit_log')
              .where({ action: 'staff.denied', telegram_user_id: guest.id })
          ).length,
      )
      .toBe(1);
    const after = await h.client.transcript(adminChatId);
    expect(after.slice(before).filter((e) => e.direction === 'out')).toEqual([]);
  });

  it('when a staff member sends /help in a private chat, then staff commands are not offered there', async () => {
    await h.client.sendText(staffId, staffId, '/help');
    expect((await h.client.nextBotMessage(staffId)).text).not.toContain('Команды сотрудников');
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
    expect(commands.map((c) => c.command)).toEqual([
      'help',
      'find',
      'stats',
      'export',
      'broadcast',
      'import',
      'chatid',
    ]);
  });
});
