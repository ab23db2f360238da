import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoAccount, seedDemo } from '../../../src/demo/seed';
import { LINK_MAX_FAILURES_PER_USER } from '../../../src/features/accounts/rules';
import { buttonTexts, type Harness, type Person, startHarness } from '../../support/harness';
import { linkDirectly, loginResident } from '../../support/residents';

describe('personal accounts in the bot', () => {
  let h: Harness;
  let showcase: DemoAccount[];
  const byNote = (note: string): DemoAccount => {
    const account = showcase.find((a) => a.note === note);
    if (!account) throw new Error(`no showcase account "${note}"`);
    return account;
  };
  const loggedIn = async (): Promise<{ person: Person; userId: number }> => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    return { person, userId };
  };
  const links = async (userId: number) =>
    (
      (await h.database
        .db('account_links as l')
        .join('accounts as a', 'a.id', 'l.account_id')
        .where('l.user_id', userId)
        .select('a.number')) as { number: string }[]
    ).map((r) => r.number);

  beforeAll(async () => {
    h = await startHarness();
    ({ showcase } = await seedDemo(h.database.db, { accounts: 12, seed: 7, now: new Date() }));
  });
  afterAll(() => h.stop());

  it('when a guest sends /accounts, then they are asked to log in first and shown the start menu', async () => {
    const guest = await h.person();
    const reply = await guest.say('/accounts');
    expect(reply.text).toContain('Сначала войдите в личный кабинет');
    expect(buttonTexts(reply)).toEqual(['🔑 Войти', '📝 Зарегистрироваться', '❓ Помощь']);
    expect((await guest.say('/balance')).text).toContain('Сначала войдите');
    expect((await guest.say('/link')).text).toContain('Сначала войдите');
  });

  it('when a resident has 40 accounts with long addresses, then /accounts pages within Telegram limits and every account is reachable', async () => {
    const { person, userId } = await loggedIn();
    const now = new Date().toISOString();
    const prefix = `9${String(person.id).slice(-5)}`;
    // ~105 characters, as real rural addresses run; the longest the billing file allows is 500.
    const address = (i: number) =>
      `Камчатский край, Елизовский район, посёлок Раздольный, улица Первомайская, дом ${i}, корпус 2, квартира ${100 + i}`;
    const numbers = Array.from({ length: 40 }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
    await h.database.db('accounts').insert(
      numbers.map((number, i) => ({
        number,
        holder_name: 'Иванова Анна Петровна',
        settlement: 'Раздольный',
        address: i === 39 ? 'я'.repeat(500) : address(i),
        tariff_plan: 'rural',
        created_at: now,
        updated_at: now,
      })),
    );
    for (const number of numbers) await linkDirectly(h.database.db, userId, number);

    const seen = new Set<string>();
    let page = await person.say('/accounts');
    for (let i = 0; i < 10; i++) {
      expect(page.text?.length ?? 0).toBeLessThanOrEqual(4096);
      for (const match of page.text?.matchAll(/№ (\d+)/g) ?? []) seen.add(match[1] ?? '');
      expect(buttonTexts(page)).toContain('➕ Подключить счёт');
      if (!buttonTexts(page).includes('Позже ▶')) break;
      await person.press(page, 'Позже ▶');
      page = await person.next();
    }
    expect(page.text).toMatch(/Страница 5 из 5/);
    expect(buttonTexts(page)).toContain('◀ Раньше');
    expect([...seen].sort()).toEqual(numbers);
    expect(h.logs.join('')).not.toContain('message is too long');
  });

  it('when a resident has no accounts, then /accounts says so and offers to link one', async () => {
    const { person } = await loggedIn();
    const reply = await person.say('/accounts');
    expect(reply.text).toContain('нет подключённых лицевых счетов');
    expect(buttonTexts(reply)).toEqual(['➕ Подключить счёт']);
  });

  it('when the proof is wrong and then right, then the account is linked after the second try', async () => {
    const { person, userId } = await loggedIn();
    const account = byNote('two-zone');
    const askNumber = await person.say('/link');
    expect(askNumber.text).toContain('номер лицевого счёта');
    expect(buttonTexts(askNumber)).toEqual(['✖️ Отмена']);
    expect((await person.say('не помню')).text).toContain('не похоже на номер');
    expect((await person.say(account.number)).text).toContain('заводской номер счётчика или сумму');
    expect((await person.say('00000001')).text).toBe(
      'Номер счёта или подтверждение не подошли. Проверьте по квитанции и попробуйте ещё раз.',
    );
    expect((await person.next()).text).toContain('номер лицевого счёта');
    await person.say(account.number);
    const done = await person.say(account.meterSerial);
    expect(done.text).toBe(`✅ Лицевой счёт № ${account.number} подключён и выбран текущим.`);
    expect(buttonTexts(done)).toEqual(['📄 Карточка счёта', '📋 Мои счета']);
    expect(await links(userId)).toEqual([account.number]);
  });

  it('when an unknown number is given, then the answer is word for word the one for a wrong proof', async () => {
    const { person } = await loggedIn();
    await person.say('/link');
    await person.say('4999999999');
    const unknown = await person.say('12345678');
    await person.next();
    await person.say(byNote('debtor').number);
    const wrong = await person.say('12345678');
    expect(unknown.text).toBe(wrong.text);
    await h.client.sendText(person.id, person.id, '/cancel');
    await person.next();
  });

  it('when the link form is cancelled with the button, then nothing is linked and the resident is told', async () => {
    const { person, userId } = await loggedIn();
    const ask = await person.say('/link');
    await person.press(ask, '✖️ Отмена');
    expect((await person.next()).text).toContain('Действие отменено');
    expect(await links(userId)).toEqual([]);
  });

  it('when five attempts failed, then the last one says attempts are over and the next try is refused even with the right proof', async () => {
    const { person, userId } = await loggedIn();
    const account = byNote('debtor');
    const fail = async () => {
      await person.say(account.number);
      return person.say('nope-0000');
    };
    await person.say('/link');
    for (let i = 0; i < 3; i++) {
      expect((await fail()).text).toContain('не подошли');
      await person.next(); // the number again, or "not linked" after the third round
    }
    await person.say('/link');
    expect((await fail()).text).toContain('не подошли');
    await person.next();
    const last = await fail();
    expect(last.text).toMatch(/Попытки закончились — попробуйте снова через \d+ мин\./);
    await person.say('/link');
    await person.say(account.number);
    const refused = await person.say(account.meterSerial);
    expect(refused.text).toMatch(/^Слишком много попыток\. Попробуйте снова через \d+ мин\./);
    expect(refused.text).toContain(h.config.operator.phone);
    expect(await links(userId)).toEqual([]);
    const audited = await h.database.db('audit_log').where({ user_id: userId }).select('action');
    expect(
      audited.filter((r: { action: string }) => r.action === 'account.link.failed'),
    ).toHaveLength(LINK_MAX_FAILURES_PER_USER);
  });

  it('when a second resident links an account, then the first one gets a notice through the outbox', async () => {
    const first = await loggedIn();
    const second = await loggedIn();
    const account = byNote('three-zone');
    await linkDirectly(h.database.db, first.userId, account.number);
    await second.person.say('/link');
    await second.person.say(account.number);
    const rubles = (account.lastChargeKopecks / 100).toFixed(2).replace('.', ',');
    expect((await second.person.say(rubles)).text).toContain('подключён');
    const notices = await h.database
      .db('outbox')
      .where({ chat_id: first.person.id })
      .select('payload');
    expect(notices).toHaveLength(1);
    // Queued as a message key; the worker renders it in the first resident's language.
    expect((await first.person.next()).text).toContain(`№ ${account.number}`);
  });

  it('when another account is chosen in the list, then it becomes current and the list marks it', async () => {
    const { person, userId } = await loggedIn();
    const one = byNote('one-zone');
    const adv = byNote('advance');
    await linkDirectly(h.database.db, userId, one.number);
    await linkDirectly(h.database.db, userId, adv.number);
    const list = await person.say('/accounts');
    expect(list.text).toContain(`✅ № ${one.number}`);
    expect(list.text).toContain(`▫️ № ${adv.number}`);
    expect(buttonTexts(list)).toEqual([
      `📄 № ${one.number}`,
      `📄 № ${adv.number}`,
      '✅ Выбрать',
      '➕ Подключить счёт',
    ]);
    await person.press(list, '✅ Выбрать');
    expect((await person.next()).text).toBe(`Готово: текущий счёт — № ${adv.number}.`);
    const after = await person.say('/accounts');
    expect(after.text).toContain(`✅ № ${adv.number}`);
    expect(after.text).toContain(`▫️ № ${one.number}`);
    expect((await person.say('/balance')).text).toContain(`Текущий счёт: № ${adv.number}`);
    await person.press(after, `📄 № ${one.number}`);
    const card = await person.next();
    expect(buttonTexts(card)).toContain('✅ Сделать текущим');
    await person.press(card, '💰 Баланс');
    expect((await person.next()).text).toContain(`Лицевой счёт № ${one.number} (не текущий)`);
  });

  it('when another command is sent in the middle of linking, then linking stops and the command is answered', async () => {
    const { person, userId } = await loggedIn();
    await person.say('/link');
    await person.say(byNote('one-zone').number);
    expect((await person.say('/accounts')).text).toBe('Подключение счёта отменено.');
    const reply = await person.next();
    expect(reply.text).toContain('нет подключённых лицевых счетов');
    expect((await person.say(byNote('one-zone').meterSerial)).text).toContain('Я не понял');
    expect(await links(userId)).toEqual([]);
  });

  it('when unlinking, then it is asked first; "no" keeps the account and "yes" removes it', async () => {
    const { person, userId } = await loggedIn();
    const account = byNote('meter near rollover');
    await linkDirectly(h.database.db, userId, account.number);
    const list = await person.say('/accounts');
    await person.press(list, `📄 № ${account.number}`);
    const card = await person.next();
    await person.press(card, '🗑 Отключить счёт');
    const confirm = await person.next();
    expect(confirm.text).toContain(`Отключить лицевой счёт № ${account.number}`);
    expect(buttonTexts(confirm)).toEqual(['🗑 Да, отключить', '⬅️ Нет, оставить']);
    await person.press(confirm, '⬅️ Нет, оставить');
    expect((await person.next()).text).toContain('остаётся подключённым');
    expect(await links(userId)).toEqual([account.number]);
    await person.press(card, '🗑 Отключить счёт');
    await person.press(await person.next(), '🗑 Да, отключить');
    expect((await person.next()).text).toBe(`Счёт № ${account.number} отключён.`);
    expect(await links(userId)).toEqual([]);
  });

  it('when the card of an account with verification due soon is opened, then it shows the masked holder, the meter, readings and a warning', async () => {
    const { person, userId } = await loggedIn();
    const account = byNote('verification due soon');
    const accountId = await linkDirectly(h.database.db, userId, account.number);
    const list = await person.say('/accounts');
    await person.press(list, `📄 № ${account.number}`);
    const card = await person.next();
    const [surname, first] = account.holder.split(' ');
    expect(card.text).toContain(`Владелец: ${surname} ${first?.[0]}.*.`);
    expect(card.text).not.toContain(account.holder);
    expect(card.text).toContain(`Адрес: ${account.address}`);
    expect(card.text).toContain('Тариф: население');
    expect(card.text).toContain(`Счётчик № ${account.meterSerial}`);
    expect(card.text).toMatch(
      /Т1 круглосуточно: [\d\s\u00a0,]+ кВт·ч \(показание от \d{1,2} [а-я]+ \d{4}\)/,
    );
    expect(card.text).toMatch(/⚠️ Поверка до \d{1,2} [а-я]+ \d{4} — осталось \d+ дн\./);
    const rows = (await h.database
      .db('ledger')
      .where({ account_id: accountId })
      .select('kind', 'amount_kopecks')) as { kind: string; amount_kopecks: number }[];
    const balance = rows.reduce(
      (sum, r) => sum + (r.kind === 'payment' ? -1 : 1) * Number(r.amount_kopecks),
      0,
    );
    const money = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
    const expected =
      balance > 0
        ? `Задолженность: ${money.format(balance / 100)}`
        : balance < 0
          ? `Переплата (аванс): ${money.format(-balance / 100)}`
          : 'Задолженности нет.';
    expect(card.text).toContain(expected);
    expect(buttonTexts(card)).toEqual(['💰 Баланс', '🗑 Отключить счёт', '📋 Мои счета']);
  });

  it('when the card of an account with expired verification or automated metering is opened, then it says so', async () => {
    const { person, userId } = await loggedIn();
    const expired = byNote('verification expired');
    const automated = byNote('automated metering');
    await linkDirectly(h.database.db, userId, expired.number);
    await linkDirectly(h.database.db, userId, automated.number);
    const list = await person.say('/accounts');
    await person.press(list, `📄 № ${expired.number}`);
    expect((await person.next()).text).toMatch(
      /❗ Срок поверки истёк \d{1,2} [а-я]+ \d{4}\. Показания по этому счётчику не принимаются/,
    );
    await person.press(list, `📄 № ${automated.number}`);
    const card = await person.next();
    expect(card.text).toContain('Автоматический учёт (АСКУЭ)');
    expect(card.text).toContain('Т1 день:');
    expect(card.text).toContain('Т2 ночь:');
  });

  it('when a crafted button names another resident’s account, then it is refused and nothing changes', async () => {
    const owner = await loggedIn();
    const stranger = await loggedIn();
    const account = byNote('one-zone');
    const accountId = await linkDirectly(h.database.db, owner.userId, account.number);
    const own = await stranger.person.say('/accounts');
    for (const data of [
      `v1|acc|open|${accountId}`,
      `v1|acc|cur|${accountId}`,
      `v1|acc|unly|${accountId}`,
      `v1|bal|show|${accountId}`,
      `v1|bal|hist|${accountId}|last`,
      `v1|bal|chart|${accountId}`,
    ]) {
      const id = await h.client.sendCallback(
        stranger.person.id,
        stranger.person.id,
        own.message_id,
        data,
      );
      const answer = await h.client.callbackAnswer(id);
      expect(answer, data).toMatchObject({
        text: 'Этот счёт не подключён к вашему кабинету.',
        show_alert: true,
      });
    }
    expect(await links(owner.userId)).toEqual([account.number]);
    const current = await h.database
      .db('telegram_identities')
      .where({ telegram_user_id: stranger.person.id })
      .first('current_account_id');
    expect(current?.current_account_id ?? null).toBeNull();
    const transcript = await h.client.botMessagesAfter(stranger.person.id, own.message_id);
    expect(transcript).toEqual([]);
  });
});
