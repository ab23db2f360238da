import { describe, expect, it } from 'vitest';
import type { Message, Update } from '../../src/sandbox/emulator.js';
import { BOT, startEmulator } from './helpers.js';

describe('Bot API wire format', () => {
  it('when the token is unknown, then 401 Unauthorized in Telegram’s error shape', async () => {
    const { call } = await startEmulator();
    const res = await call('getMe', {}, '123:wrong');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
  });

  it('when the method does not exist, then 404 Not Found', async () => {
    const { call } = await startEmulator();
    const res = await call('sendTelepathy');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
  });

  it('when getMe is called (any letter case), then the bot user is returned', async () => {
    const { result } = await startEmulator();
    const me = await result<{ id: number; is_bot: boolean; username: string }>('GETME');
    expect(me).toMatchObject({ id: BOT.id, is_bot: true, username: BOT.username });
  });

  it('when parameters come url-encoded or in the query string, then they are understood', async () => {
    const { emulator, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'Анна' });
    const form = await fetch(`${emulator.apiRoot}/bot${BOT.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: String(user.id),
        text: 'hi',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }),
      }),
    });
    expect(
      ((await form.json()) as { result: Message }).result.reply_markup?.inline_keyboard[0]?.[0]
        ?.text,
    ).toBe('A');
    const query = await fetch(
      `${emulator.apiRoot}/bot${BOT.token}/sendMessage?chat_id=${user.id}&text=q`,
    );
    expect(((await query.json()) as { result: Message }).result.text).toBe('q');
  });

  it('when the chat is unknown, then 400 chat not found', async () => {
    const { call } = await startEmulator();
    const res = await call('sendMessage', { chat_id: 42, text: 'hi' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
  });

  it('when the text is empty or too long, then Telegram’s wording', async () => {
    const { call, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    expect((await call('sendMessage', { chat_id: user.id, text: '  ' })).body.description).toBe(
      'Bad Request: message text is empty',
    );
    expect(
      (await call('sendMessage', { chat_id: user.id, text: 'x'.repeat(4097) })).body.description,
    ).toBe('Bad Request: message is too long');
    // Markup does not count: 4096 visible characters inside <b> are fine.
    const ok = await call('sendMessage', {
      chat_id: user.id,
      text: `<b>${'x'.repeat(4096)}</b>`,
      parse_mode: 'HTML',
    });
    expect(ok.body.ok).toBe(true);
  });

  it('when HTML or MarkdownV2 is malformed, then 400 can’t parse entities', async () => {
    const { call, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const html = await call('sendMessage', {
      chat_id: user.id,
      text: '<b>bold',
      parse_mode: 'HTML',
    });
    expect(html.status).toBe(400);
    expect(html.body.description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    const tag = await call('sendMessage', {
      chat_id: user.id,
      text: 'a <blink>x</blink>',
      parse_mode: 'HTML',
    });
    expect(tag.body.description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 2',
    );
    const md = await call('sendMessage', {
      chat_id: user.id,
      text: 'Итого: 1.5 кВт·ч',
      parse_mode: 'MarkdownV2',
    });
    expect(md.body.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
  });

  it('when formatting is valid, then plain text and UTF-16 entities are stored', async () => {
    const { result, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const m = await result<Message>('sendMessage', {
      chat_id: user.id,
      text: '⚡ <b>Баланс</b> &lt;100&gt; <a href="https://example.org/?a=1&amp;b=2">ссылка</a>',
      parse_mode: 'HTML',
    });
    expect(m.text).toBe('⚡ Баланс <100> ссылка');
    expect(m.entities).toEqual([
      { type: 'bold', offset: 2, length: 6 },
      { type: 'text_link', offset: 15, length: 6, url: 'https://example.org/?a=1&b=2' },
    ]);
    const md = await result<Message>('sendMessage', {
      chat_id: user.id,
      text: '*Долг* _за_ `12\\.2024`\\!',
      parse_mode: 'MarkdownV2',
    });
    expect(md.text).toBe('Долг за 12.2024!');
    expect(md.entities).toEqual([
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 5, length: 2 },
      { type: 'code', offset: 8, length: 7 },
    ]);
  });

  it('when callback_data is 65 bytes, then 400 BUTTON_DATA_INVALID', async () => {
    const { call, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const res = await call('sendMessage', {
      chat_id: user.id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'd'.repeat(65) }]] },
    });
    expect(res.body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: BUTTON_DATA_INVALID',
    });
    const plain = await call('sendMessage', {
      chat_id: user.id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'b' }]] },
    });
    expect(plain.body.description).toMatch(/Text buttons are unallowed in the inline keyboard/);
  });

  it('when the user blocked the bot, then 403 Forbidden', async () => {
    const { call, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    await client.block(user.id);
    const res = await call('sendMessage', { chat_id: user.id, text: 'hi' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    await client.unblock(user.id);
    expect((await call('sendMessage', { chat_id: user.id, text: 'hi' })).body.ok).toBe(true);
  });

  it('when an edit changes nothing, then message is not modified; an unknown id is not found', async () => {
    const { call, result, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const m = await result<Message>('sendMessage', { chat_id: user.id, text: 'same' });
    const same = await call('editMessageText', {
      chat_id: user.id,
      message_id: m.message_id,
      text: 'same',
    });
    expect(same.body.description).toMatch(/^Bad Request: message is not modified: /);
    const missing = await call('editMessageText', { chat_id: user.id, message_id: 999, text: 'x' });
    expect(missing.body.description).toBe('Bad Request: message to edit not found');
    const edited = await result<Message>('editMessageText', {
      chat_id: user.id,
      message_id: m.message_id,
      text: 'new',
    });
    expect(edited.edit_date).toBeTypeOf('number');
    expect((await client.transcript(user.id))[0]).toMatchObject({
      text: 'new',
      edits: 1,
      deleted: false,
    });
  });

  it('when a callback query is answered twice, then the second answer is rejected', async () => {
    const { call, result, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const m = await result<Message>('sendMessage', {
      chat_id: user.id,
      text: 'pick',
      reply_markup: { inline_keyboard: [[{ text: 'Да', callback_data: 'yes' }]] },
    });
    const id = await client.pressButton(user.id, user.id, m, 'Да');
    const [update] = await result<Update[]>('getUpdates', {});
    expect(update?.callback_query).toMatchObject({
      id,
      data: 'yes',
      message: { message_id: m.message_id },
    });
    expect((await call('answerCallbackQuery', { callback_query_id: id, text: 'ok' })).body.ok).toBe(
      true,
    );
    expect(await client.callbackAnswer(id)).toEqual({ answered: true, text: 'ok' });
    const again = await call('answerCallbackQuery', { callback_query_id: id });
    expect(again.body.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
  });

  it('when commands are set per scope and language, then they are read back and validated', async () => {
    const { call, result, emulator, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    await result('setMyCommands', {
      commands: [{ command: 'start', description: 'Начать' }],
      language_code: 'ru',
    });
    await result('setMyCommands', {
      commands: [{ command: 'help', description: 'Help' }],
      scope: { type: 'all_private_chats' },
    });
    expect(await result('getMyCommands', { language_code: 'ru' })).toEqual([
      { command: 'start', description: 'Начать' },
    ]);
    expect(await result('getMyCommands', {})).toEqual([]);
    const bad = await call('setMyCommands', {
      commands: [{ command: 'Start!', description: 'x' }],
    });
    expect(bad.body.description).toBe('Bad Request: BOT_COMMAND_INVALID');
    const menu = await fetch(
      `${emulator.url}/sandbox/api/chats/${user.id}/commands?language_code=ru`,
    );
    expect(await menu.json()).toEqual([{ command: 'help', description: 'Help' }]);
  });
});

describe('getUpdates', () => {
  it('when an update is not confirmed by offset, then it is delivered again', async () => {
    const { result, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    await client.sendText(user.id, user.id, '/start');
    const first = await result<Update[]>('getUpdates', {});
    const again = await result<Update[]>('getUpdates', {});
    expect(again).toEqual(first);
    const id = first[0]?.update_id ?? 0;
    expect(first[0]?.message).toMatchObject({
      text: '/start',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      chat: { id: user.id, type: 'private' },
    });
    expect(await result<Update[]>('getUpdates', { offset: id + 1 })).toEqual([]);
    await client.sendText(user.id, user.id, 'next');
    const [next] = await result<Update[]>('getUpdates', { offset: id + 1 });
    expect(next?.update_id).toBe(id + 1);
  });

  it('when a command is addressed to the bot with a payload, then the entity covers /cmd@bot only', async () => {
    const { result, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const m = await client.sendText(user.id, user.id, `/start@${BOT.username} ref_42`);
    expect(m.entities).toEqual([
      { type: 'bot_command', offset: 0, length: 7 + BOT.username.length },
    ]);
    expect((await result<Update[]>('getUpdates', {})).length).toBe(1);
  });

  it('when polling with a timeout, then the request returns as soon as a user writes', async () => {
    const { result, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const poll = result<Update[]>('getUpdates', { timeout: 30 });
    await client.sendText(user.id, user.id, 'hello');
    const updates = await poll;
    expect(updates.map((u) => u.message?.text)).toEqual(['hello']);
  });

  it('when allowed_updates excludes callback queries, then they are not delivered', async () => {
    const { result, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const m = await result<Message>('sendMessage', {
      chat_id: user.id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'b' }]] },
    });
    await result('getUpdates', { allowed_updates: ['message'] });
    await client.pressButton(user.id, user.id, m, 'b');
    await client.sendText(user.id, user.id, 'text');
    expect((await result<Update[]>('getUpdates', {})).map((u) => Object.keys(u)[1])).toEqual([
      'message',
    ]);
  });

  it('when a webhook is set, then getUpdates is a 409 Conflict', async () => {
    const { call, result } = await startEmulator();
    await result('setWebhook', { url: 'http://127.0.0.1:9/hook' });
    const res = await call('getUpdates');
    expect(res.status).toBe(409);
    expect(res.body.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    await result('deleteWebhook');
    expect((await call('getUpdates')).body.ok).toBe(true);
  });
});
