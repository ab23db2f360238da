import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../../src/core/format';
import { CONSENT_VERSION } from '../../../src/features/privacy/consent';
import {
  GUEST_BUTTONS_RU,
  buttonTexts,
  type Harness,
  type Person,
  startHarness,
} from '../../support/harness';
import { loggedInResident } from '../../support/logged-in';

/** The characters of a ToUnicode CMap, by 4-hex-digit glyph id. */
function cmap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const chars = (hex: string) =>
    String.fromCodePoint(...(hex.match(/.{4}/g) ?? []).map((h) => Number.parseInt(h, 16)));
  for (const [, block] of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, from, to] of (block ?? '').matchAll(/<([0-9a-f]{4})>\s*<([0-9a-f]{4,})>/gi)) {
      if (from && to) map.set(from.toLowerCase(), chars(to));
    }
  }
  for (const [, lo, , list] of text.matchAll(
    /<([0-9a-f]{4})>\s*<([0-9a-f]{4})>\s*\[([^\]]*)\]/gi,
  )) {
    // A ligature maps to several characters: `<0066 0069>` is «fi».
    [...(list ?? '').matchAll(/<([0-9a-f\s]+)>/gi)].forEach((v, i) => {
      const id = (Number.parseInt(lo ?? '0', 16) + i).toString(16).padStart(4, '0');
      map.set(id, chars((v[1] ?? '').replace(/\s/g, '')));
    });
  }
  return map;
}

/**
 * The text of a pdfmake (pdfkit) PDF. Fonts are embedded as subsets with Identity-H encoding, so
 * strings are glyph ids: each content stream's `/Fn size Tf` picks a font, and that font's
 * ToUnicode CMap maps its glyphs back to characters.
 */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<string, string>();
  for (const [, id, body] of raw.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g)) {
    if (id && body) objects.set(id, body);
  }
  const streamOf = (body: string): string | undefined => {
    const m = /stream\r?\n([\s\S]*?)\r?\nendstream/.exec(body);
    if (!m?.[1]) return undefined;
    try {
      return inflateSync(Buffer.from(m[1], 'latin1')).toString('latin1');
    } catch {
      return m[1];
    }
  };
  const fontMaps = new Map<string, Map<string, string>>();
  for (const body of objects.values()) {
    for (const [, name, ref] of body.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const font = objects.get(ref ?? '');
      const toUnicode = font && /\/ToUnicode (\d+) 0 R/.exec(font)?.[1];
      const stream = toUnicode ? streamOf(objects.get(toUnicode) ?? '') : undefined;
      if (name && stream) fontMaps.set(name, cmap(stream));
    }
  }
  const out: string[] = [];
  for (const body of objects.values()) {
    const content = streamOf(body);
    if (!content || !/T[Jj]/.test(content)) continue;
    let font = new Map<string, string>();
    for (const [, name, hex] of content.matchAll(/\/(F\d+) [\d.]+ Tf|<([0-9a-f]+)>/gi)) {
      if (name) font = fontMaps.get(name) ?? new Map();
      else
        out.push((hex?.match(/.{4}/g) ?? []).map((g) => font.get(g.toLowerCase()) ?? '').join(''));
    }
  }
  return out.join('');
}

