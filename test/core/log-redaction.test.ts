import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/core/db/index';
import { createLogger } from '../../src/core/logger';
import { type Harness, startHarness } from '../support/harness';

/** Makes every write to the conversation and session store fail, as a full disk would. */
async function breakStorage(h: Harness): Promise<() => Promise<void>> {
  const db = h.database.db;
  if (dialectOf(h.database.url) === 'sqlite') {
    for (const event of ['INSERT', 'UPDATE']) {
      await db.raw(
        `create trigger kv_fail_${event.toLowerCase()} before ${event} on kv_store
         begin select raise(abort, 'simulated storage failure'); end`,
      );
    }
    return async () => {
      await db.raw('drop trigger kv_fail_insert');
      await db.raw('drop trigger kv_fail_update');
    };
  }
  await db.raw(`create function kv_fail() returns trigger as $$
    begin raise exception 'simulated storage failure'; end $$ language plpgsql`);
  await db.raw(
    'create trigger kv_fail before insert or update on kv_store for each row execute function kv_fail()',
  );
  return async () => {
    await db.raw('drop trigger kv_fail on kv_store');
    await db.raw('drop function kv_fail()');
  };
}

describe('personal data in logs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('when storage fails in the middle of a registration, then the log has the error but not the typed address or the name', async () => {
    const person = await h.person({ first_name: 'Евфросиния' });
    await person.say('/register');
    const ask = await person.next();
    await person.press(ask, '✅ Согласен');
    expect((await person.next()).text).toContain('Введите адрес электронной почты');
    const repair = await breakStorage(h);
    try {
      // The step may be answered before its state is saved; the apology follows the failed save.
      let reply = await person.say('evfrosiniya.tajna@example.org');
      if (!reply.text?.includes('Извините')) reply = await person.next();
      expect(reply.text).toContain('Извините');
    } finally {
      await repair();
    }
    const log = h.logs.join('');
    expect(log).toContain('simulated storage failure');
    expect(log).toContain('kv_store');
    expect(log).not.toContain('evfrosiniya');
    expect(log).not.toContain('Евфросиния');
  });
});

describe('the error serializer', () => {
  it('when a PostgreSQL-style error carries values in its message and detail, then only the shape is logged', () => {
    const lines: string[] = [];
    const logger = createLogger('info', {
      write: (line: string) => void lines.push(line),
    } as unknown as NodeJS.WritableStream & { write(line: string): boolean });
    const error = Object.assign(
      new Error(
        'insert into "users" ("email") values ($1) - duplicate key value violates unique constraint "users_email_unique"',
      ),
      { code: '23505', detail: 'Key (email)=(tajna@example.org) already exists.', where: 'x' },
    );
    const typed = Object.assign(
      new Error(
        'update "kv_store" set "value" = $1 - invalid input syntax for type json: "{"name":"Евфросиния"}"',
      ),
      { code: '22P02' },
    );
    logger.error({ err: error }, 'a');
    logger.error({ err: typed }, 'b');
    const out = lines.join('');
    expect(out).not.toContain('tajna@');
    expect(out).not.toContain('Евфросиния');
    expect(out).toContain('"errorCode":"23505"');
    expect(out).toContain('insert into \\"users\\"');
    expect(out).toContain('duplicate key value violates unique constraint [value]');
  });
});
