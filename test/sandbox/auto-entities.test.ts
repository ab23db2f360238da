import { Bot, GrammyError, InputFile } from 'grammy';
import { describe, expect, it } from 'vitest';
import { findAutoEntities, withAutoEntities } from '../../src/sandbox/emulator/auto-entities.js';
import type { Message, MessageEntity } from '../../src/sandbox/emulator.js';
import { BOT, startEmulator } from './helpers.js';

/** `type:text@offset` for each entity, so failures read like the message. */
function show(text: string, entities: MessageEntity[] | undefined): string[] {
  return (entities ?? []).map(
    (e) => `${e.type}:${text.slice(e.offset, e.offset + e.length)}@${e.offset}`,
  );
}

const detect = (text: string): string[] => show(text, findAutoEntities(text));

describe('findAutoEntities', () => {
  it('when a command carries an @botname suffix, then the entity covers /cmd@bot and not the payload', () => {
    expect(detect('/start@abonent_bot ref_42')).toEqual(['bot_command:/start@abonent_bot@0']);
    expect(detect('Нажмите /help, затем /pay@abonent_bot.')).toEqual([
      'bot_command:/help@8',
      'bot_command:/pay@abonent_bot@21',
    ]);
  });

  it('when slashes are part of words, paths or fractions, then no command is found', () => {
    expect(detect('and/or 1/2 a /b/c слово/cmd //x')).toEqual([]);
  });

  it('when a url is followed by punctuation, then the url stops before it', () => {
    expect(detect('см. https://example.org/x.')).toEqual(['url:https://example.org/x@4']);
    expect(detect('Ссылка (https://example.org/a?b=1)!')).toEqual([
      'url:https://example.org/a?b=1@8',
    ]);
    expect(detect('https://en.wikipedia.org/wiki/Foo_(bar), ok')).toEqual([
      'url:https://en.wikipedia.org/wiki/Foo_(bar)@0',
    ]);
    expect(detect('http://localhost:8080/a?b=c#d; http://1.2.3.4')).toEqual([
      'url:http://localhost:8080/a?b=c#d@0',
      'url:http://1.2.3.4@31',
    ]);
  });

  it('when a domain has no scheme, then only known TLDs make it a link', () => {
    expect(detect('Сайт: example.org/path?a=1, канал t.me/abonent и пример.рф.')).toEqual([
      'url:example.org/path?a=1@6',
      'url:t.me/abonent@34',
      'url:пример.рф@49',
    ]);
    expect(detect('file.txt Node.js README.md т.е. v1.2.3 example.orgx')).toEqual([]);
  });

  it('when the text holds e-mails, then they are emails, never mentions or urls', () => {
    expect(detect('Пишите на info@example.org или a.b+c@mail.example.ru.')).toEqual([
      'email:info@example.org@10',
      'email:a.b+c@mail.example.ru@31',
    ]);
    expect(detect('user@localhost a@b.c')).toEqual([]);
  });

  it('when @usernames are 5–32 characters and stand alone, then they are mentions', () => {
    expect(detect('Спросите @support_team или @abc, не @1digit_first')).toEqual([
      'mention:@support_team@9',
    ]);
    expect(detect(`@${'a'.repeat(32)} @${'a'.repeat(33)}`)).toEqual([
      `mention:@${'a'.repeat(32)}@0`,
    ]);
  });

  it('when hashtags, cashtags and international phone numbers appear, then they are found conservatively', () => {
    expect(detect('#тег #1 C# $USD $usd')).toEqual(['hashtag:#тег@0', 'cashtag:$USD@11']);
    expect(
      detect('Звоните +7 914 123-45-67, +7 (914) 123-45-67 или +79141234567; 8 914 123-45-67'),
    ).toEqual([
      'phone_number:+7 914 123-45-67@8',
      'phone_number:+7 (914) 123-45-67@26',
      'phone_number:+79141234567@49',
    ]);
    expect(detect('+7 123 и +12345 и 2+2')).toEqual([]);
  });

  it('when an emoji (a surrogate pair) precedes entities, then offsets count UTF-16 units', () => {
    const text = '😀👍 /help и info@example.org';
    expect(findAutoEntities(text)).toEqual([
      { type: 'bot_command', offset: 5, length: 5 },
      { type: 'email', offset: 13, length: 16 },
    ]);
    expect(text.slice(5, 10)).toBe('/help');
  });

  it('when entities could overlap, then the leftmost (then longest) wins', () => {
    expect(detect('https://t.me/@durov_team #tag')).toEqual([
      'url:https://t.me/@durov_team@0',
      'hashtag:#tag@25',
    ]);
  });
});

describe('withAutoEntities', () => {
  it('when text is inside explicit code or pre, then nothing is detected there', () => {
    const text = '/help https://example.org info@example.org';
    expect(withAutoEntities(text, [{ type: 'code', offset: 0, length: text.length }])).toEqual([
      { type: 'code', offset: 0, length: text.length },
    ]);
    const pre: MessageEntity = { type: 'pre', offset: 6, length: 19, language: 'txt' };
    expect(show(text, withAutoEntities(text, [pre]))).toEqual([
      'bot_command:/help@0',
      'pre:https://example.org@6',
      'email:info@example.org@26',
    ]);
  });

  it('when an explicit link or url covers the text, then it wins over a detected one', () => {
    const text = 'см. example.org';
    const link: MessageEntity = { type: 'text_link', offset: 4, length: 7, url: 'https://x.y' };
    expect(withAutoEntities(text, [link])).toEqual([link]);
  });

  it('when a url sits inside bold text, then both are kept, sorted as Telegram returns them', () => {
    const text = 'Жми: https://example.org и /help';
    const bold: MessageEntity = { type: 'bold', offset: 0, length: 24 };
    expect(show(text, withAutoEntities(text, [bold]))).toEqual([
      'bold:Жми: https://example.org@0',
      'url:https://example.org@5',
      'bot_command:/help@27',
    ]);
  });

  it('when a detected entity crosses a blockquote boundary, then it is dropped', () => {
    const text = 'цитата /help';
    expect(withAutoEntities(text, [{ type: 'blockquote', offset: 0, length: 9 }])).toEqual([
      { type: 'blockquote', offset: 0, length: 9 },
    ]);
    expect(
      show(text, withAutoEntities(text, [{ type: 'blockquote', offset: 0, length: 12 }])),
    ).toEqual(['blockquote:цитата /help@0', 'bot_command:/help@7']);
  });

  it('when nothing is detected, then the explicit entities come back untouched', () => {
    const explicit: MessageEntity[] = [{ type: 'italic', offset: 0, length: 3 }];
    expect(withAutoEntities('abc', explicit)).toBe(explicit);
  });
});