describe('personal-data rights: /privacy, /mydata, withdrawal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  async function resident(): Promise<{ person: Person; userId: number; email: string }> {
    const person = await h.person();
    const made = await loggedInResident(h.database.db, person.id, {
      fullName: 'Ёлкина Алёна Юрьевна',
    });
    await h.database
      .db('users')
      .where({ id: made.userId })
      .update({ phone: '+79141234567', address: 'г. Вилючинск, ул. Кронштадтская, д. 3' });
    return { person, ...made };
  }

  async function meterWithReading(userId: number, suffix: string): Promise<number> {
    const now = new Date().toISOString();
    const [account] = await h.database
      .db('accounts')
      .insert({
        number: `41${suffix}`,
        holder_name: 'Ёлкина А. Ю.',
        settlement: 'Вилючинск',
        address: 'г. Вилючинск, ул. Кронштадтская, д. 3',
        tariff_plan: 'urban',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const accountId = Number(typeof account === 'object' ? account.id : account);
    const [meter] = await h.database
      .db('meters')
      .insert({
        account_id: accountId,
        serial: `SN-${suffix}`,
        zones: 1,
        digits: 6,
        created_at: now,
      })
      .returning('id');
    const meterId = Number(typeof meter === 'object' ? meter.id : meter);
    await h.database.db('meter_readings').insert({
      meter_id: meterId,
      zone: 'T1',
      period: '2026-11',
      value_milli: 12345678,
      source: 'bot',
      submitted_by_user_id: userId,
      submitted_at: now,
    });
    await h.database
      .db('account_links')
      .insert({ user_id: userId, account_id: accountId, linked_at: now });
    return accountId;
  }

  it('when /privacy is sent, shows the consent text with the operator and when and which version was accepted, in local time', async () => {
    const { person } = await resident();
    const text = await person.say('/privacy');
    expect(text.text).toContain('Соглашение об обработке персональных данных');
    expect(text.text).toContain(h.config.operator.name);
    let last = text;
    while (!last.text?.startsWith('Вы дали согласие')) last = await person.next();
    expect(last.text).toMatch(
      /Вы дали согласие \d{1,2} [а-я]+ \d{4}, \d\d:\d\d \(редакция от \d{1,2} [а-я]+ \d{4}\)/,
    );
    expect(buttonTexts(last)).toEqual(['📦 Скачать мои данные', '🗑 Отозвать согласие']);
  });

  it('when /mydata is sent, a JSON file and a readable PDF of everything held arrive', async () => {
    const { person, userId, email } = await resident();
    await meterWithReading(userId, '0000001');
    expect((await person.say('/mydata')).text).toContain('Собираю');
    const jsonMessage = await person.next();
    const pdfMessage = await person.next();
    expect(jsonMessage.document?.file_name).toMatch(/^my-data-\d{4}-\d\d-\d\d\.json$/);
    expect(pdfMessage.document?.file_name).toMatch(/^my-data-\d{4}-\d\d-\d\d\.pdf$/);

    const json = JSON.parse(
      (await h.client.downloadFile(jsonMessage.document?.file_id ?? '')).toString('utf8'),
    );
    expect(json.profile).toMatchObject({
      email,
      full_name: 'Ёлкина Алёна Юрьевна',
      phone: '+79141234567',
      status: 'active',
    });
    expect(JSON.stringify(json)).not.toContain('$argon2');
    expect(json.telegramIdentities).toEqual([
      expect.objectContaining({ telegram_user_id: person.id }),
    ]);
    expect(json.readings).toEqual([
      expect.objectContaining({ meter: 'SN-0000001', value: '12345.678', period: '2026-11' }),
    ]);
    expect(json.consents[0]).toMatchObject({ version: CONSENT_VERSION, withdrawn_at: null });
    expect(json.audit.map((a: { action: string }) => a.action)).toContain('login.ok');
    expect(json.linkedAccounts).toEqual([expect.objectContaining({ number: '410000001' })]);

    const pdf = await h.client.downloadFile(pdfMessage.document?.file_id ?? '');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
    const text = pdfText(pdf);
    expect(text).toContain('Ваши персональные данные');
    expect(text).toContain('Ёлкина Алёна Юрьевна');
    expect(text).toContain(email);
    expect(text).toContain('SN-0000001');
    expect(text).toContain('Журнал безопасности');
  });

  it('when /mydata is sent 20 times at once, then one export is made and the others are told when the next is allowed', async () => {
    const { person } = await resident();
    await Promise.all(
      Array.from({ length: 20 }, () => h.client.sendText(person.id, person.id, '/mydata')),
    );
    const said = await h.client.waitForTranscript(
      person.id,
      (entries) => entries.filter((m) => m.from?.is_bot).length >= 1 + 2 + 19,
      { timeoutMs: 20_000 },
    );
    const fromBot = said.filter((m) => m.from?.is_bot);
    const names = fromBot.flatMap((m) => (m.document ? [m.document.file_name] : []));
    expect(names).toEqual([expect.stringMatching(/\.json$/), expect.stringMatching(/\.pdf$/)]);
    const limited = fromBot.filter((m) => m.text?.startsWith('Выгрузку ваших данных недавно'));
    expect(limited).toHaveLength(19);
    expect(limited[0]?.text).toMatch(/после \d{1,2} [а-я]+ \d{4}, \d\d:\d\d\.$/);
    const exports = await h.database
      .db('audit_log')
      .where({ action: 'privacy.export', telegram_user_id: person.id })
      .count({ n: '*' });
    expect(Number(exports[0]?.n)).toBe(1);
  });

  it('when /mydata is read, then it shows what the card shows: masked holder, words not codes, local formats', async () => {
    const { person, userId } = await resident();
    const accountId = await meterWithReading(userId, '0000003');
    const meter = await h.database
      .db('meters')
      .where({ account_id: accountId })
      .first<{ id: number }>('id');
    const earlier = new Date(Date.now() - 86_400_000).toISOString();
    await h.database.db('meter_readings').insert([
      {
        meter_id: meter?.id,
        zone: 'T1',
        period: '2026-10',
        value_milli: 12_000_000,
        source: 'bot',
        status: 'replaced',
        submitted_by_user_id: userId,
        submitted_at: earlier,
      },
      {
        meter_id: meter?.id,
        zone: 'T1',
        period: '2026-09',
        value_milli: 11_000_000,
        source: 'bot',
        status: 'rejected',
        reject_reason: 'фото не читается',
        submitted_by_user_id: userId,
        submitted_at: earlier,
      },
    ]);
    await h.database.db('audit_log').insert({
      at: new Date().toISOString(),
      user_id: userId,
      telegram_user_id: person.id,
      action: 'account.link.failed',
    });
    await person.say('/mydata');
    const jsonMessage = await person.next();
    const pdfMessage = await person.next();
    const json = JSON.parse(
      (await h.client.downloadFile(jsonMessage.document?.file_id ?? '')).toString('utf8'),
    );
    // Named by the local date of the moment it was made, not the UTC one.
    expect(jsonMessage.document?.file_name).toBe(
      `my-data-${localDate(json.generatedAt, h.config.timeZone)}.json`,
    );
    if (json.linkedAccounts) {
      expect(json.linkedAccounts[0]).toMatchObject({ holder_name: 'Ёлкина А.*.' });
      expect(JSON.stringify(json.linkedAccounts)).not.toContain('Ёлкина А. Ю.');
    }
    const text = pdfText(await h.client.downloadFile(pdfMessage.document?.file_id ?? ''));
    expect(text).toContain('неудачная попытка подключить лицевой счёт');
    expect(text).not.toContain('account.link.failed');
    expect(text).not.toContain('login.ok');
    expect(text).toMatch(/Т1: 12.345,678/);
    // Every reading's status in words, in the PDF and beside the code in the JSON.
    expect(text).toContain('заменено новым');
    expect(text).toContain('отклонено: фото не читается');
    expect(text).toContain('принято');
    expect(
      json.readings.map((r: { status: string; status_text: string }) => [r.status, r.status_text]),
    ).toEqual(
      expect.arrayContaining([
        ['accepted', 'принято'],
        ['replaced', 'заменено новым'],
        ['rejected', 'отклонено: фото не читается'],
      ]),
    );
    expect(text).toContain('ноябрь 2026');
    expect(text).toContain('+7 (914) 123-45-67');
    expect(text).toContain('Русский');
    expect(text).not.toMatch(/Язык\s*ru/);
  });

  it('when the resident has appeals, then /mydata names their topic, status and times in words and holds what was written', async () => {
    const { person, userId } = await resident();
    const accountId = await meterWithReading(userId, '0000005');
    const seq = 900_000 + (person.id % 90_000);
    const [appeal] = await h.database
      .db('appeals')
      .insert({
        number: `А-2026-${seq}`,
        year: 2026,
        seq,
        user_id: userId,
        telegram_user_id: person.id,
        account_id: accountId,
        topic: 'meter-replacement',
        status: 'closed',
        due_at: '2026-11-20T12:00:00.000Z',
        first_answered_at: '2026-11-18T01:30:00.000Z',
        closed_at: '2026-11-19T02:00:00.000Z',
        created_at: '2026-11-17T23:15:00.000Z',
        updated_at: '2026-11-19T02:00:00.000Z',
      })
      .returning('id');
    const appealId = Number(typeof appeal === 'object' ? appeal.id : appeal);
    await h.database.db('appeal_messages').insert([
      {
        appeal_id: appealId,
        author: 'resident',
        text: 'Счётчик заменили 15 ноября, прошу учесть новый.',
        created_at: '2026-11-17T23:15:00.000Z',
      },
      {
        appeal_id: appealId,
        author: 'staff',
        staff_telegram_id: 555,
        text: 'Новый счётчик внесён в карточку счёта.',
        created_at: '2026-11-18T01:30:00.000Z',
      },
    ]);
    await person.say('/mydata');
    const jsonMessage = await person.next();
    const pdfMessage = await person.next();
    const json = JSON.parse(
      (await h.client.downloadFile(jsonMessage.document?.file_id ?? '')).toString('utf8'),
    );
    expect(json.appeals).toEqual([
      expect.objectContaining({ number: `А-2026-${seq}`, topic: 'meter-replacement' }),
    ]);
    expect(json.appealMessages.map((m: { text: string }) => m.text)).toEqual([
      'Счётчик заменили 15 ноября, прошу учесть новый.',
      'Новый счётчик внесён в карточку счёта.',
    ]);
    const pdf = await h.client.downloadFile(pdfMessage.document?.file_id ?? '');
    const text = pdfText(pdf);
    expect(text).toContain(`А-2026-${seq}`);
    expect(text).toContain('Замена счётчика');
    expect(text).toContain('закрыто');
    // Kamchatka local time (UTC+12), the date in words.
    expect(text).toContain('18 ноября 2026');
    expect(text).toContain('19 ноября 2026, 14:00');
    expect(text).toContain('Счётчик заменили 15 ноября');
    expect(text).toContain('специалист');
    // No raw fields, codes or ISO instants.
    expect(text).not.toMatch(/topic:|status:|due_at|meter-replacement|T\d\d:\d\d:\d\d/);
    expect(text).not.toContain('🇷🇺');
  });

  it('when the language was switched to English, then /mydata says English in English', async () => {
    const { person } = await resident();
    const menu = await person.say('/language');
    await person.press(menu, /English/);
    await person.next();
    await person.say('/mydata');
    await person.next();
    const pdfMessage = await person.next();
    const text = pdfText(await h.client.downloadFile(pdfMessage.document?.file_id ?? ''));
    expect(text).toContain('Your personal data');
    expect(text).toContain('English');
    expect(text).not.toContain('Русский');
  });

  it('when consent is withdrawn after two confirmations, the profile is anonymised, sessions ended, readings kept without the link, and the e-mail is free again', async () => {
    const { person, userId, email } = await resident();
    const family = await h.person({ first_name: 'Пётр' });
    await loggedInResident(h.database.db, family.id, { userId });
    const accountId = await meterWithReading(userId, '0000002');
    const ledgerBefore = await h.database.db('ledger').where({ account_id: accountId });

    const step1 = await person.say('/withdraw');
    expect(step1.text).toContain('Что будет удалено');
    expect(step1.text).toContain('Что останется');
    await person.press(step1, /Продолжить/);
    const step2 = await person.next();
    expect(step2.text).toContain('нельзя отменить');
    // Nothing happens before the second confirmation.
    expect((await h.database.db('users').where({ id: userId }).first()).status).toBe('active');
    await person.press(step2, '🗑 Да, удалить мои данные');
    const done = await person.next();
    expect(done.text).toContain('Согласие отозвано');
    expect(done.text).toContain('выполнен выход на устройствах: 2');
    expect(done.text).toContain('показания счётчиков: 1');
    expect(done.text).toContain('402-ФЗ');
    expect((await family.next()).text).toContain('вход здесь завершён');
    expect(buttonTexts(await family.next())).toEqual(GUEST_BUTTONS_RU);

    const row = await h.database.db('users').where({ id: userId }).first();
    expect(row).toMatchObject({
      email: null,
      full_name: null,
      phone: null,
      address: null,
      password_hash: null,
      status: 'erased',
    });
    expect(await h.database.db('telegram_identities').where({ user_id: userId })).toHaveLength(0);
    const readings = await h.database
      .db('meter_readings as r')
      .join('meters as m', 'm.id', 'r.meter_id')
      .where('m.account_id', accountId)
      .select('r.submitted_by_user_id', 'r.value_milli');
    expect(readings).toEqual([{ submitted_by_user_id: null, value_milli: 12345678 }]);
    expect(await h.database.db('ledger').where({ account_id: accountId })).toEqual(ledgerBefore);
    expect(await h.database.db('account_links').where({ user_id: userId })).toHaveLength(0);
    const consents = await h.database.db('consents').where({ user_id: userId });
    expect(consents.every((c) => c.withdrawn_at !== null)).toBe(true);
    expect((await person.say('/profile')).text).toBe(
      'Сначала войдите в личный кабинет или зарегистрируйтесь.',
    );

    // A fresh registration with the same e-mail works.
    const again = await loggedInResident(h.database.db, (await h.person()).id, { email });
    expect(again.userId).not.toBe(userId);
  });

  it('when the withdrawal is declined at the last step, nothing changes', async () => {
    const { person, userId } = await resident();
    await person.press(await person.say('/withdraw'), /Продолжить/);
    const step2 = await person.next();
    await person.press(step2, '✖️ Нет, оставить');
    expect((await person.next()).text).toBe('Хорошо, ничего не изменилось.');
    expect((await h.database.db('users').where({ id: userId }).first()).status).toBe('active');
  });

  it('when a crafted erase button is stale, it is refused', async () => {
    const { person, userId } = await resident();
    const step1 = await person.say('/withdraw');
    await h.client.sendCallback(person.id, person.id, step1.message_id, 'v1|rights|erase|1000');
    expect((await person.next()).text).toContain('Подтверждение устарело');
    expect((await h.database.db('users').where({ id: userId }).first()).status).toBe('active');
  });
});
