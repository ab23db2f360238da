import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock';
import { seedDemo } from '../../src/demo/seed';
import { type Harness, MAIN_MENU_RU, replyButtonTexts, startHarness } from '../support/harness';
import { linkDirectly, loginResident } from '../support/residents';

/** Inside the readings window (15–25, Kamchatka), so «Передать показания» opens its form. */
const IN_WINDOW = fixedClock('2026-11-20T00:00:00Z');

describe('the main menu of a logged-in resident', () => {
  let h: Harness;
  let accountNumber: string;
  beforeAll(async () => {
    h = await startHarness({}, { clock: IN_WINDOW });
    accountNumber = (await seedDemo(h.database.db, { accounts: 5, now: IN_WINDOW() })).showcase[0]!
      .number;
  });
  afterAll(() => h.stop());

  it.each([
    ['💰 Баланс', /^💰 Баланс на 20 ноября 2026\n/],
    ['📟 Передать показания', /^Т1 .+ — счётчик № \d+/],
    ['📋 Мои счета', /^Ваши лицевые счета:/],
    ['👤 Профиль', /^👤 Ваш профиль/],
    ['✉️ Написать нам', /^О чём ваше обращение\?/],
    ['❓ Помощь', /^Что умеет бот:/],
    ['🚪 Выйти', /^Вы вышли из личного кабинета\./],
  ])('when «%s» is pressed, its screen opens', async (button, expected) => {
    const anna = await h.person();
    const { userId } = await loginResident(h.database.db, anna.id);
    await linkDirectly(h.database.db, userId, accountNumber);
    const start = await anna.say('/start');
    expect(replyButtonTexts(start)).toEqual(MAIN_MENU_RU);
    await h.client.pressReplyButton(anna.id, anna.id, start, button);
    const reply = await anna.next();
    expect(reply.text).toMatch(expected);
  });
});