describe('auto-detected entities end to end', () => {
  it('when a grammY bot replies with a command and an e-mail, then the transcript carries both entities', async () => {
    const { emulator, client } = await startEmulator();
    const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    bot.command('start', (ctx) => ctx.reply('Нажмите /help или напишите на info@example.org'));
    const stopped = bot.start({ drop_pending_updates: false, timeout: 1 });
    try {
      const user = await client.createUser({ first_name: 'Мария', language_code: 'ru' });
      await client.sendText(user.id, user.id, '/start');
      const reply = await client.nextBotMessage(user.id);
      expect(reply.text).toBe('Нажмите /help или напишите на info@example.org');
      expect(reply.entities).toEqual([
        { type: 'bot_command', offset: 8, length: 5 },
        { type: 'email', offset: 30, length: 16 },
      ]);
      const [entry] = (await client.transcript(user.id)).filter((e) => e.direction === 'out');
      expect(entry?.entities).toEqual(reply.entities);
    } finally {
      await bot.stop();
      await stopped;
    }
  });

  it('when the bot formats, edits, captions and copies, then detected entities merge with its own', async () => {
    const { emulator, client, result } = await startEmulator();
    const bot = new Bot(BOT.token, { client: { apiRoot: emulator.apiRoot } });
    const user = await client.createUser({ first_name: 'A' });

    const html = await result<Message>('sendMessage', {
      chat_id: user.id,
      text: '<code>/help</code> <b>см. https://example.org/x.</b> /start',
      parse_mode: 'HTML',
    });
    expect(show(html.text ?? '', html.entities)).toEqual([
      'code:/help@0',
      'bold:см. https://example.org/x.@6',
      'url:https://example.org/x@10',
      'bot_command:/start@33',
    ]);

    const edited = await result<Message>('editMessageText', {
      chat_id: user.id,
      message_id: html.message_id,
      text: 'Теперь @support_team',
    });
    expect(edited.entities).toEqual([{ type: 'mention', offset: 7, length: 13 }]);

    const doc = await bot.api.sendDocument(user.id, new InputFile(Buffer.from('x'), 'a.txt'), {
      caption: '😀 счёт на example.org',
    });
    expect(doc.caption_entities).toEqual([{ type: 'url', offset: 11, length: 11 }]);

    const copy = await result<{ message_id: number }>('copyMessage', {
      chat_id: user.id,
      from_chat_id: user.id,
      message_id: doc.message_id,
      caption: '<i>копия</i> #счёт',
      parse_mode: 'HTML',
    });
    const copied = (await client.transcript(user.id)).find((e) => e.message_id === copy.message_id);
    expect(copied?.caption_entities).toEqual([
      { type: 'italic', offset: 0, length: 5 },
      { type: 'hashtag', offset: 6, length: 5 },
    ]);
  });

  it('when a user writes urls, e-mails and mentions, then their message carries those entities too', async () => {
    const { client } = await startEmulator();
    const user = await client.createUser({ first_name: 'A' });
    const text = '/start@abonent_bot см. https://example.org/x. и @support_team, a@b.org';
    const m = await client.sendText(user.id, user.id, text);
    expect(show(text, m.entities)).toEqual([
      'bot_command:/start@abonent_bot@0',
      'url:https://example.org/x@23',
      'mention:@support_team@48',
      'email:a@b.org@63',
    ]);
  });
});

describe('strictPrivateChats', () => {
  it('when the user never wrote to the bot, then sending gets 403 until they do', async () => {
    const { call, client } = await startEmulator({ strictPrivateChats: true });
    const user = await client.createUser({ first_name: 'A' });
    const res = await call('sendMessage', { chat_id: user.id, text: 'Привет' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    // Groups are not private chats: the bot may write there first.
    const group = await client.createGroup('Сотрудники', [user.id]);
    expect((await call('sendMessage', { chat_id: group.id, text: 'Привет' })).body.ok).toBe(true);

    await client.sendText(user.id, user.id, '/start');
    expect((await call('sendMessage', { chat_id: user.id, text: 'Привет' })).body.ok).toBe(true);
  });

  it('when grammY hits it, then the GrammyError carries 403; without the option the bot may write first', async () => {
    const strict = await startEmulator({ strictPrivateChats: true });
    const user = await strict.client.createUser({ first_name: 'A' });
    const bot = new Bot(BOT.token, { client: { apiRoot: strict.emulator.apiRoot } });
    const err = await bot.api.sendMessage(user.id, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect((err as GrammyError).error_code).toBe(403);

    const lax = await startEmulator();
    const other = await lax.client.createUser({ first_name: 'B' });
    expect((await lax.call('sendMessage', { chat_id: other.id, text: 'x' })).body.ok).toBe(true);
  });
});
