import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock';
import { RenderBusyError, RenderPool, type RenderPdf } from '../../src/core/render-pool/index';
import { type DemoAccount, seedDemo } from '../../src/demo/seed';
import { buttonTexts, type Harness, startHarness } from '../support/harness';
import { linkDirectly, loginResident } from '../support/residents';

/**
 * A pool whose queue is always full: every render is refused as the real pool refuses one when
 * all threads render and `RENDER_QUEUE_LIMIT` renders wait (test/core/render-pool.test.ts shows
 * the real pool throwing the same error).
 */
class BusyRenderPool extends RenderPool {
  override renderPdf: RenderPdf = async () => {
    throw new RenderBusyError();
  };
  override async renderChart(): Promise<Buffer> {
    throw new RenderBusyError();
  }
}

const TODAY = fixedClock('2026-11-20T00:00:00Z');
const BUSY_RU = 'Сейчас много запросов. Попробуйте через минуту.';
const APOLOGY_RU = /Извините, что-то пошло не так/;

describe('a full render queue: the resident is asked to try again, not apologised to', () => {
  let h: Harness;
  let account: DemoAccount;

  beforeAll(async () => {
    h = await startHarness({}, { clock: TODAY, renderPool: new BusyRenderPool() });
    const { showcase } = await seedDemo(h.database.db, { accounts: 6, seed: 3, now: TODAY() });
    const first = showcase[0];
    if (!first) throw new Error('no showcase account');
    account = first;
  });
  afterAll(() => h.stop());

  const resident = async () => {
    const person = await h.person();
    const { userId } = await loginResident(h.database.db, person.id);
    await linkDirectly(h.database.db, userId, account.number);
    return person;
  };
  /** Since log line `from`: no error-level (50) line, and a warning naming the busy pool for `what`. */
  const expectLoggedAsBusy = (what: string, from: number) => {
    const lines = h.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    expect(
      lines.some(
        (l) => l.level === 40 && l.render === what && String(l.msg).includes('render pool busy'),
      ),
    ).toBe(true);
  };

  it('when «📊 График» is pressed while the render queue is full, then the button is answered and the chart’s busy note comes with «try again» and the balance', async () => {
    const person = await resident();
    const logsFrom = h.logs.length;
    const balance = await person.say('/balance');
    const callback = await person.press(balance, '📊 График');
    expect((await h.client.callbackAnswer(callback)).answered).toBe(true);
    const busy = await person.next();
    expect(busy.text).toBe(BUSY_RU);
    expect(busy.text).not.toMatch(APOLOGY_RU);
    expect(buttonTexts(busy)).toEqual(['🔄 Попробовать ещё раз', '💰 Баланс']);
    // «Try again» asks for the same chart: still busy, still polite.
    await person.press(busy, '🔄 Попробовать ещё раз');
    expect((await person.next()).text).toBe(BUSY_RU);
    expectLoggedAsBusy('chart', logsFrom);
  });

  it('when a month’s receipt is asked for while the render queue is full, then the busy note comes with a button to ask for it again', async () => {
    const person = await resident();
    const logsFrom = h.logs.length;
    const periods = await person.say('/receipt');
    const month = buttonTexts(periods)[0] ?? '';
    const callback = await person.press(periods, month);
    expect((await h.client.callbackAnswer(callback)).answered).toBe(true);
    const busy = await person.next();
    expect(busy.text).toBe(BUSY_RU);
    expect(buttonTexts(busy)).toEqual(['🔄 Попробовать ещё раз']);
    await person.press(busy, '🔄 Попробовать ещё раз');
    expect((await person.next()).text).toBe(BUSY_RU);
    expectLoggedAsBusy('receipt', logsFrom);
  });

  it('when /mydata meets a full render queue, then nothing is sent, the resident may ask again at once (the limit is not spent), and is told the same', async () => {
    const person = await resident();
    const logsFrom = h.logs.length;
    expect((await person.say('/mydata')).text).toContain('Собираю');
    const busy = await person.next();
    expect(busy.text).toBe(BUSY_RU);
    expect(buttonTexts(busy)).toEqual(['🔄 Попробовать ещё раз']);
    // Not «the export was made recently»: the refused export gave its limit slots back.
    await person.press(busy, '🔄 Попробовать ещё раз');
    expect((await person.next()).text).toContain('Собираю');
    expect((await person.next()).text).toBe(BUSY_RU);
    expectLoggedAsBusy('mydata', logsFrom);
  });
});
