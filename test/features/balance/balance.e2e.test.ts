import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock';
import { type DemoAccount, seedDemo } from '../../../src/demo/seed';
import { buttonTexts, type Harness, type Person, startHarness } from '../../support/harness';
import { linkDirectly, loginResident } from '../../support/residents';

interface Entry {
  period: string;
  kind: string;
  zone: string | null;
  volume_milli: number | null;
  tariff_kopecks: number | null;
  amount_kopecks: number;
  occurred_on: string;
}

const money = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
const rub = (kopecks: number) => money.format(kopecks / 100);
const kwh = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 3 });
const GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];
/** `YYYY-MM-DD` → «17 ноября 2026», written out independently of the formatting module. */
const inWords = (date: string) => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${day} ${GENITIVE[month - 1]} ${year}`;
};

/** «Today» for this file: 20 November 2026 in Kamchatka; the demo data is seeded as of then. */
const TODAY = fixedClock('2026-11-20T00:00:00Z');
const monthName = (period: string) =>
  new Intl.DateTimeFormat('ru-RU', { month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(`${period}-15T00:00:00Z`))
    .replace(/\s*г\.$/, '');

describe('/balance and the history', () => {
  let h: Harness;
  let showcase: DemoAccount[];
  const byNote = (note: string): DemoAccount => {
    const account = showcase.find((a) => a.note === note);
    if (!account) throw new Error(`no showcase account "${note}"`);
    return account;
  };
  const residentWith = async (
    note: string,
  ): Promise<{ person: Person; accountId: number; entries: Entry[] }> => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    const accountId = await linkDirectly(h.database.db, userId, byNote(note).number);
    const rows = (await h.database
      .db('ledger')
      .where({ account_id: accountId })
      .orderBy('id')
      .select(
        'period',
        'kind',
        'zone',
        'volume_milli',
        'tariff_kopecks',
        'amount_kopecks',
        'occurred_on',
      )) as Entry[];
    const entries = rows.map((r) => ({
      ...r,
      volume_milli: r.volume_milli === null ? null : Number(r.volume_milli),
      tariff_kopecks: r.tariff_kopecks === null ? null : Number(r.tariff_kopecks),
      amount_kopecks: Number(r.amount_kopecks),
    }));
    return { person, accountId, entries };
  };
  const addEntry = async (
    accountId: number,
    entry: Pick<Entry, 'kind' | 'period' | 'amount_kopecks' | 'occurred_on'>,
  ): Promise<Entry> => {
    await h.database.db('ledger').insert({
      account_id: accountId,
      ...entry,
      source: 'staff',
      created_at: TODAY().toISOString(),
    });
    return { ...entry, zone: null, volume_milli: null, tariff_kopecks: null };
  };
  const balanceOf = (entries: Entry[]) =>
    entries.reduce(
      (sum, e) => sum + (e.kind === 'payment' ? -e.amount_kopecks : e.amount_kopecks),
      0,
    );
  const lastChargePeriod = (entries: Entry[]) =>
    entries
      .filter((e) => e.kind === 'charge')
      .reduce((max, e) => (e.period > max ? e.period : max), '');
  const chargesIn = (entries: Entry[], period: string) =>
    entries.filter((e) => e.kind === 'charge' && e.period === period);

  beforeAll(async () => {
    h = await startHarness({}, { clock: TODAY });
    ({ showcase } = await seedDemo(h.database.db, { accounts: 12, seed: 3, now: TODAY() }));
  });
  afterAll(() => h.stop());

  it('when a debtor asks for the balance, then the debt, the last charge with its due date and the last payment match the ledger', async () => {
    const { person, accountId, entries } = await residentWith('debtor');
    // The latest payment is one this test makes, so the line it expects is known.
    const payment = await addEntry(accountId, {
      kind: 'payment',
      period: '2026-11',
      amount_kopecks: 50_000,
      occurred_on: '2026-11-19',
    });
    entries.push(payment);
    const reply = await person.say('/balance');
    const debt = balanceOf(entries);
    expect(debt).toBeGreaterThan(0);
    expect(reply.text).toContain(`Текущий счёт: № ${byNote('debtor').number}`);
    expect(reply.text).toContain(`Задолженность: ${rub(debt)}`);
    const period = lastChargePeriod(entries);
    const charged = chargesIn(entries, period).reduce((s, e) => s + e.amount_kopecks, 0);
    expect(reply.text).toContain(`Начислено за ${monthName(period)}: ${rub(charged)}`);
    const [year, month] = period.split('-').map(Number) as [number, number];
    const due =
      month === 12 ? `${year + 1}-01-10` : `${year}-${String(month + 1).padStart(2, '0')}-10`;
    expect(reply.text).toMatch(new RegExp(`(Оплатить до|Срок оплаты прошёл) ${inWords(due)}`));
    expect(reply.text).toContain('Последняя оплата: 500,00\u00a0₽ от 19 ноября 2026');
    expect(buttonTexts(reply)).toEqual([
      '💳 Оплатить',
      '📜 История по месяцам',
      '📊 График',
      '📋 Мои счета',
    ]);
  });

  it('when a resident paid in advance, then the balance shows the advance and no due date', async () => {
    const { person, entries } = await residentWith('advance');
    const reply = await person.say('/balance');
    const balance = balanceOf(entries);
    expect(balance).toBeLessThan(0);
    expect(reply.text).toContain(`Переплата (аванс): ${rub(-balance)}`);
    expect(reply.text).not.toContain('Оплатить до');
  });

  it('when an English-speaking resident asks for the balance, then it is in English with rubles formatted the Russian way', async () => {
    const person = await h.person({ first_name: 'John', language_code: 'en' });
    const { userId } = await loginResident(h.database.db, person.id);
    const account = byNote('one-zone');
    const accountId = await linkDirectly(h.database.db, userId, account.number);
    const rows = (await h.database
      .db('ledger')
      .where({ account_id: accountId })
      .select('kind', 'amount_kopecks')) as { kind: string; amount_kopecks: number }[];
    const total = rows.reduce(
      (s, r) => s + (r.kind === 'payment' ? -1 : 1) * Number(r.amount_kopecks),
      0,
    );
    // An adjustment this test makes brings the balance to exactly 1 234,56 ₽ owed.
    await addEntry(accountId, {
      kind: 'adjustment',
      period: '2026-11',
      amount_kopecks: 123_456 - total,
      occurred_on: '2026-11-19',
    });
    const reply = await person.say('/balance');
    expect(reply.text).toContain(`Current account: No. ${account.number}`);
    expect(reply.text).toContain(`Amount owed: ${rub(123_456)}`);
    expect(buttonTexts(reply)).toEqual([
      '💳 Pay',
      '📜 History by month',
      '📊 Chart',
      '📋 My accounts',
    ]);
  });

  it('when a resident has no linked account, then /balance offers to link one', async () => {
    const person = await h.person();
    await loginResident(h.database.db, person.id);
    const reply = await person.say('/balance');
    expect(reply.text).toContain('подключите лицевой счёт');
    expect(buttonTexts(reply)).toEqual(['➕ Подключить счёт']);
  });

  it('when the history is opened and paged back and forth, then each month shows its charges per zone, payments and totals from the ledger', async () => {
    const { person, entries } = await residentWith('two-zone');
    const balance = await person.say('/balance');
    await person.press(balance, '📜 История по месяцам');
    const history = await person.next();
    const periods = [...new Set(entries.map((e) => e.period))].sort().reverse();
    const expectMonth = (text: string | undefined, period: string, page: number) => {
      expect(text).toContain(`📜 ${monthName(period)}`);
      const charges = chargesIn(entries, period);
      for (const c of charges) {
        const zone = c.zone === 'T1' ? 'Т1 день' : 'Т2 ночь';
        expect(text).toContain(
          `${zone}: ${kwh.format((c.volume_milli ?? 0) / 1000)} кВт·ч × ${rub(c.tariff_kopecks ?? 0)} = ${rub(c.amount_kopecks)}`,
        );
      }
      if (charges.length > 0) {
        expect(text).toContain(
          `Начислено за месяц: ${rub(charges.reduce((s, c) => s + c.amount_kopecks, 0))}`,
        );
      }
      for (const p of entries.filter((e) => e.kind === 'payment' && e.period === period)) {
        expect(text).toContain(`Оплата от ${inWords(p.occurred_on)}: ${rub(p.amount_kopecks)}`);
      }
      expect(text).toContain(`Месяц ${page} из ${periods.length}`);
    };
    expectMonth(history.text, periods[0] ?? '', 1);
    expect(buttonTexts(history)).toEqual(['◀ Раньше', '📊 График', '💰 Баланс']);

    await person.press(history, '◀ Раньше');
    const edited = await h.client.waitForTranscript(person.id, (all) =>
      all.some((e) => e.message_id === history.message_id && e.edits > 0),
    );
    const page2 = edited.find((e) => e.message_id === history.message_id);
    expectMonth(page2?.text, periods[1] ?? '', 2);
    expect(buttonTexts(page2 ?? history)).toEqual([
      '◀ Раньше',
      'Позже ▶',
      '📊 График',
      '💰 Баланс',
    ]);

    await person.press(page2 ?? history, 'Позже ▶');
    const back = await h.client.waitForTranscript(person.id, (all) =>
      all.some((e) => e.message_id === history.message_id && e.edits > 1),
    );
    expectMonth(back.find((e) => e.message_id === history.message_id)?.text, periods[0] ?? '', 1);
  });

  it('when a month holds the longest realistic entries, then every history page fits in 4 096 characters and no amount is lost', async () => {
    const { person, accountId, entries } = await residentWith('three-zone');
    const latest = [...new Set(entries.map((e) => e.period))].sort().at(-1) ?? '';
    // A crowded month: 12 recalculations with notes as long as the billing file allows (255),
    // and 60 payments (a family paying by the bot in small parts, and bank autopay).
    const note = (i: number) =>
      `Перерасчёт № ${i} за период отсутствия потребителя по заявлению, акт обследования, показания ОДПУ, корректировка норматива потребления коммунальной услуги по электроснабжению в жилом помещении и на общедомовые нужды, решение комиссии от 12.11.2026`
        .padEnd(255, '.')
        .slice(0, 255);
    await h.database.db('ledger').insert(
      Array.from({ length: 12 }, (_, i) => ({
        account_id: accountId,
        kind: 'adjustment',
        period: latest,
        amount_kopecks: -(1000 + i),
        occurred_on: `${latest}-15`,
        description: note(i + 1),
        source: 'staff',
        created_at: TODAY().toISOString(),
      })),
    );
    const payments = Array.from({ length: 60 }, (_, i) => 10_000 + i * 101);
    const before = entries.filter((e) => e.period === latest);
    const paidBefore = before.filter((e) => e.kind === 'payment').map((e) => e.amount_kopecks);
    const adjustedBefore = before.filter((e) => e.kind === 'adjustment').length;
    await h.database.db('ledger').insert(
      payments.map((amount, i) => ({
        account_id: accountId,
        kind: 'payment',
        period: latest,
        amount_kopecks: amount,
        occurred_on: `${latest}-${String(1 + (i % 28)).padStart(2, '0')}`,
        source: 'bot',
        created_at: TODAY().toISOString(),
      })),
    );
    const balance = await person.say('/balance');
    await person.press(balance, '📜 История по месяцам');
    const crowded = await person.next();
    const text = crowded.text ?? '';
    expect(text.length).toBeLessThanOrEqual(4096);
    // What is listed plus what is summed up is every payment and every recalculation.
    const kopecksOf = (amount: string) => Number(amount.replace(/[^\d]/g, ''));
    const listed = [...text.matchAll(/Оплата от [^:]+: ([\d\s\u00a0]+,\d\d)/g)].map((m) =>
      kopecksOf(m[1] ?? ''),
    );
    const more = /…и ещё оплат: (\d+), на ([\d\s\u00a0]+,\d\d)/.exec(text);
    expect(more).not.toBeNull();
    expect(listed.length + Number(more?.[1])).toBe(60 + paidBefore.length);
    expect(listed.reduce((a, b) => a + b, 0) + kopecksOf(more?.[2] ?? '')).toBe(
      [...payments, ...paidBefore].reduce((a, b) => a + b, 0),
    );
    expect(text.match(/Перерасчёт: /g)?.length).toBe(12 + adjustedBefore);
    expect(text).toContain(`Месяц 1 из `);

    // Every other month's page fits as well.
    let page = crowded;
    for (let edits = 1; buttonTexts(page).includes('◀ Раньше') && edits < 30; edits++) {
      await person.press(page, '◀ Раньше');
      const all = await h.client.waitForTranscript(person.id, (list) =>
        list.some((e) => e.message_id === crowded.message_id && e.edits >= edits),
      );
      page = all.find((e) => e.message_id === crowded.message_id) ?? page;
      expect(page.text?.length ?? 0).toBeLessThanOrEqual(4096);
    }
    expect(buttonTexts(page)).not.toContain('◀ Раньше');
    expect(h.logs.join('')).not.toContain('message is too long');
  });

  it('when a crafted history page names a month with no entries, then the latest month is shown instead', async () => {
    const { person, accountId, entries } = await residentWith('three-zone');
    const balance = await person.say('/balance');
    await h.client.sendCallback(
      person.id,
      person.id,
      balance.message_id,
      `v1|bal|hist|${accountId}|1999-01`,
    );
    const page = await h.client.waitForTranscript(person.id, (all) =>
      all.some(
        (e) =>
          e.message_id === balance.message_id + 1 ||
          (e.message_id === balance.message_id && e.edits > 0),
      ),
    );
    const latest = [...new Set(entries.map((e) => e.period))].sort().at(-1) ?? '';
    const text = page.map((e) => e.text ?? '').join('\n');
    expect(text).toContain(`📜 ${monthName(latest)}`);
    expect(text).toContain(`Месяц 1 из ${new Set(entries.map((e) => e.period)).size}`);
  });

  it('when the chart is asked for, then a portrait PNG readable on a phone arrives as a photo', async () => {
    const { person } = await residentWith('three-zone');
    const balance = await person.say('/balance');
    await person.press(balance, '📊 График');
    // The first chart after a start renders for seconds on a loaded machine.
    const photo = await h.client.nextBotMessage(person.id, { timeoutMs: 60_000 });
    expect(photo.caption).toContain('Потребление по зонам и начисления');
    const largest = photo.photo?.at(-1);
    expect(largest).toBeDefined();
    const png = await h.client.downloadFile(largest?.file_id ?? '');
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    // Portrait: held upright, a phone shows it at its full width (375 px shows it at about ½).
    expect(width).toBeGreaterThanOrEqual(600);
    expect(width).toBeLessThanOrEqual(1280);
    expect(height).toBeGreaterThan(width);
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(2_000_000);
  }, 90_000);
});
