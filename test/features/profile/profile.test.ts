import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUEST_BUTTONS_RU,
  buttonTexts,
  type Harness,
  type Person,
  replyButtonTexts,
  startHarness,
} from '../../support/harness';
import { AUDIT_ACTIONS } from '../../../src/core/audit';
import { KNOWN_PASSWORD, loggedInResident } from '../../support/logged-in';
import { codeFrom, startTestSmtp, type TestSmtp } from '../../support/smtp';

describe('/profile and /security', () => {
  let h: Harness;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startTestSmtp();
    h = await startHarness({ SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await h.stop();
    await smtp.stop();
  });

  const user = (id: number) => h.database.db('users').where({ id }).first();

  async function resident(): Promise<{ person: Person; userId: number; email: string }> {
    const person = await h.person();
    const { userId, email } = await loggedInResident(h.database.db, person.id);
    return { person, userId, email };
  }

  it('when a guest sends /profile, /security, /privacy or /mydata, they are asked to log in first with the start menu', async () => {
    const guest = await h.person();
    for (const command of ['/profile', '/security', '/privacy', '/mydata']) {
      const reply = await guest.say(command);
      expect(reply.text).toBe('Сначала войдите в личный кабинет или зарегистрируйтесь.');
      expect(buttonTexts(reply)).toContain('🔑 Войти');
    }
  });

  it('when a resident opens /profile, sees every field with a button to edit it', async () => {
    const { person, email } = await resident();
    const card = await person.say('/profile');
    expect(card.text).toContain('ФИО: Иванова Анна Петровна');
    expect(card.text).toContain('Телефон: не указано');
    expect(card.text).toContain(`Эл. почта: ${email}`);
    expect(card.text).toContain('Язык: 🇷🇺 Русский');
    expect(buttonTexts(card)).toEqual([
      '✏️ ФИО',
      '📞 Телефон',
      '🏠 Адрес',
      '✉️ Эл. почта',
      '🌐 Язык',
      '🔑 Сменить пароль',
      '🛡 Входы и безопасность',
    ]);
  });

  it('when the name has digits or emoji, it is refused with the reason; a proper name is saved', async () => {
    const { person, userId } = await resident();
    const card = await person.say('/profile');
    await person.press(card, '✏️ ФИО');
    expect((await person.next()).text).toContain('Напишите фамилию, имя и отчество');
    expect((await person.say('Петров 2')).text).toContain('не может быть цифр');
    expect((await person.say('Петров 😀')).text).toContain('без смайликов');
    const saved = await person.say('Петров-Водкин Кузьма Сергеевич');
    expect(saved.text).toBe('ФИО сохранено.');
    const updated = await person.next();
    expect(updated.text).toContain('ФИО: Петров-Водкин Кузьма Сергеевич');
    expect((await user(userId)).full_name).toBe('Петров-Водкин Кузьма Сергеевич');
  });

  it('when the phone is typed in a common format, it is stored as +7…; garbage is refused', async () => {
    const { person, userId } = await resident();
    await person.press(await person.say('/profile'), '📞 Телефон');
    const ask = await person.next();
    expect(replyButtonTexts(ask)).toEqual(['📱 Отправить мой номер', '✖️ Отмена']);
    expect((await person.say('позвоните мне')).text).toContain('Не получилось распознать номер');
    expect((await person.say('-79147770011')).text).toContain('Не получилось распознать номер');
    expect((await person.say('8 (914) 123-45-67')).text).toBe(
      'Телефон сохранён: +7 (914) 123-45-67.',
    );
    expect((await user(userId)).phone).toBe('+79141234567');
  });

  it('when the resident shares their own contact, the number is saved; someone else’s is refused', async () => {
    const { person, userId } = await resident();
    await person.press(await person.say('/profile'), '📞 Телефон');
    await person.next();
    await h.client.shareContact(person.id, person.id, {
      phone_number: '79001112233',
      first_name: 'Сосед',
      user_id: person.id + 1000,
    });
    expect((await person.next()).text).toContain('Это чужой контакт');
    await h.client.shareContact(person.id, person.id, {
      phone_number: '79145556677',
      first_name: 'Анна',
      user_id: person.id,
    });
    const saved = await person.next();
    expect(saved.text).toBe('Телефон сохранён: +7 (914) 555-66-77.');
    expect((await user(userId)).phone).toBe('+79145556677');
    const refused = await h.database
      .db('audit_log')
      .where({ user_id: userId, action: 'profile.phone-refused' });
    expect(refused).toHaveLength(1);
  });

  it('when the address is edited, too short is refused and a real one saved', async () => {
    const { person, userId } = await resident();
    await person.press(await person.say('/profile'), '🏠 Адрес');
    await person.next();
    expect((await person.say('дом')).text).toContain('Слишком коротко');
    expect((await person.say('г. Елизово, ул. Завойко, д. 5, кв. 12')).text).toBe(
      'Адрес сохранён.',
    );
    expect((await user(userId)).address).toBe('г. Елизово, ул. Завойко, д. 5, кв. 12');
  });

  it('when the language is switched to English, the card and the stored locale follow', async () => {
    const { person, userId } = await resident();
    await person.press(await person.say('/profile'), '🌐 Язык');
    const choose = await person.next();
    await person.press(choose, '🇬🇧 English');
    expect((await person.next()).text).toBe('Language changed.');
    expect((await person.next()).text).toContain('Language: 🇬🇧 English');
    expect((await user(userId)).locale).toBe('en');
  });

  it('when /cancel is sent in the middle of an edit, nothing changes', async () => {
    const { person, userId } = await resident();
    await person.press(await person.say('/profile'), '✏️ ФИО');
    await person.next();
    await person.say('/cancel');
    expect((await user(userId)).full_name).toBe('Иванова Анна Петровна');
  });

  it('when the e-mail is changed, the current password comes first, the code goes to the new address, the old one is told, and the change is audited', async () => {
    const { person, userId, email } = await resident();
    const newEmail = `new-${person.id}@example.org`;
    await person.press(await person.say('/profile'), '✉️ Эл. почта');
    expect((await person.next()).text).toContain('Введите текущий пароль');
    const wrongPassword = await h.client.sendText(person.id, person.id, 'чужой-пароль-123');
    expect((await h.client.nextBotMessage(person.id)).text).toContain('Неверный пароль');
    const right = await h.client.sendText(person.id, person.id, KNOWN_PASSWORD);
    expect((await h.client.nextBotMessage(person.id)).text).toContain('Напишите новый адрес');
    // Both password messages are gone from the chat.
    const transcript = await h.client.transcript(person.id);
    for (const sent of [wrongPassword, right]) {
      expect(transcript.find((e) => e.message_id === sent.message_id)).toMatchObject({
        deleted: true,
      });
    }
    expect(
      await h.database
        .db('audit_log')
        .where({ user_id: userId, action: 'password-change.wrong-current' }),
    ).toHaveLength(1);
    expect((await person.say('не адрес')).text).toContain('не похоже на адрес');
    expect((await person.say(email)).text).toContain('Это ваш текущий адрес');
    expect((await person.say(newEmail.toUpperCase())).text).toContain(
      `Мы отправили письмо на ${newEmail}`,
    );
    const letter = await smtp.nextMail(newEmail);
    expect(letter.subject).toBe('Код для смены адреса почты');
    const code = codeFrom(letter);
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await person.say(wrong)).text).toBe('Неверный код. Осталось попыток: 4.');
    expect((await person.say(code)).text).toContain(`изменён на ${newEmail}`);
    const notice = await smtp.nextMail(email);
    expect(notice.subject).toBe('Адрес почты личного кабинета изменён');
    expect(notice.text).toContain(newEmail);
    expect((await user(userId)).email).toBe(newEmail);
    const audited = await h.database
      .db('audit_log')
      .where({ user_id: userId, action: 'profile.email' });
    expect(audited).toHaveLength(1);
  });

  it('when the e-mail code is awaited, then «Отправить код ещё раз» is offered, waits a minute like registration, then mails a fresh code that works', async () => {
    const { person, userId } = await resident();
    const newEmail = `again-${person.id}@example.org`;
    await person.press(await person.say('/profile'), '✉️ Эл. почта');
    await person.next();
    await person.say(KNOWN_PASSWORD);
    const asked = await person.say(newEmail);
    expect(asked.text).toContain(`Мы отправили письмо на ${newEmail}`);
    expect(buttonTexts(asked)).toEqual(['✉️ Отправить код ещё раз', '✖️ Отмена']);
    const first = codeFrom(await smtp.nextMail(newEmail));
    await person.press(asked, '✉️ Отправить код ещё раз');
    const wait = await person.next();
    expect(wait.text).toMatch(/^Новый код можно запросить через \d+ с\.$/);
    // A minute later (the resend window moved back rather than waited for).
    const past = new Date(Date.now() - 61_000).toISOString();
    await h.database
      .db('rate_limits')
      .where({ scope: `resend:change_email:${userId}` })
      .update({ window_start: past });
    await person.press(wait, '✉️ Отправить код ещё раз');
    expect((await person.next()).text).toBe('Новый код отправлен. Проверьте почту.');
    const second = codeFrom(await smtp.nextMail(newEmail));
    if (second !== first) {
      expect((await person.say(first)).text).toContain('Неверный код');
    }
    expect((await person.say(second)).text).toContain(`изменён на ${newEmail}`);
    expect((await user(userId)).email).toBe(newEmail);
  });

  it('when the new e-mail is on a Cyrillic domain or its punycode, then it is accepted as one address and the code arrives', async () => {
    const { person, userId } = await resident();
    const unicode = `ivan${person.id}@почта.рф`;
    const punycode = `ivan${person.id}@xn--80a1acny.xn--p1ai`;
    await person.press(await person.say('/profile'), '✉️ Эл. почта');
    await person.next();
    await person.say(KNOWN_PASSWORD);
    expect((await person.say(` ${punycode.toUpperCase()} `)).text).toContain(
      `Мы отправили письмо на ${unicode}`,
    );
    const letter = await smtp.nextMail(unicode);
    expect((await person.say(codeFrom(letter))).text).toContain(`изменён на ${unicode}`);
    expect((await user(userId)).email).toBe(unicode);
  });

  it('when the e-mail change is started and the password is wrong five times, then the flow ends and no code is sent', async () => {
    const { person, userId } = await resident();
    await person.press(await person.say('/profile'), '✉️ Эл. почта');
    await person.next();
    let last = '';
    for (let i = 0; i < 5; i++) last = (await person.say(`неверный-${i}-пароль`)).text ?? '';
    expect(last).not.toContain('Напишите новый адрес');
    expect(
      await h.database.db('one_time_codes').where({ user_id: userId, purpose: 'change_email' }),
    ).toEqual([]);
    // The next text is not taken as a new address.
    const after = await person.say(`new-${person.id}@example.org`);
    expect(after.text).not.toContain('Мы отправили письмо');
  });

  it('when the password is changed, the current one is required, each password message is deleted, and the new one works', async () => {
    const { person, userId } = await resident();
    const family = await h.person({ first_name: 'Пётр' });
    await loggedInResident(h.database.db, family.id, { userId });
    await person.press(await person.say('/profile'), '🔑 Сменить пароль');
    expect((await person.next()).text).toContain('Введите текущий пароль');
    const typed: number[] = [];
    const type = async (text: string) => {
      typed.push((await h.client.sendText(person.id, person.id, text)).message_id);
      return h.client.nextBotMessage(person.id);
    };
    expect((await type('неверный пароль тут')).text).toContain('Неверный пароль');
    expect((await type(KNOWN_PASSWORD)).text).toContain('Придумайте пароль');
    expect((await type('12345678')).text).toContain('слишком распространён');
    const NEW = 'Новый-пароль-для-кабинета-2026';
    expect((await type(NEW)).text).toBe('Введите тот же пароль ещё раз.');
    const done = await type(NEW);
    expect(done.text).toContain('Пароль изменён');
    const transcript = await h.client.transcript(person.id);
    for (const id of typed) {
      expect(transcript.find((e) => e.message_id === id)).toMatchObject({ deleted: true });
    }
    const row = await user(userId);
    expect(await argon2.verify(row.password_hash, NEW)).toBe(true);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await family.next()).text).toContain('вход здесь завершён');
    expect(buttonTexts(await family.next())).toEqual(GUEST_BUTTONS_RU);
    const stored = JSON.stringify(await h.database.db('kv_store').select('value'));
    expect(stored).not.toContain(NEW);
    expect(stored).not.toContain(KNOWN_PASSWORD);
    expect(h.logs.join('')).not.toContain(NEW);
  });

  it('when /security is opened, it lists the cabinet’s events in local time with who did them', async () => {
    const { person, userId } = await resident();
    const family = await h.person({ first_name: 'Пётр' });
    await loggedInResident(h.database.db, family.id, { userId });
    const list = await person.say('/security');
    expect(list.text).toContain('🛡 Входы и события безопасности');
    expect(list.text).toContain('Время — местное');
    expect(list.text).toMatch(/\d{1,2} [а-я]+ \d{4}, \d\d:\d\d — вход — вы/);
    expect(list.text).toContain(`вход — Telegram ••${String(family.id).slice(-4)}`);
    expect(buttonTexts(list)).toContain('🚪 Выйти на всех устройствах');
  });

  it('when linking events are in the log, then /security names every one in words, never a raw key', async () => {
    const { person, userId } = await resident();
    const at = new Date().toISOString();
    for (const action of ['account.link.ok', 'account.link.failed', 'account.access.denied'])
      await h.database
        .db('audit_log')
        .insert({ at, user_id: userId, telegram_user_id: person.id, action });
    const list = await person.say('/security');
    expect(list.text).toContain('подключён лицевой счёт');
    expect(list.text).toContain('неудачная попытка подключить лицевой счёт');
    expect(list.text).toContain('отказано в доступе к чужому счёту');
    expect(list.text).not.toMatch(/[{}]|security-action|account\./);
  });

  it('when there are more events than fit, the list pages', async () => {
    const { person, userId } = await resident();
    const now = Date.now();
    await h.database.db('audit_log').insert(
      Array.from({ length: 12 }, (_, i) => ({
        at: new Date(now - (i + 1) * 60_000).toISOString(),
        user_id: userId,
        telegram_user_id: person.id,
        action: 'profile.address',
      })),
    );
    const first = await person.say('/security');
    expect(first.text).toContain('Страница 1 из 2');
    expect(buttonTexts(first)).toContain('◀ Раньше');
    await person.press(first, '◀ Раньше');
    const second = await h.client.waitForTranscript(person.id, (entries) =>
      entries.some((e) => e.message_id === first.message_id && e.text?.includes('Страница 2 из 2')),
    );
    expect(second.find((e) => e.message_id === first.message_id)?.text).toContain('изменён адрес');
  });

  it('when the log holds every kind of event many times, then every /security page fits in 4 096 characters and every event is on some page', async () => {
    const { person, userId } = await resident();
    const start = Date.now() - 24 * 3600_000;
    // Every action the audit knows, three times, by this phone and by others (the longest «who»).
    const events = [...AUDIT_ACTIONS, ...AUDIT_ACTIONS, ...AUDIT_ACTIONS].map((action, i) => ({
      at: new Date(start + i * 60_000).toISOString(),
      user_id: userId,
      telegram_user_id: i % 2 === 0 ? person.id : 7_000_000_000 + i,
      action,
    }));
    await h.database.db('audit_log').insert(events);
    const total = Number(
      (await h.database.db('audit_log').where({ user_id: userId }).count({ n: '*' }).first())?.n,
    );
    let page = await person.say('/security');
    let lines = 0;
    for (let edits = 1; edits < 100; edits++) {
      expect(page.text?.length ?? 0).toBeLessThanOrEqual(4096);
      expect(page.text).not.toMatch(/[{}]/);
      lines += (page.text ?? '').split('\n').filter((l) => / — .+ — /.test(l)).length;
      if (!buttonTexts(page).includes('◀ Раньше')) break;
      await person.press(page, '◀ Раньше');
      const all = await h.client.waitForTranscript(person.id, (list) =>
        list.some((e) => e.message_id === page.message_id && e.edits >= edits),
      );
      page = all.find((e) => e.message_id === page.message_id) ?? page;
    }
    expect(lines).toBe(total);
    expect(h.logs.join('')).not.toContain('message is too long');
  });

  it('when “log out everywhere” is confirmed, every Telegram user of the cabinet is logged out and the others are told', async () => {
    const { person, userId } = await resident();
    const family = await h.person({ first_name: 'Пётр' });
    await loggedInResident(h.database.db, family.id, { userId });
    const list = await person.say('/security');
    await person.press(list, '🚪 Выйти на всех устройствах');
    const confirm = await person.next();
    expect(confirm.text).toContain('на всех устройствах');
    await person.press(confirm, '✅ Да, выйти везде');
    expect((await person.next()).text).toBe('Готово: выход выполнен на всех устройствах (2).');
    expect((await family.next()).text).toContain('выполнен выход на всех устройствах');
    expect(buttonTexts(await family.next())).toEqual(GUEST_BUTTONS_RU);
    expect(await h.database.db('telegram_identities').where({ user_id: userId })).toHaveLength(0);
    expect((await family.say('/profile')).text).toBe(
      'Сначала войдите в личный кабинет или зарегистрируйтесь.',
    );
  });
});
