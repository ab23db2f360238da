import { conversations, createConversation } from '@grammyjs/conversations';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BotContext, ConversationContext } from '../../src/core/context';
import {
  type ConversationKit,
  createConversationKit,
  FLOW_IDLE_MS,
  type FlowConversation,
  type FlowContext,
  KIT_CANCEL,
  type Who,
} from '../../src/core/conversation-kit/index';
import {
  afterFailedUpdate,
  createExitPath,
  onFlowExit,
} from '../../src/core/conversation-kit/exit';
import { FlowMessages } from '../../src/core/conversation-kit/flow-messages';
import { createI18n } from '../../src/core/i18n';
import { Outbox } from '../../src/core/outbox/outbox';
import {
  SecretInputGate,
  SecretVault,
  secretInput,
  secretLeftovers,
} from '../../src/core/secret-input';
import { KnexStorageAdapter } from '../../src/core/storage';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { TEST_BOT_INFO } from '../support/bot-info';

const texts = createI18n('ru', async () => undefined);
const ru = (key: string, vars?: Record<string, string | number>) => texts.t('ru', key, vars);

/** One Bot API call the kit made. */
interface Call {
  method: string;
  payload: Record<string, unknown>;
  /** The message id a sendMessage got. */
  messageId?: number;
}

/** A digit-only answer, or what to say instead. */
const digits = (input: { kind: string; text?: string }) =>
  input.kind === 'text' && /^\d+$/.test(input.text ?? '')
    ? ({ ok: true, value: Number(input.text) } as const)
    : ({ ok: false, say: { key: 'kit-text-expected' } } as const);

/**
 * A bot with the kit's real parts over a real database: the conversations plugin storing in
 * `kv_store`, the secret-input swap, the exit path and its `onExit`. The Bot API is answered
 * in-process (bot's and conversations' own Api), every call recorded.
 */
