import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('the logger', () => {
  it('when personal data is logged, writes it redacted', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        email: 'ivanova@example.org',
        user: { phone: '+79140000000', full_name: 'Иванова Анна', text: 'мой пароль qwerty123' },
        password: 'hunter22hunter22',
      },
      'event',
    );
    const out = lines.join('');
    for (const secret of ['ivanova@', '+7914', 'Иванова', 'qwerty123', 'hunter22']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });

  it('when an error message carries a bot token, the token is scrubbed', () => {
    const { logger, lines } = capture();
    logger.error(
      {
        err: new Error(
          'fetch https://api.telegram.org/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123/getMe failed',
        ),
      },
      'boom',
    );
    const out = lines.join('');
    expect(out).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123');
    expect(out).toContain('[token]');
  });
});
