// Moves "now" for a whole test process when TEST_NOW is set (an ISO instant, e.g.
// 2026-12-31T12:00:00Z): Date (and so Date.now(), new Date(), pino's timestamps) starts at that
// instant and then runs at the real pace, so timeouts and waits behave as usual while every rule
// that depends on the date sees the chosen day. Only Date is replaced; timers are not faked.
//
// Loaded by vitest (setupFiles) in every test worker, and by `--import` in any child process a
// test spawns (NODE_OPTIONS carries it), so the bot under test and the CLI see the same day.
const instant = process.env.TEST_NOW;
if (instant && !globalThis.__abonentFakeNow) {
  const RealDate = Date;
  const target = RealDate.parse(instant);
  if (Number.isNaN(target)) throw new Error(`TEST_NOW is not an ISO instant: ${instant}`);
  const offset = target - RealDate.now();
  class FakeDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = FakeDate;
  globalThis.__abonentFakeNow = true;
  const self = new URL(import.meta.url).href;
  const options = process.env.NODE_OPTIONS ?? '';
  if (!options.includes(self)) process.env.NODE_OPTIONS = `${options} --import ${self}`.trim();
}
