import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Bot, InlineKeyboard, InputFile, Keyboard } from 'grammy';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BotApiEmulator,
  createBotApiEmulator,
  type SandboxMailItem,
} from '../../src/sandbox/emulator.js';
import { CHROMIUM, launchChromium, SCREENSHOTS, SKIP_BROWSER } from '../support/browser';

// The web chat (src/sandbox/web) driven by headless Chromium from the OS
// (never a downloaded browser). Screenshots go to the OS temp dir; the path is
// printed so a person can look at them.

if (SKIP_BROWSER) {
  console.warn(
    `[web-chat.browser.test] skipped: ${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

const BOT = {
  id: 1000000001,
  username: 'abonent_sandbox_bot',
  first_name: 'Абонент',
  token: '1000000001:SANDBOX-web-chat-test',
};

// A minimal valid one-page PDF, enough for the browser to call it a PDF.
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
// A 2×2 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

const RICH_HTML = [
  '<b>Жирный</b> <i>курсив</i> <u>подчёркнутый</u> <s>зачёркнутый</s> <code>код</code>',
  '😀 <b>после эмодзи</b> <tg-spoiler>секрет</tg-spoiler> <a href="https://example.org/x">ссылка</a>',
  '&lt;img src=x onerror=alert(1)&gt; /help',
  '<pre>строка pre</pre><blockquote>цитата</blockquote>',
].join('\n');

/**
 * The bot the page talks to, in one place: the lead can swap it for the real
 * abonent bot (build it from app.ts against `emulator.apiRoot`). The first
 * test needs only /start → "Hello" + [Help] and the "help" callback →
 * "Help text"; the rest serves the feature tour.
 */
async function startBot(
  emulator: BotApiEmulator,
  mailbox: SandboxMailItem[],
): Promise<{ stop(): Promise<void> }> {
  const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
  bot.command('start', (ctx) =>
    ctx.reply('Hello', { reply_markup: new InlineKeyboard().text('Help', 'help') }),
  );
  bot.callbackQuery('help', async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Opening help' });
    await ctx.reply('Help text');
  });
  bot.command('help', (ctx) => ctx.reply('Help text'));
  bot.command('rich', (ctx) =>
    ctx.reply(RICH_HTML, {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Важно', 'alert'),
    }),
  );
  bot.callbackQuery('alert', (ctx) =>
    ctx.answerCallbackQuery({ text: 'Показания принимаются с 15 по 25 число', show_alert: true }),
  );
  bot.command('kb', (ctx) =>
    ctx.reply('Выберите действие', {
      reply_markup: new Keyboard()
        .text('Баланс')
        .row()
        .requestContact('Поделиться номером')
        .resized(),
    }),
  );
  bot.hears('Баланс', (ctx) =>
    ctx.reply('Баланс: 1 234,56 ₽', { reply_markup: { remove_keyboard: true } }),
  );
  bot.on('message:contact', (ctx) =>
    ctx.reply(`Номер ${ctx.message.contact.phone_number} получен`, {
      reply_markup: { remove_keyboard: true },
    }),
  );
  bot.command('invoice', (ctx) =>
    ctx.replyWithInvoice(
      'Электроэнергия',
      'Лицевой счёт 100200, октябрь',
      'inv-1',
      'RUB',
      [{ label: 'Итого', amount: 123456 }],
      { provider_token: 'sandbox' },
    ),
  );
  bot.on('pre_checkout_query', (ctx) => ctx.answerPreCheckoutQuery(true));
  bot.on('message:successful_payment', (ctx) => ctx.reply('Спасибо за оплату'));
  bot.command('doc', (ctx) =>
    ctx.replyWithDocument(new InputFile(PDF, 'receipt.pdf'), { caption: 'Квитанция' }),
  );
  bot.command('mail', async (ctx) => {
    mailbox.unshift({
      id: `m${mailbox.length + 1}`,
      to: 'anna@example.org',
      subject: 'Код подтверждения',
      text: 'Ваш код: 123456\nОн действует 10 минут.',
      date: new Date().toISOString(),
    });
    emulator.notify({ type: 'mail' });
    await ctx.reply('Письмо отправлено');
  });
  bot.on('message:photo', (ctx) => ctx.reply('Фото получено'));
  bot.command('edit', async (ctx) => {
    const sent = await ctx.reply('Черновик');
    await ctx.api.editMessageText(ctx.chat.id, sent.message_id, 'Исправлено');
  });
  bot.command('del', async (ctx) => {
    const sent = await ctx.reply('Пароль: secret');
    await ctx.api.deleteMessage(ctx.chat.id, sent.message_id);
    await ctx.reply('Сообщение с паролем удалено');
  });
  bot.command('ask', (ctx) =>
    ctx.reply('Введите e-mail', {
      reply_markup: { force_reply: true, input_field_placeholder: 'name@example.org' },
    }),
  );
  bot.on('message:text', (ctx) =>
    ctx.message.reply_to_message ? ctx.reply(`Ответ получен: ${ctx.message.text}`) : undefined,
  );

  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const running = bot.start({ timeout: 1, onStart: () => started() });
  await ready;
  return {
    async stop() {
      await bot.stop();
      await running;
    },
  };
}

describe.skipIf(SKIP_BROWSER)('sandbox web chat in a browser', () => {
  let emulator: BotApiEmulator;
  let stopBot: () => Promise<void>;
  let browser: Browser;
  const mailbox: SandboxMailItem[] = [];
  // Uncaught errors and console.error of each page: a clean page has none.
  const pageErrors = new WeakMap<Page, string[]>();

  beforeAll(async () => {
    emulator = createBotApiEmulator({
      bot: BOT,
      mailbox: { list: async () => [...mailbox] },
      info: () => ({
        demoAccounts: [
          {
            number: '100200',
            address: 'г. Палана, ул. Обухова, 5',
            proofHint: 'заводской номер счётчика 0123456',
          },
        ],
      }),
    });
    await emulator.start();
    stopBot = (await startBot(emulator, mailbox)).stop;
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stopBot?.();
    await emulator?.stop();
    console.log(`[web-chat.browser.test] screenshots: ${SCREENSHOTS}`);
  });

  async function openPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await browser.newPage({
      viewport,
      locale: 'ru-RU',
      timezoneId: 'Asia/Kamchatka',
      reducedMotion: 'reduce',
    });
    const errors: string[] = [];
    pageErrors.set(page, errors);
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    await page.goto(emulator.url);
    return page;
  }

  const errorsOf = (page: Page): string[] => pageErrors.get(page) ?? [];

  async function send(page: Page, text: string): Promise<void> {
    const input = page.getByRole('textbox', { name: 'Сообщение' });
    await input.fill(text);
    await input.press('Enter');
  }

  it('when a resident types /start and presses the inline button, then the bot’s replies appear', async () => {
    const page = await openPage();
    await expect.poll(() => page.locator('#chat-title').textContent()).toBe('Абонент');
    await page.getByRole('heading', { name: 'Добро пожаловать в песочницу' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-welcome.png') });

    await page.getByLabel('Имя', { exact: true }).fill('Анна');
    await page.getByLabel('Фамилия (необязательно)').fill('Иванова');
    await page.getByRole('button', { name: 'Создать', exact: true }).click();
    await page.getByText('Нажмите «Начать»').waitFor();

    await send(page, '/start');
    await page.locator('.row.mine .text', { hasText: '/start' }).waitFor();
    await page.locator('.row.theirs .text', { hasText: /^Hello$/ }).waitFor();
    const help = page.locator('.row.theirs .inline-kb').getByRole('button', { name: 'Help' });
    await help.click();
    await page.locator('.row.theirs .text', { hasText: 'Help text' }).waitFor();
    await page.locator('.toast', { hasText: 'Opening help' }).waitFor();

    // Time in the browser's zone (Asia/Kamchatka here), HH:MM.
    const time = await page.locator('.row.theirs time').first().textContent();
    expect(time).toMatch(/^\d{2}:\d{2}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-1280x800.png') });

    // The choice survives a reload (localStorage), the transcript comes back.
    await page.reload();
    await page.locator('.row.theirs .text', { hasText: 'Help text' }).waitFor();
    expect(await page.locator('#user-select').inputValue()).not.toBe('');

    await page.setViewportSize({ width: 375, height: 740 });
    await page.screenshot({ path: join(SCREENSHOTS, 'mobile-375x740.png') });
    await page.getByRole('button', { name: 'Открыть панель песочницы' }).click();
    await page.getByRole('button', { name: 'Личный чат с ботом' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'mobile-375x740-panel.png') });
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  });

  it('when a reply keyboard appears under a long chat, then the newest message stays in view; scrolled up, «↓» brings it back', async () => {
    const page = await openPage({ width: 1280, height: 900 });
    await page.getByRole('heading', { name: 'Добро пожаловать в песочницу' }).waitFor();
    await page.getByLabel('Имя', { exact: true }).fill('Лена');
    await page.getByRole('button', { name: 'Создать', exact: true }).click();
    await page.getByText('Нажмите «Начать»').waitFor();
    const gap = () =>
      page.locator('#messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    const down = page.locator('#to-bottom');
    let help = 0;
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 375, height: 812 },
    ]) {
      await page.setViewportSize(viewport);
      for (let i = 0; i < 6; i++) {
        await send(page, '/help');
        help += 1;
        await expect
          .poll(() => page.locator('.row.theirs .text', { hasText: 'Help text' }).count())
          .toBe(help);
      }
      await send(page, '/kb');
      await page.locator('#reply-keyboard button').first().waitFor();
      await expect.poll(gap).toBeLessThan(2);
      await page.screenshot({ path: join(SCREENSHOTS, `reply-kb-${viewport.width}.png`) });

      // Scrolled up as a reader does; again if a late layout change (the keyboard, a bubble
      // growing) snapped the chat back to the bottom before the scroll was seen.
      await expect
        .poll(async () => {
          await page.locator('#messages').evaluate((el) => {
            el.scrollTop = 0;
          });
          return down.isVisible();
        })
        .toBe(true);
      await down.click();
      await expect.poll(gap).toBeLessThan(2);
      await expect.poll(() => down.isVisible()).toBe(false);
    }
    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('when the bot uses entities, keyboards, invoices, documents, mail and photos, then the page renders and drives them', async () => {
    const page = await openPage();
    page.setDefaultTimeout(10_000);
    await page.getByLabel('Имя', { exact: true }).fill('Пётр');
    await page.getByLabel('Язык Telegram').selectOption('en');
    await page.getByRole('button', { name: 'Создать', exact: true }).click();
    await page.getByText('Нажмите «Начать»').waitFor();

    // Demo hints from /sandbox/api/info extra.
    await page.getByRole('heading', { name: 'Демо-данные' }).waitFor();
    await page.getByText('100200', { exact: true }).waitFor();

    // Entities: tags from entities at the right UTF-16 offsets, text escaped.
    await send(page, '/rich');
    const rich = page.locator('.row.theirs .text').filter({ hasText: 'Жирный' });
    await rich.waitFor();
    expect(await rich.locator('strong').allTextContents()).toEqual(['Жирный', 'после эмодзи']);
    expect(await rich.locator('em').textContent()).toBe('курсив');
    expect(await rich.locator('u').textContent()).toBe('подчёркнутый');
    expect(await rich.locator('s').textContent()).toBe('зачёркнутый');
    expect(await rich.locator('code').first().textContent()).toBe('код');
    expect(await rich.locator('.spoiler').textContent()).toBe('секрет');
    expect(await rich.locator('a[href="https://example.org/x"]').textContent()).toBe('ссылка');
    expect(await rich.locator('pre').textContent()).toBe('строка pre');
    expect(await rich.locator('blockquote').textContent()).toBe('цитата');
    expect(await rich.textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('.messages img[src="x"]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-rich.png') });
    // A command in the bot's text is clickable and sends it.
    await rich.getByRole('button', { name: 'Отправить команду /help' }).click();
    await page.locator('.row.mine .text', { hasText: /^\/help$/ }).waitFor();
    // show_alert → a modal dialog.
    await page.getByRole('button', { name: 'Важно' }).click();
    const alert = page.locator('#alert-dialog');
    await alert.getByText('Показания принимаются с 15 по 25 число').waitFor();
    await alert.getByRole('button', { name: 'OK' }).click();

    // Reply keyboard: shown under the input, a press sends its text, remove_keyboard hides it.
    await send(page, '/kb');
    const keyboard = page.locator('#reply-keyboard');
    await keyboard.getByRole('button', { name: 'Баланс' }).click();
    await page.locator('.row.theirs .text', { hasText: 'Баланс: 1 234,56 ₽' }).waitFor();
    await expect.poll(() => keyboard.isVisible()).toBe(false);
    // request_contact → phone prompt → contact message.
    await send(page, '/kb');
    await keyboard.getByRole('button', { name: /Поделиться номером/ }).click();
    await page.getByLabel('Номер телефона').fill('+7 900 123-45-67');
    await page.getByRole('button', { name: 'Отправить номер' }).click();
    await page
      .locator('.row.theirs .text', { hasText: 'Номер +7 900 123-45-67 получен' })
      .waitFor();

    // Invoice card in rubles from kopecks; paying goes through pre_checkout_query.
    await send(page, '/invoice');
    const invoice = page.locator('.invoice').last();
    await invoice.waitFor();
    expect(await invoice.locator('.invoice-amount').textContent()).toMatch(/^1\s234,56\s₽$/);
    await invoice.getByRole('button', { name: /Оплатить/ }).click();
    await page
      .locator('.service-pill', { hasText: /Оплата 1\s234,56\s₽ прошла успешно/ })
      .waitFor();
    await page.locator('.row.theirs .text', { hasText: 'Спасибо за оплату' }).waitFor();
    await invoice.getByRole('button', { name: /Оплачено/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-invoice.png') });

    // A PDF document: a link opening the token-free file URL in a new tab.
    await send(page, '/doc');
    const doc = page.locator('a.doc-link').last();
    await doc.waitFor();
    expect(await doc.getAttribute('target')).toBe('_blank');
    const href = (await doc.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/sandbox\/api\/files\//);
    const pdf = await fetch(new URL(href, emulator.url));
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(await doc.textContent()).toContain('receipt.pdf');

    // Mail: the badge counts, the panel lists and opens it, the code goes to the input.
    await send(page, '/mail');
    await page.locator('#mail-badge', { hasText: '1' }).waitFor();
    await page.locator('#mail-btn').click();
    await page.getByRole('button', { name: /Код подтверждения/ }).click();
    await page.locator('.mail-text', { hasText: 'Ваш код: 123456' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-mail.png') });
    await page.getByRole('button', { name: 'Вставить код 123456 в чат' }).click();
    expect(await page.getByRole('textbox', { name: 'Сообщение' }).inputValue()).toBe('123456');
    await page.getByRole('textbox', { name: 'Сообщение' }).fill('');

    // A photo from the file input, sent as base64; shown inline.
    await page
      .locator('#file-input')
      .setInputFiles({ name: 'meter.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('#attach-bar', { hasText: 'meter.png' }).waitFor();
    await page.getByRole('button', { name: 'Отправить', exact: true }).click();
    await page.locator('.row.theirs .text', { hasText: 'Фото получено' }).waitFor();
    const img = page.locator('.row.mine .photo-btn img').last();
    expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(2);

    // Edited marker; deleted messages gone (or struck with the setting on).
    await send(page, '/edit');
    const edited = page.locator('.row.theirs', { hasText: 'Исправлено' });
    await edited.locator('.edited').waitFor();
    await send(page, '/del');
    await page.locator('.row.theirs .text', { hasText: 'Сообщение с паролем удалено' }).waitFor();
    expect(await page.getByText('Пароль: secret').count()).toBe(0);
    await page.getByLabel('Показывать удалённые сообщения').check();
    await page.locator('.row.deleted', { hasText: 'Пароль: secret' }).waitFor();
    await page.getByLabel('Показывать удалённые сообщения').uncheck();

    // force_reply: the reply bar opens, the input gets focus and the placeholder.
    await send(page, '/ask');
    await page.locator('#reply-bar', { hasText: 'Введите e-mail' }).waitFor();
    const input = page.getByRole('textbox', { name: 'Сообщение' });
    await expect.poll(() => input.getAttribute('placeholder')).toBe('name@example.org');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('anna@example.org');
    await page.keyboard.press('Enter');
    await page
      .locator('.row.theirs .text', { hasText: 'Ответ получен: anna@example.org' })
      .waitFor();
    await page.locator('.row.mine .quote', { hasText: 'Введите e-mail' }).waitFor();

    await page.screenshot({ path: join(SCREENSHOTS, 'desktop-tour.png') });
    await page.setViewportSize({ width: 375, height: 740 });
    await page.screenshot({ path: join(SCREENSHOTS, 'mobile-tour.png') });

    // The staff group: created with the current user as member, then chatted in.
    await page.getByRole('button', { name: 'Открыть панель песочницы' }).click();
    await page.getByText('Создать группу сотрудников').click();
    await page.getByLabel('Название группы').fill('Операторы');
    await page.getByRole('button', { name: 'Создать группу' }).click();
    await expect.poll(() => page.locator('#chat-title').textContent()).toBe('Операторы');
    await send(page, '/start');
    await page.locator('.row.theirs .sender', { hasText: 'Абонент' }).waitFor();
    await page.locator('.row.theirs .text', { hasText: /^Hello$/ }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'mobile-group.png') });

    // English UI toggle.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.screenshot({ path: join(SCREENSHOTS, 'mobile-group-en.png') });

    expect(errorsOf(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
