import { randomBytes } from 'node:crypto';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';
import { BOT, startEmulator } from './helpers.js';

describe('a real grammY bot against the emulator', () => {
  it('when a user sends /start and presses a button, then the bot answers, edits, and stops cleanly', async () => {
    const { emulator, client } = await startEmulator();
    const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    bot.command('start', (ctx) =>
      ctx.reply(`Здравствуйте, <b>${ctx.from?.first_name}</b>! Payload: ${ctx.match || '—'}`, {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text('Баланс', 'balance:1').text('Помощь', 'help'),
      }),
    );
    bot.callbackQuery(/^balance:(\d+)$/, async (ctx) => {
      await ctx.editMessageText(`Баланс счёта ${ctx.match[1]}: 1 234,56 ₽`);
      await ctx.answerCallbackQuery({ text: 'Готово' });
    });
    const stopped = bot.start({ drop_pending_updates: false, timeout: 1 });
    try {
      const user = await client.createUser({ first_name: 'Мария', language_code: 'ru' });
      await client.sendText(user.id, user.id, '/start ref_7');
      const greeting = await client.nextBotMessage(user.id);
      expect(greeting.text).toBe('Здравствуйте, Мария! Payload: ref_7');
      expect(greeting.entities).toEqual([{ type: 'bold', offset: 14, length: 5 }]);
      const callbackId = await client.pressButton(user.id, user.id, greeting, 'Баланс');
      expect(await client.callbackAnswer(callbackId)).toMatchObject({
        answered: true,
        text: 'Готово',
      });
      const transcript = await client.waitForTranscript(user.id, (t) => t.some((e) => e.edits > 0));
      expect(transcript.map((e) => [e.direction, e.text, e.edits])).toEqual([
        ['in', '/start ref_7', 0],
        ['out', 'Баланс счёта 1: 1 234,56 ₽', 1],
      ]);
    } finally {
      await bot.stop();
      await stopped;
    }
    expect(bot.isRunning()).toBe(false);
  });

  it('when grammY uploads an InputFile, then getFile and both download paths return the same bytes', async () => {
    const { emulator, client } = await startEmulator();
    const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    const user = await client.createUser({ first_name: 'A' });
    const bytes = randomBytes(200 * 1024);
    const sent = await bot.api.sendDocument(user.id, new InputFile(bytes, 'x.bin'), {
      caption: '<i>счёт</i>',
      parse_mode: 'HTML',
    });
    expect(sent.document).toMatchObject({ file_name: 'x.bin', file_size: bytes.length });
    expect(sent.caption_entities).toEqual([{ type: 'italic', offset: 0, length: 4 }]);
    const file = await bot.api.getFile(sent.document?.file_id ?? '');
    const viaBotApi = await fetch(`${emulator.apiRoot}/file/bot${BOT.token}/${file.file_path}`);
    expect(Buffer.from(await viaBotApi.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await client.downloadFile(file.file_id)).equals(bytes)).toBe(true);

    // Re-sending by file_id reuses the stored file, as Telegram does.
    const again = await bot.api.sendDocument(user.id, sent.document?.file_id ?? '');
    expect(again.document?.file_id).toBe(sent.document?.file_id);
    const [first] = await client.transcript(user.id);
    expect(first?.document?.url).toBe(`/sandbox/api/files/${encodeURIComponent(file.file_id)}`);
  });

  it('when a user sends a PNG photo, then the bot sees its real size and can download it', async () => {
    const { emulator, client } = await startEmulator();
    const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    const user = await client.createUser({ first_name: 'A' });
    const png = Buffer.alloc(64);
    png.writeUInt32BE(0x89504e47, 0);
    png.writeUInt32BE(0x0d0a1a0a, 4);
    png.writeUInt32BE(13, 8);
    png.write('IHDR', 12, 'ascii');
    png.writeUInt32BE(320, 16);
    png.writeUInt32BE(240, 20);
    const m = await client.sendPhoto(
      user.id,
      user.id,
      { data: png, filename: 'meter.png', mimeType: 'image/png' },
      'счётчик',
    );
    expect(m.photo?.at(-1)).toMatchObject({ width: 320, height: 240, file_size: 64 });
    expect(m.caption).toBe('счётчик');
    const file = await bot.api.getFile(m.photo?.at(-1)?.file_id ?? '');
    const res = await fetch(`${emulator.apiRoot}/file/bot${BOT.token}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    const photo = await bot.api.sendPhoto(user.id, new InputFile(png, 'p.png'));
    expect(photo.photo?.[0]).toMatchObject({ width: 320, height: 240 });
  });

  it('when rate limits are on, then a burst gets 429 with retry_after and auto-retry gets through', async () => {
    const { emulator, client } = await startEmulator({ rateLimits: true });
    const user = await client.createUser({ first_name: 'A' });
    const raw = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((i) => raw.api.sendMessage(user.id, `m${i}`)),
    );
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(GrammyError);
    const error = rejected?.reason as GrammyError;
    expect(error.error_code).toBe(429);
    expect(error.description).toMatch(/^Too Many Requests: retry after \d+$/);
    expect(error.parameters.retry_after).toBeGreaterThanOrEqual(1);

    const retrying = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    retrying.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 5 }));
    const sent = await retrying.api.sendMessage(user.id, 'after the limit');
    expect(sent.text).toBe('after the limit');

    await client.setRateLimits(false);
    await Promise.all([1, 2, 3, 4, 5].map((i) => raw.api.sendMessage(user.id, `free${i}`)));
  });
});
