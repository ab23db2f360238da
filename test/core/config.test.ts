import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

const TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function errorsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('when nothing is set, runs the sandbox on the embedded SQLite database in Kamchatka time', () => {
    const config = loadConfig({});
    expect(config.mode).toEqual({
      kind: 'sandbox',
      token: undefined,
      host: '127.0.0.1',
      port: 8081,
    });
    expect(config.databaseUrl).toBe('sqlite:data/abonent.db');
    expect(config.timeZone).toBe('Asia/Kamchatka');
    expect(config.readingsWindow).toEqual({ startDay: 15, endDay: 25 });
    expect(config.defaultLocale).toBe('ru');
  });

  it('when a token is given, polls Telegram by default', () => {
    const config = loadConfig({ BOT_TOKEN: TOKEN });
    expect(config.mode).toEqual({ kind: 'polling', token: TOKEN, apiRoot: undefined });
  });

  it('when webhook mode lacks its URL and secret, lists both', () => {
    const lines = errorsOf({ BOT_TOKEN: TOKEN, BOT_MODE: 'webhook' });
    expect(lines).toEqual([
      'WEBHOOK_URL: is required in webhook mode',
      'WEBHOOK_SECRET: is required in webhook mode',
    ]);
  });

  it('when several variables are bad, gives one readable line for each', () => {
    const lines = errorsOf({
      BOT_MODE: 'carrier-pigeon',
      TIME_ZONE: 'Mars/Olympus',
      READINGS_WINDOW_END_DAY: '40',
      OPERATOR_INN: '12',
      DATABASE_URL: 'mysql://x',
    });
    expect(lines).toHaveLength(5);
    expect(lines.find((l) => l.startsWith('TIME_ZONE:'))).toContain('IANA time zone');
    expect(lines.find((l) => l.startsWith('TIME_ZONE:'))).toContain('"Mars/Olympus"');
    expect(lines.find((l) => l.startsWith('OPERATOR_INN:'))).toContain('10 digits');
    expect(lines.some((l) => l.startsWith('BOT_MODE:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('READINGS_WINDOW_END_DAY:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('DATABASE_URL:'))).toBe(true);
  });

  it('when the token is malformed, says so without echoing it', () => {
    const lines = errorsOf({ BOT_TOKEN: 'not-a-token-but-a-secret' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^BOT_TOKEN: must look like/);
    expect(lines[0]).not.toContain('not-a-token-but-a-secret');
  });

  it('when webhook settings are complete, carries them in the run mode', () => {
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.org/tg',
      WEBHOOK_SECRET: 'a-long-enough-secret-1234',
      WEBHOOK_PORT: '9000',
    });
    expect(config.mode).toMatchObject({
      kind: 'webhook',
      port: 9000,
      url: 'https://bot.example.org/tg',
    });
  });
});
