import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/app';
import { systemClock } from '../../src/core/clock';
import { loadConfig } from '../../src/config';
import { createDatabase, type Db, dialectOf } from '../../src/core/db/index';
import { createLogger } from '../../src/core/logger';
import { SandboxClient } from '../../src/sandbox/client';
import { type BotApiEmulator, createBotApiEmulator } from '../../src/sandbox/emulator';
import { type TestDatabase, withTestDatabase } from '../support/database';
import { TEST_BOT } from '../support/harness';

const onPostgres = dialectOf(process.env.TEST_DATABASE_URL ?? 'sqlite:') === 'postgres';

/**
 * Two bot instances (each with its own database pool, as two processes would have) on one
 * PostgreSQL database, fed one chat's updates the way several webhook instances are.
 */
describe.skipIf(!onPostgres)('two bot instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let secondDb: Db;
  let emulator: BotApiEmulator;
  let client: SandboxClient;
  let one: ReturnType<typeof createBot>;
  let two: ReturnType<typeof createBot>;
  let nextUpdate = 950_000_000;

  beforeAll(async () => {
    database = await withTestDatabase();
    secondDb = createDatabase(database.url);
    emulator = createBotApiEmulator({ bot: TEST_BOT });
    await emulator.start();
    client = new SandboxClient(emulator.url);
    const config = loadConfig({ DATABASE_URL: database.url });
    const logger = createLogger('silent');
    const options = { token: TEST_BOT.token, apiRoot: emulator.apiRoot, dedupeUpdates: true };
    one = createBot({ config, db: database.db, logger, clock: systemClock }, options);
    two = createBot({ config, db: secondDb, logger, clock: systemClock }, options);
    await Promise.all([one.init(), two.init()]);
  });
  afterAll(async () => {
    await emulator.stop();
    await secondDb.destroy();
    await database.cleanup();
  });

  const text = (chatId: number, body: string): Update =>
    ({
      update_id: ++nextUpdate,
      message: {
        message_id: nextUpdate,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'private', first_name: 'Анна' },
        from: { id: chatId, is_bot: false, first_name: 'Анна', language_code: 'ru' },
        text: body,
        entities: body.startsWith('/')
          ? [{ type: 'bot_command', offset: 0, length: body.length }]
          : [],
      },
    }) as Update;

  it('when one chat’s steps go to the two instances alternately, then every step follows the one before', async () => {
    const anna = await client.createUser({ first_name: 'Анна', language_code: 'ru' });
    await one.handleUpdate(text(anna.id, '/login'));
    expect((await client.nextBotMessage(anna.id)).text).toContain(
      'Введите адрес электронной почты',
    );
    await two.handleUpdate(text(anna.id, 'anna@example.org'));
    expect((await client.nextBotMessage(anna.id)).text).toContain('Введите пароль');
    await one.handleUpdate(text(anna.id, '/cancel'));
    await client.nextBotMessage(anna.id);
  });

  it('when the next step reaches the other instance while the first is still saving, then it waits and is not lost', async () => {
    // Every conversation save takes 300 ms: the first instance has replied but not yet saved when
    // the second receives the next step (a slow disk or a busy server does this in production).
    await database.db.raw(`create function kv_slow() returns trigger as $$
      begin perform pg_sleep(0.3); return new; end $$ language plpgsql`);
    await database.db.raw(
      'create trigger kv_slow before insert or update on kv_store for each row execute function kv_slow()',
    );
    for (let round = 0; round < 3; round++) {
      const anna = await client.createUser({ first_name: 'Анна', language_code: 'ru' });
      const first = one.handleUpdate(text(anna.id, '/login'));
      // The reply is out; the first instance may not have saved the conversation yet.
      expect((await client.nextBotMessage(anna.id)).text).toContain('Введите адрес');
      const second = two.handleUpdate(text(anna.id, 'anna@example.org'));
      await Promise.all([first, second]);
      expect((await client.nextBotMessage(anna.id)).text).toContain('Введите пароль');
    }
  });
});
