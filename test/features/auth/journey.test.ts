import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../../src/core/db/index';
import type { TranscriptEntry } from '../../../src/sandbox/client';
import {
  GUEST_BUTTONS_RU,
  buttonTexts,
  type Harness,
  MAIN_MENU_RU,
  type Person,
  replyButtonTexts,
  startHarness,
} from '../../support/harness';
import { codeFrom, startTestSmtp, type TestSmtp } from '../../support/smtp';

const PASSWORD = 'зелёный самовар на крыше';
const NEW_PASSWORD = 'Синий-чайник-у-окна-42';

describe('residents: register, confirm, log in and out, recover', () => {
  let h: Harness;
  let smtp: TestSmtp;
  /** Every password typed in this file, for the leak check at the end. */
  const typedPasswords = new Set<string>();
  /** Every chat where a password was typed, with the message ids that carried one. */
  const passwordMessages = new Map<number, number[]>();

  beforeAll(async () => {
    smtp = await startTestSmtp();
    h = await startHarness({ SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await h.stop();
    await smtp.stop();
  });

  let emailCounter = 0;
  const freshEmail = () => `resident${++emailCounter}.${Date.now()}@example.org`;

  /** Types a password: remembered for the leak check, and its message id for the deletion check. */
  async function typePassword(person: Person, password: string): Promise<TranscriptEntry> {
    typedPasswords.add(password);
    const sent = await h.client.sendText(person.id, person.id, password);
    passwordMessages.set(person.id, [...(passwordMessages.get(person.id) ?? []), sent.message_id]);
    return h.client.nextBotMessage(person.id);
  }

  /** Consent → e-mail → password twice; returns the message that asks for the code. */
  async function startRegistration(person: Person, email: string, password = PASSWORD) {
    const consent = await person.say('/register');
    expect(consent.text).toContain('Соглашение об обработке персональных данных');
    expect(consent.text).toContain(h.config.operator.name);
    expect(consent.text).toContain(h.config.operator.legalAddress);
    expect(consent.text).not.toContain('Корякэнерго');
    const ask = await person.next();
    expect(buttonTexts(ask)).toEqual(['✅ Согласен', '✖️ Отмена']);
    await person.press(ask, '✅ Согласен');
    expect((await person.next()).text).toContain('Введите адрес электронной почты');
    expect((await person.say(email)).text).toContain('Придумайте пароль');
    expect((await typePassword(person, password)).text).toBe('Введите тот же пароль ещё раз.');
    const sent = await typePassword(person, password);
    expect(sent.text).toContain(`Мы отправили письмо на ${email}`);
    return sent;
  }

  async function register(person: Person, email: string, password = PASSWORD) {
    await startRegistration(person, email, password);
    const code = codeFrom(await smtp.nextMail(email));
    const done = await person.say(code);
    expect(done.text).toBe('Готово! Адрес подтверждён, вы вошли в личный кабинет.');
    return done;
  }

  async function login(person: Person, email: string, password: string) {
    expect((await person.say('/login')).text).toContain('Введите адрес электронной почты');
    expect((await person.say(email)).text).toContain('Введите пароль');
    return typePassword(person, password);
  }

  it('when a guest agrees, registers and types the code from the letter, they are logged in with the main menu', async () => {
    const anna = await h.person();
    const email = freshEmail();
    const done = await register(anna, email);
    expect(replyButtonTexts(done)).toEqual(MAIN_MENU_RU);
    const user = await h.database.db('users').where({ email }).first();
    expect(user.status).toBe('active');
    expect(user.email_verified_at).toBeTruthy();
    // The argon2 parameters, read back from the stored hash (PHC string).
    const [, algorithm, , params] = String(user.password_hash).split('$');
    expect(algorithm).toBe('argon2id');
    expect(Object.fromEntries(params!.split(',').map((kv) => kv.split('=')))).toEqual({
      m: '19456',
      t: '2',
      p: '1',
    });
    const consent = await h.database.db('consents').where({ user_id: user.id }).first();
    expect(consent.text_sha256).toMatch(/^[0-9a-f]{64}$/);
    const start = await anna.say('/start');
    expect(start.text).toContain('Здравствуйте');
    expect(replyButtonTexts(start)).toEqual(MAIN_MENU_RU);
  });

  it('when the «Зарегистрироваться» button of /start is pressed, the consent is shown first and nothing is stored before «Согласен»', async () => {
    const anna = await h.person();
    const start = await anna.say('/start');
    const usersBefore = await h.database.db('users').count({ n: '*' });
    await anna.press(start, '📝 Зарегистрироваться');
    expect((await anna.next()).text).toContain('Соглашение об обработке персональных данных');
    const ask = await anna.next();
    await anna.press(ask, '✖️ Отмена');
    expect((await anna.next()).text).toBe('Действие отменено. Вы в главном меню.');
    expect(await h.database.db('users').count({ n: '*' })).toEqual(usersBefore);
  });

  it('when the e-mail is malformed, the bot explains and asks again', async () => {
    const anna = await h.person();
    await anna.say('/register');
    const ask = await anna.next();
    await anna.press(ask, '✅ Согласен');
    await anna.next();
    expect((await anna.say('не почта')).text).toContain('Это не похоже на адрес электронной почты');
    expect((await anna.say('/cancel')).text).toBe('Действие отменено. Вы в главном меню.');
  });

  it('when a common password is chosen, it is refused with the reason; mismatched passwords are asked again', async () => {
    const anna = await h.person();
    await anna.say('/register');
    await anna.press(await anna.next(), '✅ Согласен');
    await anna.next();
    await anna.say(freshEmail());
    expect((await typePassword(anna, 'qwerty123')).text).toContain('слишком распространён');
    // Text that looks like a command but is not one of the bot's is a password too.
    expect((await typePassword(anna, '/секрет')).text).toContain('слишком короткий');
    expect((await typePassword(anna, 'aaaaaaaa')).text).toContain('легко подобрать');
    expect((await typePassword(anna, PASSWORD)).text).toBe('Введите тот же пароль ещё раз.');
    expect((await typePassword(anna, `${PASSWORD}!`)).text).toContain('Пароли не совпали');
    // The password prompt waits for a password; /cancel leaves from there too.
    expect((await anna.say('/cancel')).text).toBe('Действие отменено. Вы в главном меню.');
    await anna.next(); // the guest menu that follows the cancel
    expect((await anna.say('/help')).text).toContain('Что умеет бот');
  });

  it('when a wrong code is typed, the tries left are told; an expired code is refused; a resend waits a minute', async () => {
    const anna = await h.person();
    const email = freshEmail();
    await startRegistration(anna, email);
    const code = codeFrom(await smtp.nextMail(email));
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await anna.say(wrong)).text).toBe('Неверный код. Осталось попыток: 4.');
    expect((await anna.say('12ab')).text).toContain('6 цифр');
    const user = await h.database.db('users').where({ email }).first();
    await h.database
      .db('one_time_codes')
      .where({ user_id: user.id })
      .update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    const expired = await anna.say(code);
    expect(expired.text).toContain('Срок действия кода истёк');
    // A new code is not sent within the first minute.
    await anna.press(expired, '✉️ Отправить код ещё раз');
    expect((await anna.next()).text).toMatch(/Новый код можно запросить через \d+ с\./);
    expect((await anna.say('/cancel')).text).toBe('Действие отменено. Вы в главном меню.');
    expect((await h.database.db('users').where({ email }).first()).status).toBe('pending');
  });

  it('when someone registers with an address that already has a cabinet, they get the same answer and the owner gets a letter', async () => {
    const anna = await h.person();
    const email = freshEmail();
    await register(anna, email);
    const intruder = await h.person({ first_name: 'Некто' });
    await startRegistration(intruder, email, 'другой длинный пароль тут');
    const letter = await smtp.nextMail(email);
    expect(letter.subject).toBe('Попытка регистрации с вашим адресом');
    expect(letter.text).not.toMatch(/\b\d{6}\b/);
    expect((await h.database.db('users').where({ email })).length).toBe(1);
    expect((await intruder.say('123456')).text).toContain('Неверный код');
    await intruder.say('/cancel');
  });

  it('when a resident logs out and logs in again, the cabinet is theirs again; /logout twice says so', async () => {
    const anna = await h.person();
    const email = freshEmail();
    await register(anna, email);
    const out = await anna.say('/logout');
    expect(out.text).toBe('Вы вышли из личного кабинета.');
    expect(buttonTexts(await anna.next())).toEqual([
      '🔑 Войти',
      '📝 Зарегистрироваться',
      '❓ Помощь',
    ]);
    expect((await anna.say('/logout')).text).toBe('Вы не вошли в личный кабинет.');
    await anna.next();
    const ok = await login(anna, email, PASSWORD);
    expect(ok.text).toBe('Вы вошли в личный кабинет.');
    const audit = await h.database
      .db('audit_log')
      .where({ telegram_user_id: anna.id })
      .select('action');
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['register.confirmed', 'logout', 'login.ok']),
    );
  });

  it('when the «🚪 Выйти» button of the main menu is pressed, the resident is logged out', async () => {
    const anna = await h.person();
    const done = await register(anna, freshEmail());
    await h.client.pressReplyButton(anna.id, anna.id, done, '🚪 Выйти');
    expect((await anna.next()).text).toBe('Вы вышли из личного кабинета.');
  });

  it('when the password is wrong five times, the sixth try is refused with the wait in minutes, for unknown addresses alike', async () => {
    const anna = await h.person();
    const email = freshEmail();
    await register(anna, email);
    await anna.say('/logout');
    await anna.next();
    expect((await anna.say('/login')).text).toContain('Введите адрес электронной почты');
    for (let i = 0; i < 5; i++) {
      expect((await anna.say(email)).text).toContain('Введите пароль');
      expect((await typePassword(anna, `неверный пароль ${i}`)).text).toContain(
        'Неверный адрес или пароль',
      );
    }
    await anna.say(email);
    const limited = await typePassword(anna, PASSWORD);
    expect(limited.text).toMatch(
      /Слишком много неудачных попыток. Попробуйте снова через 1[45] мин\./,
    );
    const failures = await h.database
      .db('audit_log')
      .where({ telegram_user_id: anna.id, action: 'login.failed' });
    expect(failures.length).toBe(5);
    for (const row of failures) expect(String(row.details ?? '')).not.toContain(email);

    // Another Telegram user, an unknown address: the same answer.
    const boris = await h.person({ first_name: 'Борис' });
    const wrong = await login(boris, freshEmail(), 'какой-то пароль 1');
    expect(wrong.text).toContain('Неверный адрес или пароль');
    await boris.say('/cancel');
  });

  it('when the password is recovered with the code from the letter, other sessions are logged out and told, and the owner gets a notice', async () => {
    const anna = await h.person();
    const email = freshEmail();
    await register(anna, email);
    const son = await h.person({ first_name: 'Сын' });
    expect((await login(son, email, PASSWORD)).text).toBe('Вы вошли в личный кабинет.');

    const phone = await h.person({ first_name: 'Новый телефон' });
    const askEmail = await phone.say('/login');
    expect(askEmail.text).toContain('Введите адрес электронной почты');
    await phone.press(askEmail, '🔁 Забыли пароль?');
    expect((await phone.next()).text).toContain('мы пришлём код для смены пароля');
    expect((await phone.say(email)).text).toContain(`Если кабинет с адресом ${email} есть`);
    const code = codeFrom(await smtp.nextMail(email));
    expect((await phone.say(code)).text).toContain('Придумайте пароль');
    expect((await typePassword(phone, NEW_PASSWORD)).text).toBe('Введите тот же пароль ещё раз.');
    expect((await typePassword(phone, NEW_PASSWORD)).text).toContain('Пароль изменён');

    expect((await anna.next()).text).toContain('вход здесь завершён');
    // The guest's buttons come with the notice: log in again in one tap (fresh tester, fx4).
    expect(buttonTexts(await anna.next())).toEqual(GUEST_BUTTONS_RU);
    expect((await son.next()).text).toContain('вход здесь завершён');
    expect(buttonTexts(await son.next())).toEqual(GUEST_BUTTONS_RU);
    expect((await smtp.nextMail(email)).subject).toBe('Пароль изменён');
    expect((await anna.say('/start')).text).toContain(
      'Чтобы начать, войдите или зарегистрируйтесь',
    );
    await phone.say('/logout');
    await phone.next();
    expect((await login(phone, email, PASSWORD)).text).toContain('Неверный адрес или пароль');
    await phone.say('/cancel');
    await phone.next(); // the guest menu that follows the cancel
    expect((await login(phone, email, NEW_PASSWORD)).text).toBe('Вы вошли в личный кабинет.');
  });

  it('when /recover is used for an unknown address, the answer is the same and no letter is sent', async () => {
    const anna = await h.person();
    const email = freshEmail();
    expect((await anna.say('/recover')).text).toContain('мы пришлём код');
    expect((await anna.say(email)).text).toContain(`Если кабинет с адресом ${email} есть`);
    expect((await anna.say('123456')).text).toContain('Неверный код');
    expect((await anna.say('/cancel')).text).toBe('Действие отменено. Вы в главном меню.');
    expect(smtp.mails.some((m) => m.to.includes(email))).toBe(false);
  });

  it('when /cancel is sent during login or recovery, the flow ends', async () => {
    const anna = await h.person();
    await anna.say('/login');
    await anna.say(freshEmail());
    expect((await anna.say('/cancel')).text).toBe('Действие отменено. Вы в главном меню.');
    await anna.next();
    await anna.say('/recover');
    expect((await anna.say('/cancel')).text).toBe('Действие отменено. Вы в главном меню.');
    await anna.next();
    // After /cancel the next text is an ordinary message again, not taken as a password.
    const plain = await anna.say('привет');
    expect(plain.text).toContain('Я не понял сообщение');
  });

  it('when a resident withdraws consent, the same e-mail can register again through the real flow', async () => {
    const anna = await h.person();
    const email = freshEmail();
    await register(anna, email);
    const step1 = await anna.say('/withdraw');
    await anna.press(step1, /Продолжить/);
    await anna.press(await anna.next(), '🗑 Да, удалить мои данные');
    expect((await anna.next()).text).toContain('Согласие отозвано');
    expect(await h.database.db('users').where({ email })).toHaveLength(0);

    const done = await register(anna, email, NEW_PASSWORD);
    expect(replyButtonTexts(done)).toEqual(MAIN_MENU_RU);
    expect(await h.database.db('users').where({ email, status: 'active' })).toHaveLength(1);
  });

  it('when all of the above is done, no password is in the database file, the conversation storage or the logs, and each password message was deleted', async () => {
    expect(typedPasswords.size).toBeGreaterThan(3);
    const db = h.database.db;
    // Conversation and session storage.
    const kv = JSON.stringify(await db('kv_store').select());
    // Every table, as text.
    const tables =
      dialectOf(h.database.url) === 'sqlite'
        ? (
            await db.raw<{ name: string }[]>(
              "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
            )
          ).map((r) => r.name)
        : (
            await db.raw<{ rows: { tablename: string }[] }>(
              "select tablename from pg_tables where schemaname = 'public'",
            )
          ).rows.map((r) => r.tablename);
    let dump = '';
    for (const table of tables) dump += JSON.stringify(await db(table).select());
    const logs = h.logs.join('\n');
    let files: Buffer[] = [];
    if (dialectOf(h.database.url) === 'sqlite') {
      const path = h.database.url.slice('sqlite:'.length);
      files = [path, `${path}-wal`].flatMap((p) => {
        try {
          return [readFileSync(p)];
        } catch {
          return [];
        }
      });
      expect(files.length).toBeGreaterThan(0);
    }
    for (const password of typedPasswords) {
      expect(kv).not.toContain(password);
      expect(dump).not.toContain(password);
      expect(logs).not.toContain(password);
      for (const file of files) expect(file.indexOf(Buffer.from(password, 'utf8'))).toBe(-1);
    }
    for (const [chatId, ids] of passwordMessages) {
      const transcript = await h.client.transcript(chatId);
      for (const id of ids) {
        expect(transcript.find((entry) => entry.message_id === id)?.deleted).toBe(true);
      }
    }
  });
});