function kitBot(db: TestDatabase['db']) {
  const clock = () => new Date();
  const calls: Call[] = [];
  const passedOn: string[] = [];
  const checked: string[] = [];
  let nextId = 1;
  const chatMessageId = () => nextId++;
  const gate = new SecretInputGate(db, clock);
  const vault = new SecretVault(clock);
  const whoIs = async (): Promise<Who> => 'resident';
  const leave = async (ctx: FlowContext, text: string) => {
    await ctx.reply(text);
  };
  const kit: ConversationKit = createConversationKit({
    gate,
    vault,
    whoIs,
    residentOf: async (telegramUserId) => ({ userId: telegramUserId }),
    leave,
    residentMenu: () => ({ remove_keyboard: true }),
    outbox: new Outbox(db, clock),
    flowMessages: new FlowMessages(db, clock),
  });
  // The Bot API, answered in-process at the HTTP client: the bot's and every conversation's Api
  // go through it, but a conversation's replay does not (replayed calls are not sent again).
  const fetch = async (url: unknown, init?: { body?: unknown }): Promise<Response> => {
    const method = String(url).split('/').at(-1) ?? '';
    const payload = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    const messageId = method === 'sendMessage' ? chatMessageId() : undefined;
    calls.push({ method, payload, ...(messageId ? { messageId } : {}) });
    const result =
      method === 'sendMessage'
        ? {
            message_id: messageId,
            date: 0,
            chat: { id: payload.chat_id, type: 'private', first_name: 'Анна' },
            text: payload.text,
          }
        : true;
    return new Response(JSON.stringify({ ok: true, result }), {
      headers: { 'content-type': 'application/json' },
    });
  };

  const bot = new Bot<BotContext>('1:kit', {
    botInfo: TEST_BOT_INFO,
    // biome-ignore lint/suspicious/noExplicitAny: grammY types its fetch with node-fetch's shapes
    client: { apiRoot: 'http://kit.invalid', fetch: fetch as any },
  });
  // As the app's error handler (bot.catch): a failed update closes the flow's open question.
  bot.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      await afterFailedUpdate(kit, ctx);
      throw error;
    }
  });
  const i18n = createI18n<BotContext>('ru', async () => undefined);
  bot.use(i18n);
  bot.use(
    conversations<BotContext, ConversationContext>({
      storage: {
        type: 'key',
        version: 1,
        prefix: 'conv:',
        adapter: new KnexStorageAdapter(db, '', clock),
      },
      plugins: [createI18n<ConversationContext>('ru', async () => undefined)],
      onExit: onFlowExit(kit),
    }),
  );
  bot.use(secretInput(gate, vault, ['start', 'help', 'cancel']));
  bot.use(createExitPath({ kit, whoIs, leave, menuButtonKeys: [] }));

  const flow =
    (run: (conversation: FlowConversation, ctx: FlowContext) => Promise<void>) =>
    (conversation: FlowConversation, ctx: ConversationContext) =>
      run(conversation, ctx);
  const conversationsById = {
    number: flow(async (conversation, ctx) => {
      const answer = await kit.ask(conversation, ctx, {
        prompt: 'Сколько?',
        parse: digits,
        tries: 3,
      });
      if (answer) await answer.ctx.reply(`Принято: ${answer.value}`);
    }),
    secret: flow(async (conversation, ctx) => {
      const answer = await kit.askSecret(conversation, ctx, {
        prompt: 'Пароль?',
        check: async (secret) => {
          checked.push(secret);
          if (secret === 'сломать') throw new Error('the service went away');
          return secret === 'верный пароль'
            ? { ok: true, value: true }
            : { ok: false, say: { key: 'kit-secret-expected' } };
        },
      });
      if (answer) await answer.ctx.reply('Пароль принят.');
    }),
    choice: flow(async (conversation, ctx) => {
      const answer = await kit.choose(conversation, ctx, {
        prompt: 'Какой?',
        options: [
          { label: 'Первый', value: 'one' },
          { label: 'Второй', value: 'two' },
        ],
      });
      if (answer) await answer.ctx.reply(`Выбран: ${answer.value}`);
    }),
    file: flow(async (conversation, ctx) => {
      const answer = await kit.ask(conversation, ctx, {
        prompt: 'Фото или текст?',
        files: true,
        otherwise: { key: 'appeals-reply-kinds' },
        parse: (input) =>
          input.kind === 'file'
            ? { ok: true, value: `${input.file.kind}:${input.file.fileId}:${input.caption ?? ''}` }
            : input.kind === 'text'
              ? { ok: true, value: `text:${input.text}` }
              : { ok: false, say: { key: 'appeals-reply-kinds' } },
      });
      if (answer) await answer.ctx.reply(`Принято: ${answer.value}`);
    }),
    marked: flow(async (conversation, ctx) => {
      const answer = await kit.ask(conversation, ctx, {
        prompt: 'Сколько?',
        parse: digits,
        buttons: [/^v1\|test\|other$/],
        refusalMarkup: (say) =>
          say.key === 'kit-text-expected'
            ? { inline_keyboard: [[{ text: 'Другое', callback_data: 'v1|test|other' }]] }
            : undefined,
      });
      if (answer) await answer.ctx.reply(`Принято: ${answer.value}`);
    }),
  };
  for (const [id, build] of Object.entries(conversationsById)) {
    bot.use(createConversation(build, { id, maxMillisecondsToWait: FLOW_IDLE_MS }));
    bot.command(id, (ctx) => ctx.conversation.enter(id));
  }
  bot.use(secretLeftovers(vault));
  bot.command('help', (ctx) => ctx.reply('Справка.'));
  // What no flow took: recorded, so a test sees an update handled afresh.
  bot.on('message', (ctx) => {
    passedOn.push(ctx.message.text ?? '');
  });

  let updateId = 1;
  const chat = { id: 4242, type: 'private' as const, first_name: 'Анна' };
  const from = { id: 4242, is_bot: false, first_name: 'Анна', language_code: 'ru' };
  const handle = (update: Omit<Update, 'update_id'>) =>
    bot.handleUpdate({ update_id: updateId++, ...update } as Update);

  return {
    kit,
    calls,
    passedOn,
    checked,
    chatId: chat.id,
    /** Sends a text (a command gets its entity) and returns the message id. */
    async say(text: string): Promise<number> {
      const message_id = chatMessageId();
      const entities = text.startsWith('/')
        ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]?.length ?? 0 }]
        : undefined;
      await handle({
        message: { message_id, date: 0, chat, from, text, ...(entities ? { entities } : {}) },
      });
      return message_id;
    },
    /** Sends a photo (one size, by file id) with an optional caption. */
    async photo(fileId: string, caption?: string): Promise<void> {
      const photo = [{ file_id: fileId, file_unique_id: fileId, width: 1, height: 1 }];
      await handle({
        message: {
          message_id: chatMessageId(),
          date: 0,
          chat,
          from,
          photo,
          ...(caption ? { caption } : {}),
        },
      });
    },
    async edit(messageId: number, text: string): Promise<void> {
      await handle({
        edited_message: { message_id: messageId, date: 0, edit_date: 1, chat, from, text },
      });
    },
    async press(data: string, messageId: number): Promise<void> {
      await handle({
        callback_query: {
          id: String(updateId),
          from,
          chat_instance: 'kit',
          data,
          message: { message_id: messageId, date: 0, chat, from: TEST_BOT_INFO, text: '…' },
        },
      });
    },
    /** The texts the bot sent since `from` (an index into `calls`). */
    sentSince(start: number): string[] {
      return calls
        .slice(start)
        .filter((c) => c.method === 'sendMessage')
        .map((c) => String(c.payload.text));
    },
    lastSent(): Call | undefined {
      return calls.filter((c) => c.method === 'sendMessage').at(-1);
    },
    async active(): Promise<boolean> {
      const row = await db('kv_store').where('key', 'like', `conv:${chat.id}%`).first();
      return row !== undefined && !String(row.value).includes('"active":{}');
    },
    async secretMarked(): Promise<boolean> {
      return (await db('kv_store').where('key', 'like', 'secret-wait:%').first()) !== undefined;
    },
  };
}

