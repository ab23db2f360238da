import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock';

const fakeNow = join(import.meta.dirname, '..', 'support', 'fake-now.mjs');

/** Runs a snippet in a fresh Node process with fake-now preloaded and TEST_NOW as given. */
function nowIn(testNow: string | undefined, code: string): string {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
  if (testNow) env.TEST_NOW = testNow;
  return execFileSync(process.execPath, ['--import', fakeNow, '-e', code], {
    env,
    encoding: 'utf8',
  }).trim();
}

describe('the one clock', () => {
  it('when a clock is fixed, then it always answers that instant, and a bad instant is refused', () => {
    const clock = fixedClock('2026-12-31T12:00:00Z');
    expect(clock().toISOString()).toBe('2026-12-31T12:00:00.000Z');
    clock().setFullYear(1999);
    expect(clock().toISOString()).toBe('2026-12-31T12:00:00.000Z');
    expect(() => fixedClock('the thirty-first')).toThrow(/not an instant/);
  });
});

describe('TEST_NOW (moving "now" for a whole test run)', () => {
  it('when TEST_NOW is set, then Date starts at that instant and keeps running, in child processes too', () => {
    const seen = nowIn(
      '2028-02-29T11:59:30Z',
      `const a = Date.now(); const b = new Date();
       const child = require('node:child_process').execFileSync(process.execPath,
         ['-e', 'process.stdout.write(new Date().toISOString())'], { encoding: 'utf8' });
       process.stdout.write(JSON.stringify({ a, b: b.toISOString(), child,
         parsed: new Date('2020-01-01T00:00:00Z').toISOString(), utc: Date.UTC(2020, 0, 1) }));`,
    );
    const { a, b, child, parsed, utc } = JSON.parse(seen);
    const target = Date.parse('2028-02-29T11:59:30Z');
    expect(a - target).toBeGreaterThanOrEqual(0);
    expect(a - target).toBeLessThan(60_000);
    expect(b.slice(0, 10)).toBe('2028-02-29');
    expect(child.slice(0, 10)).toBe('2028-02-29');
    // Explicit dates are untouched.
    expect(parsed).toBe('2020-01-01T00:00:00.000Z');
    expect(utc).toBe(Date.UTC(2020, 0, 1));
  });

  it('when TEST_NOW is not set, then Date is left alone', () => {
    const seen = nowIn(
      undefined,
      'process.stdout.write(JSON.stringify({ faked: globalThis.__abonentFakeNow === true, native: /native code/.test(Date.toString()) }))',
    );
    expect(JSON.parse(seen)).toEqual({ faked: false, native: true });
  });
});
