import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findButton } from '../../src/sandbox/client.js';
import { createBotApiEmulator, type Message, type Update } from '../../src/sandbox/emulator.js';
import { BOT, startEmulator } from './helpers.js';

describe('control API', () => {
  it('when users and a group are created, then ids follow the contract and membership is reported', async () => {
    const { client, result } = await startEmulator({ info: () => ({ demo: 'anna@example.org' }) });
    const staff = await client.createUser({ first_name: 'Оператор', username: 'staff_one' });
    const other = await client.createUser({ first_name: 'Житель' });
    expect([staff.id, other.id]).toEqual([100000001, 100000002]);
    const group = await client.createGroup('Сотрудники', [staff.id]);
    expect(group).toMatchObject({
      id: -1001000000001,
      type: 'supergroup',
      title: 'Сотрудники',
      member_ids: [staff.id],
    });
    expect(await client.info()).toEqual({
      bot: { id: BOT.id, username: BOT.username, first_name: BOT.first_name },
      extra: { demo: 'anna@example.org' },
    });
    expect(await result('getChatMember', { chat_id: group.id, user_id: staff.id })).toMatchObject({
      status: 'creator',
    });
    expect(await result('getChatMember', { chat_id: group.id, user_id: other.id })).toMatchObject({
      status: 'left',
    });
    expect(await result('getChatMember', { chat_id: group.id, user_id: BOT.id })).toMatchObject({
      status: 'administrator',
    });
    expect(await result('getChat', { chat_id: staff.id })).toMatchObject({
      type: 'private',
      username: 'staff_one',
    });
    await expect(client.sendText(group.id, other.id, 'hi')).rejects.toThrow(
      /403 user 100000002 is not a member/,
    );
  });

  it('when the bot shows a reply keyboard with request_contact, then pressing it shares the user’s contact', async () => {
    const { client, result } = await startEmulator();
    const user = await client.createUser({ first_name: 'Анна' });
    await result('sendMessage', {
      chat_id: user.id,
      text: 'Поделитесь номером',
      reply_markup: {
        keyboard: [[{ text: 'Отправить номер', request_contact: true }], ['Отмена']],
        resize_keyboard: true,
      },
    });
    const prompt = await client.nextBotMessage(user.id);
    expect(findButton(prompt, /номер/)).toMatchObject({ request_contact: true });
    const contact = await client.pressReplyButton(user.id, user.id, prompt, 'Отправить номер');
    expect(contact.contact).toMatchObject({ first_name: 'Анна', user_id: user.id });
    const cancel = await client.pressReplyButton(user.id, user.id, prompt, 'Отмена');
    expect(cancel.text).toBe('Отмена');
    const updates = await result<Update[]>('getUpdates');
    expect(updates.map((u) => (u.message?.contact ? 'contact' : u.message?.text))).toEqual([
      'contact',
      'Отмена',
    ]);
  });

  it('when the bot replies to a message, then the transcript links them and replies of both kinds work', async () => {
    const { client, result } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const question = await client.sendText(user.id, user.id, 'вопрос');
    const answer = await result<Message>('sendMessage', {
      chat_id: user.id,
      text: 'ответ',
      reply_parameters: { message_id: question.message_id },
    });
    expect(answer.reply_to_message?.text).toBe('вопрос');
    const legacy = await result<Message>('sendMessage', {
      chat_id: user.id,
      text: 'x',
      reply_to_message_id: 99,
      allow_sending_without_reply: true,
    });
    expect(legacy.reply_to_message).toBeUndefined();
    const follow = await client.reply(user.id, user.id, answer, 'уточнение');
    expect(follow.reply_to_message?.message_id).toBe(answer.message_id);
    const transcript = await client.transcript(user.id);
    expect(transcript.map((e) => [e.direction, e.reply_to_message_id])).toEqual([
      ['in', undefined],
      ['out', question.message_id],
      ['out', undefined],
      ['in', answer.message_id],
    ]);
  });

  it('when no bot message arrives, then nextBotMessage fails with the last transcript lines', async () => {
    const { client } = await startEmulator();
    const user = await client.createUser({ first_name: 'Анна' });
    await client.sendText(user.id, user.id, 'есть кто?');
    await expect(client.nextBotMessage(user.id, { timeoutMs: 50 })).rejects.toThrow(
      /#1 Анна: есть кто\?/,
    );
  });

  it('when something changes, then SSE subscribers get a hint and notify() reaches them', async () => {
    const { client, emulator } = await startEmulator();
    const res = await fetch(`${emulator.url}/sandbox/api/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body?.getReader();
    const user = await client.createUser({ first_name: 'A' });
    emulator.notify({ type: 'mail' });
    let text = '';
    while (!text.includes('"mail"')) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader?.cancel();
    expect(text).toContain(`data: {"type":"chat","chat_id":${user.id}}`);
    expect(text).toContain('data: {"type":"mail"}');
  });

  it('when a mailbox is injected, then mail is listed newest first', async () => {
    const items = [
      { id: '1', to: 'a@example.org', subject: 'old', text: 'x', date: '2025-01-01T00:00:00Z' },
      { id: '2', to: 'a@example.org', subject: 'new', text: 'y', date: '2025-02-01T00:00:00Z' },
    ];
    const { client } = await startEmulator({ mailbox: { list: async () => items } });
    expect((await client.mail()).map((m) => m.subject)).toEqual(['new', 'old']);
  });

  it('when the control API is misused, then {ok:false,error} with a 4xx status', async () => {
    const { emulator } = await startEmulator();
    const res = await fetch(`${emulator.url}/sandbox/api/users`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      ok: false,
      error: expect.stringContaining('first_name'),
    });
    const missing = await fetch(`${emulator.url}/sandbox/api/chats/5/transcript`);
    expect(missing.status).toBe(404);
    const page = await fetch(`${emulator.url}/no-such-page.html`);
    expect(page.status).toBe(404);
  });
});

describe('files and albums', () => {
  it('when a file is sent as a plain multipart field (curl -F document=@x), then it is stored', async () => {
    const { emulator, client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const form = new FormData();
    form.set('chat_id', String(user.id));
    form.set('document', new Blob([Buffer.from('a;b\n1;2\n')], { type: 'text/csv' }), 'export.csv');
    const res = await fetch(`${emulator.apiRoot}/bot${BOT.token}/sendDocument`, {
      method: 'POST',
      body: form,
    });
    const body = (await res.json()) as { result: Message };
    expect(body.result.document).toMatchObject({
      file_name: 'export.csv',
      mime_type: 'text/csv',
      file_size: 8,
    });
    expect((await client.downloadFile(body.result.document?.file_id ?? '')).toString()).toBe(
      'a;b\n1;2\n',
    );
  });

  it('when an album is sent by file ids, then the messages share a media_group_id', async () => {
    const { client, result, call } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const a = await client.sendDocument(user.id, user.id, {
      data: Buffer.from('1'),
      filename: 'a.txt',
    });
    const b = await client.sendDocument(user.id, user.id, {
      data: Buffer.from('2'),
      filename: 'b.txt',
    });
    const album = await result<Message[]>('sendMediaGroup', {
      chat_id: user.id,
      media: [
        { type: 'document', media: a.document?.file_id },
        { type: 'document', media: b.document?.file_id, caption: '<b>два</b>', parse_mode: 'HTML' },
      ],
    });
    expect(album).toHaveLength(2);
    expect(album[0]?.media_group_id).toBe(album[1]?.media_group_id);
    expect(album[1]?.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 3 }]);
    const bad = await call('sendDocument', { chat_id: user.id, document: 'no-such-file-id' });
    expect(bad.body.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
  });
});

describe('persistence', () => {
  it('when the emulator restarts with the same stateFile, then users, chats, messages and files survive', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-state-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startEmulator({ stateFile });
      const user = await first.client.createUser({ first_name: 'Анна' });
      const doc = await first.client.sendDocument(user.id, user.id, {
        data: Buffer.from('квитанция'),
        filename: 'r.txt',
      });
      await first.result('sendMessage', { chat_id: user.id, text: 'сохранено' });
      await first.emulator.stop();

      const second = createBotApiEmulator({ bot: BOT, stateFile });
      await second.start();
      try {
        const { SandboxClient } = await import('../../src/sandbox/client.js');
        const client = new SandboxClient(second.url);
        expect((await client.users()).map((u) => u.first_name)).toEqual(['Анна']);
        expect(
          (await client.transcript(user.id)).map((e) => e.text ?? e.document?.file_name),
        ).toEqual(['r.txt', 'сохранено']);
        expect((await client.downloadFile(doc.document?.file_id ?? '')).toString()).toBe(
          'квитанция',
        );
        expect((await client.createUser({ first_name: 'Борис' })).id).toBe(user.id + 1);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the bot deletes a message (a password), then the saved state no longer holds it and a restart does not bring it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-state-'));
    const stateFile = join(dir, 'state.json');
    const SECRET = 'Пароль-от-кабинета-2026';
    try {
      const first = await startEmulator({ stateFile });
      const user = await first.client.createUser({ first_name: 'Галина' });
      const secret = await first.client.sendText(user.id, user.id, SECRET);
      await first.client.sendText(user.id, user.id, 'обычный текст');
      await first.result('deleteMessage', { chat_id: user.id, message_id: secret.message_id });
      await first.emulator.stop();
      const saved = await readFile(stateFile, 'utf8');
      expect(saved).not.toContain(SECRET);
      expect(saved).toContain('обычный текст');

      const second = createBotApiEmulator({ bot: BOT, stateFile });
      await second.start();
      try {
        const { SandboxClient } = await import('../../src/sandbox/client.js');
        const client = new SandboxClient(second.url);
        const transcript = await client.transcript(user.id);
        expect(transcript.map((e) => e.text)).toEqual(['обычный текст']);
        // The deleted message's id is not handed out again.
        const next = await client.sendText(user.id, user.id, 'после перезапуска');
        expect(next.message_id).toBeGreaterThan(secret.message_id + 1);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
