import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Update } from '../../src/sandbox/emulator.js';
import { startEmulator } from './helpers.js';

interface Received {
  secret: string | undefined;
  update: Update;
}

const servers: Array<{ close(): void; closeAllConnections(): void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A tiny webhook receiver: fails the first `failFirst` requests with 500. */
async function receiver(failFirst: number, reply?: (u: Update) => unknown) {
  const received: Received[] = [];
  let failures = 0;
  const waiters: Array<() => void> = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (failures < failFirst) {
      failures++;
      res.writeHead(500).end();
      return;
    }
    const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Update;
    received.push({
      secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined,
      update,
    });
    const body = reply?.(update);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(body ? JSON.stringify(body) : '');
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    failures: () => failures,
    async waitFor(n: number) {
      while (received.length < n) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

describe('webhook delivery', () => {
  it('when a webhook with a secret is set, then updates are POSTed with the secret header, and a failed delivery is retried', async () => {
    const { result, client } = await startEmulator();
    const hook = await receiver(1);
    await result('setWebhook', { url: hook.url, secret_token: 'S3cret_token' });
    const user = await client.createUser({ first_name: 'A' });
    await client.sendText(user.id, user.id, 'one');
    await client.sendText(user.id, user.id, 'two');
    await hook.waitFor(2);
    expect(hook.failures()).toBe(1);
    expect(hook.received.map((r) => [r.secret, r.update.message?.text])).toEqual([
      ['S3cret_token', 'one'],
      ['S3cret_token', 'two'],
    ]);
    const info = await result<{
      url: string;
      pending_update_count: number;
      last_error_message?: string;
    }>('getWebhookInfo');
    expect(info).toMatchObject({ url: hook.url, pending_update_count: 0 });
    expect(info.last_error_message).toMatch(/500/);
  });

  it('when the webhook reply carries a method, then it is executed (webhook reply)', async () => {
    const { result, client } = await startEmulator();
    const hook = await receiver(0, (u) => ({
      method: 'sendMessage',
      chat_id: u.message?.chat.id,
      text: 'pong',
    }));
    await result('setWebhook', { url: hook.url });
    const user = await client.createUser({ first_name: 'A' });
    await client.sendText(user.id, user.id, 'ping');
    expect((await client.nextBotMessage(user.id)).text).toBe('pong');
  });

  it('when the webhook is deleted with undelivered updates, then getUpdates gets them', async () => {
    const { result, client } = await startEmulator();
    await result('setWebhook', { url: 'http://127.0.0.1:9/unreachable' });
    const user = await client.createUser({ first_name: 'A' });
    await client.sendText(user.id, user.id, 'kept');
    await result('deleteWebhook');
    const updates = await result<Update[]>('getUpdates');
    expect(updates.map((u) => u.message?.text)).toEqual(['kept']);
  });
});