describe('the conversation kit', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await withTestDatabase();
  });
  afterAll(() => t.cleanup());
  afterEach(async () => {
    vi.useRealTimers();
    await t.db('kv_store').delete();
  });

  describe('ask: files and the buttons under a refusal', () => {
    it('when a question takes files, then a photo answers it with its file id and caption', async () => {
      const b = kitBot(t.db);
      await b.say('/file');
      await b.photo('photo-1', 'Акт');
      expect(b.lastSent()?.payload.text).toBe('Принято: photo:photo-1:Акт');
    });

    it('when a question takes text only, then a photo is another kind: explained, not passed to the parser', async () => {
      const b = kitBot(t.db);
      await b.say('/number');
      const start = b.calls.length;
      await b.photo('photo-2');
      expect(b.sentSince(start)).toEqual([ru('kit-text-expected')]);
      await b.say('7');
      expect(b.lastSent()?.payload.text).toBe('Принято: 7');
    });

    it('when an answer is refused, then the refusal carries the buttons chosen for what was said', async () => {
      const b = kitBot(t.db);
      await b.say('/marked');
      expect(JSON.stringify(b.lastSent()?.payload.reply_markup)).not.toContain('Другое');
      await b.say('много');
      expect(b.lastSent()?.payload.text).toBe(ru('kit-text-expected'));
      expect(JSON.stringify(b.lastSent()?.payload.reply_markup)).toContain('v1|test|other');
    });
  });

  describe('ask: one bound per question', () => {
    it('when every answer is unusable, then it explains each but the last and gives up after the bound, and the next message is handled afresh', async () => {
      const b = kitBot(t.db);
      await b.say('/number');
      const start = b.calls.length;
      await b.say('двенадцать');
      await b.say('12a');
      await b.say('много');
      expect(b.sentSince(start)).toEqual([
        ru('kit-text-expected'),
        ru('kit-text-expected'),
        ru('kit-too-many-tries'),
      ]);
      await b.say('12');
      expect(b.passedOn).toEqual(['12']);
    });

    it('when only old buttons keep coming, then none is counted as a try, yet the question still ends after a bounded number of updates', async () => {
      const b = kitBot(t.db);
      await b.say('/number');
      // The bound is 3 tries; old buttons are not tries, but at most 4 × 3 updates are waited for.
      for (let press = 0; press < 11; press++) await b.press('v1|kit|pick|old|0', 1);
      expect(await b.active()).toBe(true);
      await b.press('v1|kit|pick|old|0', 1);
      expect(await b.active()).toBe(false);
      expect(b.lastSent()?.payload.text).toBe(ru('kit-too-many-tries'));
    });

    it('when a good answer follows bad ones within the bound, then it is taken', async () => {
      const b = kitBot(t.db);
      await b.say('/number');
      await b.say('двенадцать');
      await b.say('12');
      expect(b.lastSent()?.payload.text).toBe('Принято: 12');
      expect(b.passedOn).toEqual([]);
    });
  });

  describe('ask a secret', () => {
    it('when the password is typed, then the message is deleted, the check gets the plaintext, and storage holds only a token', async () => {
      const b = kitBot(t.db);
      await b.say('/secret');
      expect(await b.secretMarked()).toBe(true);
      const typed = await b.say('неверный пароль');
      expect(b.calls).toContainEqual({
        method: 'deleteMessage',
        payload: { chat_id: b.chatId, message_id: typed },
      });
      expect(b.checked).toEqual(['неверный пароль']);
      // Asked again: the mark is armed again, and the stored flow holds no plaintext.
      expect(await b.secretMarked()).toBe(true);
      const stored = await t.db('kv_store').where('key', 'like', 'conv:%').pluck('value');
      expect(stored.join('\n')).toContain('secret:');
      expect(stored.join('\n')).not.toContain('неверный пароль');
      await b.say('верный пароль');
      expect(b.lastSent()?.payload.text).toBe('Пароль принят.');
      expect(await b.secretMarked()).toBe(false);
    });

    const exits: [string, (b: ReturnType<typeof kitBot>) => Promise<unknown>][] = [
      ['/cancel', (b) => b.say('/cancel')],
      ['the Cancel button', (b) => b.press(KIT_CANCEL, 1)],
      ['a cancel word', (b) => b.say('отмена')],
      ['another command', (b) => b.say('/help')],
      ['an error in the check', (b) => b.say('сломать').catch(() => undefined)],
      [
        'the idle timeout',
        async (b) => {
          vi.useFakeTimers({ toFake: ['Date'] });
          vi.setSystemTime(Date.now() + FLOW_IDLE_MS + 1000);
          await b.say('после перерыва');
        },
      ],
    ];
    for (const [how, leave] of exits) {
      it(`when the flow is left by ${how}, then the secret mark is cleared and the next text is not swapped`, async () => {
        const b = kitBot(t.db);
        await b.say('/secret');
        const question = b.lastSent()?.messageId;
        expect(await b.secretMarked()).toBe(true);
        expect(await b.active()).toBe(true);
        await leave(b);
        expect(await b.secretMarked()).toBe(false);
        // The open question's buttons are edited away on every exit, not only by its own Cancel.
        const closed = b.calls.filter(
          (c) => c.method === 'editMessageReplyMarkup' && c.payload.message_id === question,
        );
        expect(closed.length).toBeGreaterThan(0);
        // Nothing typed at the secret step reaches other handlers as text (not even a token).
        expect(b.passedOn.join('\n')).not.toContain('secret:');
        expect(await b.active()).toBe(false);
        const before = b.calls.length;
        await b.say('user@example.org');
        expect(b.passedOn.at(-1)).toBe('user@example.org');
        expect(b.calls.slice(before).map((c) => c.method)).not.toContain('deleteMessage');
      });
    }
  });

  describe('edited messages', () => {
    it('when a refused answer is edited while its question is open, then the edit is taken as the answer', async () => {
      const b = kitBot(t.db);
      await b.say('/number');
      const refused = await b.say('12a');
      await b.edit(refused, '12');
      expect(b.lastSent()?.payload.text).toBe('Принято: 12');
    });

    it('when a message sent before the question is edited, then it is explained and no try is used', async () => {
      const b = kitBot(t.db);
      const earlier = await b.say('привет');
      await b.say('/number');
      const start = b.calls.length;
      await b.edit(earlier, '5');
      await b.edit(earlier, '6');
      await b.edit(earlier, '7');
      expect(b.sentSince(start)).toEqual([
        ru('kit-edit-ignored'),
        ru('kit-edit-ignored'),
        ru('kit-edit-ignored'),
      ]);
      await b.say('7'); // three edits used none of the three tries
      expect(b.lastSent()?.payload.text).toBe('Принято: 7');
    });
  });

  describe('buttons', () => {
    it('when a button of an earlier question is pressed, then it is answered with an explanation and no try is used', async () => {
      const b = kitBot(t.db);
      await b.say('/choice');
      const question = b.lastSent();
      const markup = question?.payload.reply_markup as {
        inline_keyboard: { text: string; callback_data: string }[][];
      };
      const [first] = markup.inline_keyboard.flat();
      const start = b.calls.length;
      // A pick of another (older) choice question: same shape, another nonce.
      await b.press('v1|kit|pick|zzzz|0', 1);
      const answered = b.calls.slice(start).find((c) => c.method === 'answerCallbackQuery');
      expect(answered?.payload).toMatchObject({ text: ru('kit-button-stale'), show_alert: true });
      expect(b.sentSince(start)).toEqual([]);
      await b.press(first?.callback_data ?? '', 2);
      expect(b.lastSent()?.payload.text).toBe('Выбран: one');
      // Chosen: every press was answered, and the question lost its buttons.
      const presses = b.calls.filter((c) => c.method === 'answerCallbackQuery');
      expect(presses).toHaveLength(2);
      expect(b.calls.map((c) => c.method)).toContain('editMessageReplyMarkup');
    });
  });

  describe('idle timeout', () => {
    it('when no answer comes for longer than the idle limit, then the flow is over and the late message is handled afresh', async () => {
      const b = kitBot(t.db);
      await b.say('/number');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + FLOW_IDLE_MS - 60_000);
      await b.say('двенадцать'); // within the limit: explained, still open
      expect(b.lastSent()?.payload.text).toBe(ru('kit-text-expected'));
      vi.setSystemTime(Date.now() + FLOW_IDLE_MS + 1000);
      await b.say('12');
      expect(b.passedOn).toEqual(['12']);
      expect(await b.active()).toBe(false);
    });

    it('when a password arrives after the idle limit, then it is deleted, no handler gets it, and the person is told to start again', async () => {
      const b = kitBot(t.db);
      await b.say('/secret');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + FLOW_IDLE_MS + 1000);
      const late = await b.say('верный пароль');
      expect(b.calls).toContainEqual({
        method: 'deleteMessage',
        payload: { chat_id: b.chatId, message_id: late },
      });
      expect(b.checked).toEqual([]);
      expect(b.passedOn).toEqual([]);
      expect(b.lastSent()?.payload.text).toBe(ru('kit-secret-flow-ended'));
    });
  });
});
