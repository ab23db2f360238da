import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS, SKIP_BROWSER } from '../support/browser';
import { type Harness, startHarness } from '../support/harness';

// The sandbox page with the real abonent bot behind it: what a supplier trying the product sees.

describe.skipIf(SKIP_BROWSER)('the sandbox page with the real bot', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness();
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
    // `README_SCREENSHOT=docs/sandbox.png npx vitest run test/sandbox/real-bot…` refreshes the README's picture.
    if (process.env.README_SCREENSHOT) {
      await page.locator('.toast').waitFor({ state: 'detached', timeout: 15_000 });
      await page.screenshot({ path: process.env.README_SCREENSHOT });
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
