import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenderBusyError, RenderPool, renderThreads } from '../../src/core/render-pool/index';
import { RENDER_NICE } from '../../src/core/render-pool/worker';
import type { ConsumptionSeries } from '../../src/features/balance/service';

const series: ConsumptionSeries = {
  accountId: 1,
  number: '410000000001',
  periods: ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'],
  zones: ['T1', 'T2'],
  volumesMilli: {
    T1: [210_000, 190_500, 180_000, 150_250, 120_000, 110_000],
    T2: [90_000, 85_000, 80_000, 70_000, 60_000, 55_500],
  },
  chargesKopecks: [1_650_00, 1_540_00, 1_470_00, 1_260_00, 1_050_00, 990_00],
};
const labels = {
  title: 'Потребление, кВт·ч',
  volumeAxis: 'кВт·ч',
  chargesAxis: '₽',
  months: ['янв', 'фев', 'мар', 'апр', 'май', 'июн'],
  zoneNames: { T1: 'день', T2: 'ночь' },
};
/** A receipt-like page: the named `box` layout, tables, and a ГОСТ Р 56042-2014 style QR. */
const doc = (n: number) => ({
  pageSize: 'A4',
  defaultStyle: { font: 'Roboto', fontSize: 9 },
  content: [
    { text: `Квитанция № ${n}`, fontSize: 14, bold: true },
    { table: { widths: ['*'], body: [[{ text: 'Плательщик: Иванова А. В.' }]] }, layout: 'box' },
    {
      table: {
        headerRows: 1,
        widths: ['*', 60, 60],
        body: [
          ['Услуга', 'Объём', 'Сумма'],
          ...Array.from({ length: 40 }, (_, i) => [`Электроэнергия ${i}`, '123,456', '1 234,56']),
        ],
      },
      layout: 'lightHorizontalLines',
    },
    { qr: `ST00012|Name=АО Камчатскэнерго|PersAcc=41000000000${n}|Sum=150000`, fit: 160 },
  ],
});

describe('RenderPool', () => {
  const pool = new RenderPool();
  beforeAll(() => pool.warm(), 180_000);
  afterAll(() => pool.close());

  it('when the machine has 1, 2, 3 or 16 cores, then it uses 1, 2, 2 and 2 threads', () => {
    expect([1, 2, 3, 16].map((cores) => renderThreads(cores))).toEqual([1, 2, 2, 2]);
  });

  it('when 5 charts and 5 receipts render at once, then the event loop keeps ticking (no gap near a render) and each result is a real PNG or PDF', async () => {
    let last = performance.now();
    let longestGapMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
    }, 5);
    let results: Buffer[];
    try {
      results = await Promise.all([
        ...Array.from({ length: 5 }, () => pool.renderChart(series, labels)),
        ...Array.from({ length: 5 }, (_, n) => pool.renderPdf(doc(n))),
      ]);
    } finally {
      clearInterval(ticker);
    }
    const charts = results.slice(0, 5);
    const pdfs = results.slice(5);
    for (const png of charts) {
      expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
      expect(png.readUInt32BE(16)).toBeGreaterThan(400); // width in pixels, from the IHDR chunk
    }
    for (const pdf of pdfs) {
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    }
    // A chart alone blocks a thread 0.1–1.1 s (5–9 s cold); on the main thread ten of them would
    // stall the loop for seconds. Generous bound for a loaded machine.
    expect(longestGapMs).toBeLessThan(250);
  }, 180_000);

  it.runIf(process.platform === 'linux')(
    'when the pool has rendered, then its threads run at niceness 19 and the thread that asked keeps its own',
    async () => {
      const niceness = (stat: string) =>
        Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      const own = niceness(readFileSync('/proc/thread-self/stat', 'utf8'));
      await pool.warm();
      const threads = readdirSync('/proc/self/task').map((tid) =>
        niceness(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')),
      );
      expect(threads.filter((n) => n === RENDER_NICE).length).toBeGreaterThanOrEqual(pool.threads);
      expect(niceness(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(own);
      expect(own).toBeLessThan(RENDER_NICE);
    },
    180_000,
  );

  it('when a pool is made, then it starts no thread until the first render, and an idle thread exits', async () => {
    const lazy = new RenderPool({ threads: 1, idleTimeoutMs: 50 });
    try {
      expect(lazy.runningThreads).toBe(0);
      const png = await lazy.renderChart(series, labels);
      expect(png.subarray(0, 4)).toEqual(Buffer.from([137, 80, 78, 71]));
      // Not a timing assertion: wait (bounded) for the idle thread to go.
      for (let i = 0; i < 200 && lazy.runningThreads > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(lazy.runningThreads).toBe(0);
    } finally {
      await lazy.close();
    }
  }, 180_000);

  it('when the threads have drawn their share of charts, then they are retired and new ones draw the next, with no render lost across the change', async () => {
    const recycled = new RenderPool({ threads: 2, chartsPerThreads: 3 });
    try {
      // 10 at once on two threads: each retirement comes with renders still running and queued on
      // the old threads (the bench's load).
      for (let batch = 0; batch < 2; batch++) {
        const pngs = await Promise.all(
          Array.from({ length: 10 }, () => recycled.renderChart(series, labels)),
        );
        for (const png of pngs) expect(png.subarray(0, 4)).toEqual(Buffer.from([137, 80, 78, 71]));
      }
      expect(recycled.retired).toBeGreaterThanOrEqual(2);
    } finally {
      await recycled.close();
    }
    expect(recycled.runningThreads).toBe(0);
  }, 180_000);

  it('when the pool is closed, then a render is refused instead of hanging', async () => {
    const closed = new RenderPool({ threads: 1 });
    await closed.close();
    await expect(closed.renderPdf(doc(1))).rejects.toThrow(/closed/);
  });

  it('when every thread renders and the queue is full, then a further render is refused at once with RenderBusyError, and the others still finish', async () => {
    // One thread, room for one waiting: the first render takes the thread, the second waits,
    // the third is refused. piscina decides when `run` is called, so no timing is involved.
    const full = new RenderPool({ threads: 1, maxQueue: 1 });
    try {
      const renders = [1, 2, 3].map((n) =>
        full.renderPdf(doc(n)).then(
          (pdf) => ({ pdf }),
          (error: unknown) => ({ error }),
        ),
      );
      const outcomes = await Promise.all(renders);
      const refused = outcomes.flatMap((o) => ('error' in o ? [o.error] : []));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(RenderBusyError);
      expect((refused[0] as Error).message).not.toMatch(/Task queue/);
      for (const o of outcomes)
        if ('pdf' in o) expect(o.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await full.close();
    }
  }, 180_000);
});
