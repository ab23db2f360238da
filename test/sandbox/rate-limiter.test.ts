import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/sandbox/emulator/api-error.js';
import { RateLimiter } from '../../src/sandbox/emulator/rate-limiter.js';

function retryAfter(fn: () => void): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof ApiError && err.code === 429) return err.parameters?.retry_after;
    throw err;
  }
}

describe('rate limiter (fake clock)', () => {
  it('when a private chat gets a burst, then 3 pass, the 4th waits a second, and the bucket refills', () => {
    let now = 0;
    const limiter = new RateLimiter(true, () => now);
    for (let i = 0; i < 3; i++) expect(retryAfter(() => limiter.check(1, false))).toBeUndefined();
    expect(retryAfter(() => limiter.check(1, false))).toBe(1);
    expect(retryAfter(() => limiter.check(2, false))).toBeUndefined();
    now += 1000;
    expect(retryAfter(() => limiter.check(1, false))).toBeUndefined();
  });

  it('when a group gets more than 20 messages, then it must wait about 3 seconds', () => {
    const limiter = new RateLimiter(true, () => 0);
    for (let i = 0; i < 20; i++) limiter.check(-100, true);
    expect(retryAfter(() => limiter.check(-100, true))).toBe(3);
  });

  it('when 30 chats are messaged in one second, then the 31st is limited globally', () => {
    const limiter = new RateLimiter(true, () => 0);
    for (let i = 0; i < 30; i++) limiter.check(i + 1, false);
    expect(retryAfter(() => limiter.check(999, false))).toBe(1);
  });

  it('when limits are off, then nothing is limited', () => {
    const limiter = new RateLimiter(false, () => 0);
    for (let i = 0; i < 100; i++) {
      expect(retryAfter(() => limiter.check(1, false))).toBeUndefined();
      expect(retryAfter(() => limiter.check(-100, true))).toBeUndefined();
    }
  });
});
