import { afterEach } from 'vitest';
import { SandboxClient } from '../../src/sandbox/client.js';
import {
  type BotApiEmulator,
  createBotApiEmulator,
  type EmulatorOptions,
} from '../../src/sandbox/emulator.js';

export const TOKEN = '1000000001:SANDBOX-test-token';
export const BOT = {
  id: 1000000001,
  username: 'abonent_test_bot',
  first_name: 'Abonent',
  token: TOKEN,
};

/** The raw JSON a Bot API call returned, with its HTTP status. */
export interface RawResponse {
  status: number;
  body: {
    ok: boolean;
    result?: unknown;
    error_code?: number;
    description?: string;
    parameters?: { retry_after?: number };
  };
}

export interface Harness {
  emulator: BotApiEmulator;
  client: SandboxClient;
  /** Calls a Bot API method with a JSON body (or a custom body + content type). */
  call(method: string, params?: Record<string, unknown>, token?: string): Promise<RawResponse>;
  result<T>(method: string, params?: Record<string, unknown>): Promise<T>;
}

const running: BotApiEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

/** Starts an emulator on a random port; stopped automatically after the test. */
export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const emulator = createBotApiEmulator({ bot: BOT, ...options });
  await emulator.start();
  running.push(emulator);
  const call = async (
    method: string,
    params: Record<string, unknown> = {},
    token = TOKEN,
  ): Promise<RawResponse> => {
    const res = await fetch(`${emulator.apiRoot}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    return { status: res.status, body: (await res.json()) as RawResponse['body'] };
  };
  return {
    emulator,
    client: new SandboxClient(emulator.url),
    call,
    async result<T>(method: string, params: Record<string, unknown> = {}) {
      const res = await call(method, params);
      if (!res.body.ok) throw new Error(`${method} failed: ${res.body.description}`);
      return res.body.result as T;
    },
  };
}
