import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, SKIP_BROWSER } from '../support/browser';
import { type Harness, startHarness } from '../support/harness';
import { type DemoAccount, seedDemo } from '../../src/demo/seed';
import { linkDirectly, loginResident } from '../support/residents';

/** 20 November 2026, 12:00 in Kamchatka: inside the readings window. */
const IN_WINDOW = new Date('2026-11-20T00:00:00Z');

// The sandbox page with the real abonent bot behind it: what a supplier trying the product sees.

describe.skipIf(SKIP_BROWSER)('the sandbox page with the real bot', () => {
  let h: Harness;
  let browser: Browser;
  let showcase: DemoAccount[];

  beforeAll(async () => {
    h = await startHarness({}, { clock: () => IN_WINDOW });
    ({ showcase } = await seedDemo(h.database.db, { accounts: 12, seed: 1, now: IN_WINDOW }));
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('when a resident sends /start and presses «Помощь», then the welcome, its buttons and the help appear', async () => {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      locale: 'ru-RU',
      timezoneId: 'Asia/Kamchatka',
      reducedMotion: 'reduce',
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(h.emulator.url);
    await page.getByLabel('Имя', { exact: true }).fill('Анна');
    await page.getByLabel('Фамилия (необязательно)').fill('Петрова');
    await page.getByRole('button', { name: 'Создать', exact: true }).click();

    const input = page.getByRole('textbox', { name: 'Сообщение' });
    await input.fill('/start');
    await input.press('Enter');
    await page.locator('.row.theirs .text', { hasText: 'Здравствуйте!' }).waitFor();
    const buttons = page.locator('.row.theirs .inline-kb').last().getByRole('button');
    expect(await buttons.allTextContents()).toEqual([
      '🔑 Войти',
      '📝 Зарегистрироваться',
      '❓ Помощь',
    ]);
    await buttons.filter({ hasText: 'Помощь' }).click();
    await page.locator('.row.theirs .text', { hasText: 'Что умеет бот' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'real-bot-1280x800.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  // `README_SCREENSHOT=docs/sandbox.png npx vitest run test/sandbox/real-bot…` refreshes the
  // README's picture from this conversation.
  it('when a resident with two accounts checks the balance and sends a two-zone reading, then the page shows the whole conversation on a phone and on a desktop', async () => {
    const byNote = (note: string) => {
      const account = showcase.find((a) => a.note === note);
      if (!account) throw new Error(`no showcase account "${note}"`);
      return account;
    };
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      locale: 'ru-RU',
      timezoneId: 'Asia/Kamchatka',
      reducedMotion: 'reduce',
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(h.emulator.url);
    await page.getByLabel('Имя', { exact: true }).fill('Галина');
    await page.getByLabel('Фамилия (необязательно)').fill('Смирнова');
    await page.getByRole('button', { name: 'Создать', exact: true }).click();
    const galina = await (async () => {
      for (let i = 0; i < 50; i++) {
        const found = (await h.client.users()).find((u) => u.first_name === 'Галина');
        if (found) return found;
        await page.waitForTimeout(100);
      }
      throw new Error('the page did not create the user');
    })();
    // Logged in and linked as registration and /link leave it (those flows have their own tests).
    const { userId } = await loginResident(h.database.db, galina.id, {
      fullName: 'Смирнова Галина Ивановна',
    });
    const twoZone = byNote('two-zone');
    await linkDirectly(h.database.db, userId, twoZone.number);
    await linkDirectly(h.database.db, userId, byNote('one-zone').number);
    const last: { zone: string; value: number | string }[] = await h.database
      .db('meter_readings as r')
      .join('meters as m', 'm.id', 'r.meter_id')
      .join('accounts as a', 'a.id', 'm.account_id')
      .where('a.number', twoZone.number)
      .whereIn('r.status', ['accepted', 'billed'])
      .groupBy('r.zone')
      .select('r.zone')
      .max({ value: 'r.value_milli' });
    const lastOf = (zone: string) => Number(last.find((r) => r.zone === zone)?.value ?? 0) / 1000;

    const input = page.getByRole('textbox', { name: 'Сообщение' });
    const say = async (text: string, answer: string | RegExp) => {
      await input.fill(text);
      await input.press('Enter');
      await page.locator('.row.theirs .text', { hasText: answer }).last().waitFor();
    };
    await say('/balance', 'Текущий счёт');
    await say('/reading', 'Т1 день');
    await say(String(Math.floor(lastOf('T1')) + 152), 'Т2 ночь');
    await say(String(Math.floor(lastOf('T2')) + 83), 'Проверьте показания');
    await page
      .locator('.row.theirs .inline-kb')
      .last()
      .getByRole('button', { name: '✅ Отправить' })
      .click();
    await page.locator('.row.theirs .text', { hasText: 'Показания приняты' }).waitFor();
    await page.locator('.toast').waitFor({ state: 'detached', timeout: 15_000 });
    // The newest message is in view (the page scrolls to it).
    await expect.poll(() => page.locator('.row.theirs').last().isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'reading-1280x900.png') });
    if (process.env.README_SCREENSHOT)
      await page.screenshot({ path: process.env.README_SCREENSHOT });
    await page.setViewportSize({ width: 375, height: 812 });
    await page
      .locator('.row.theirs .text', { hasText: 'Показания приняты' })
      .scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'reading-375x812.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
