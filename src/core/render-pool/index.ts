import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import type { ChartLabels } from '../../features/balance/chart';
import type { ConsumptionSeries } from '../../features/balance/service';
import type { PdfDocDefinition, RenderTask } from './tasks';
import type { Logger } from '../logger';
import { FROM_SOURCES, fromRoot } from '../../paths';

export type { PdfDocDefinition } from './tasks';

/**
 * Turns a pdfmake document definition into PDF bytes (off the event loop). Rejects with
 * {@link RenderBusyError} when the pool is full.
 */
export type RenderPdf = (doc: PdfDocDefinition) => Promise<Buffer>;

/** Tasks waiting for a thread beyond this are refused (the pool says it is busy) rather than piling up. */
export const RENDER_QUEUE_LIMIT = 64;

/**
 * The pool refused a render: every thread is busy and {@link RENDER_QUEUE_LIMIT} renders (the
 * pool's `maxQueue`) already wait. Nothing went wrong and nothing was started: ask again in a
 * while. A resident is told politely (`render-busy`); a background job leaves the work for its
 * next run. Callers test for this class, never for piscina's message.
 */
export class RenderBusyError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('render pool is busy: every thread is rendering and the queue is full', options);
    this.name = 'RenderBusyError';
  }
}

/** piscina 5's refusals when its queue is full (`errors.js`: TaskQueueAtLimit, NoTaskQueueAvailable). */
const QUEUE_FULL = new Set([
  'Task queue is at limit',
  'No task queue available and all Workers are busy',
]);

/**
 * Threads: min(2, cores), at least one. The render threads run at the lowest CPU priority
 * (`RENDER_NICE` in the worker), so the bot's thread is scheduled first whenever it has work even
 * when every core renders: on 2 cores, 2 render threads use what the bot leaves (issue 12:
 * receipts ≥ 25/s with the event-loop delay p99 ≤ 20 ms).
 */
export function renderThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.min(2, cores));
}

/**
 * A render thread idle this long exits (ms). A thread holds pdfmake, echarts, resvg and fonts
 * (~60–90 MB each), so a bot that rendered a receipt in the morning does not keep them all day
 * (issue 12: RSS ≤ 120 MB after start); the next render after that waits for a cold start again.
 */
export const RENDER_IDLE_MS = 5 * 60_000;

/**
 * After this many charts the pool's threads are retired and new ones started: resvg (napi-rs)
 * keeps each chart's native memory (the 720×1200 RGBA bitmap, ~3.5 MB) for as long as the
 * render thread lives — a full GC in the thread does not release it — so without this a bot's RSS
 * grew by ~4 MB per chart until the threads idled out (found by a tester: 1.8 GB after 240
 * charts). Retiring bounds it at ~40 × 4 MB; the threads' memory goes with them.
 */
export const CHARTS_PER_THREADS = 40;

export interface RenderPoolOptions {
  /** Charts the threads draw before they are retired (default {@link CHARTS_PER_THREADS}). */
  chartsPerThreads?: number;
  /** Worker threads at most (default `renderThreads()`). */
  threads?: number;
  /** An idle thread exits after this many ms (default {@link RENDER_IDLE_MS}). */
  idleTimeoutMs?: number;
  /** Waiting tasks allowed beyond the running ones (default `RENDER_QUEUE_LIMIT`). */
  maxQueue?: number;
}

/**
 * The one pool of render workers (piscina threads): PDFs from pdfmake document definitions and
 * the consumption chart as PNG, so a render never blocks the bot's event loop (issue 10,
 * "Rendering never blocks the bot"; issue 12: event-loop delay p99 ≤ 20 ms while rendering).
 * Created by `createApp`, closed on stop. Threads start on demand (the first render starts one, a
 * second render at once another, up to `threads`) and exit after {@link RENDER_IDLE_MS} idle, so
 * a process that renders nothing holds none: the bot does not warm the pool at start (issue 12,
 * RSS after start); the sandbox does (`warm`), for a first chart without the cold start.
 * Workers load TypeScript through tsx (`--import tsx`) under `tsx`, vitest and `bin/abonent.js`,
 * and the worker's own bundle (dist/render-worker.js) under `npm start`.
 */
export class RenderPool {
  private pool: Piscina | undefined;
  private closed = false;
  readonly threads: number;
  private readonly maxQueue: number;
  private readonly idleTimeoutMs: number;
  /** Charts drawn by the current threads (see {@link CHARTS_PER_THREADS}). */
  private chartsDrawn = 0;
  /** Retired pools being closed; {@link close} waits for them. */
  private readonly retiring = new Set<Promise<void>>();
  /** Renders given to each pool and not settled yet (a retired pool is closed when it has none). */
  private readonly inFlight = new Map<Piscina, number>();
  private readonly chartsPerThreads: number;
  /** How many times the threads were retired after {@link CHARTS_PER_THREADS} charts. */
  retired = 0;

  constructor(options: RenderPoolOptions = {}) {
    this.threads = options.threads ?? renderThreads();
    this.maxQueue = options.maxQueue ?? RENDER_QUEUE_LIMIT;
    this.idleTimeoutMs = options.idleTimeoutMs ?? RENDER_IDLE_MS;
    this.chartsPerThreads = options.chartsPerThreads ?? CHARTS_PER_THREADS;
  }

  /** Threads running now: 0 before the first render and again after they idle out. */
  get runningThreads(): number {
    return this.pool?.threads.length ?? 0;
  }

  /**
   * PDF bytes from a pdfmake document definition (plain data; fonts are loaded in the worker).
   * @throws {RenderBusyError} when the queue is full.
   */
  renderPdf: RenderPdf = async (doc) => this.bytes({ kind: 'pdf', doc });

  /**
   * The consumption chart (stacked kWh bars per zone, charges line in ₽) as PNG bytes.
   * @throws {RenderBusyError} when the queue is full.
   */
  async renderChart(series: ConsumptionSeries, labels: ChartLabels): Promise<Buffer> {
    const png = await this.bytes({ kind: 'chart', series, labels });
    if (++this.chartsDrawn >= this.chartsPerThreads) this.retire();
    return png;
  }

  /**
   * Lets the current threads finish every task they have and exit; the next render starts new
   * ones (a cold start, ~1 s, once per {@link CHARTS_PER_THREADS} charts).
   */
  private retire(): void {
    const old = this.pool;
    this.pool = undefined;
    this.chartsDrawn = 0;
    if (!old) return;
    this.retired++;
    // Closed only once every task given to it has settled: piscina's own graceful close counts a
    // thread as done whenever it finishes a task, so with two threads it could terminate the
    // other one mid-render («Terminating worker thread»: 5 failed charts in a bench run).
    if (!this.inFlight.has(old)) this.closeRetired(old);
  }

  /** Stops a retired pool's threads (nothing is running on them any more). */
  private closeRetired(pool: Piscina): void {
    const closing = pool.close().catch(() => {});
    this.retiring.add(closing);
    void closing.finally(() => this.retiring.delete(closing));
  }

  /**
   * One dummy render (a PDF and a chart) on every thread, so the first resident does not wait
   * for the libraries and fonts to load. Resolves when every thread is warm.
   */
  async warm(): Promise<void> {
    const pool = this.open();
    await Promise.all(Array.from({ length: this.threads }, () => pool.run({ kind: 'warm' })));
  }

  /**
   * Warms the pool without waiting (the sandbox, so the first chart has no cold start); logs when
   * it is warm. A warm-up cut short by {@link close} (Ctrl+C right after start) is not a failure.
   */
  warmInBackground(logger: Logger): void {
    this.warm()
      .then(() => logger.info({ threads: this.threads }, 'render pool warm'))
      .catch((error: unknown) => {
        if (!this.closed) logger.warn({ err: error }, 'render pool warm-up failed');
      });
  }

  /** Lets renders in flight finish, then stops the threads. Safe to call twice or unstarted. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.close();
    // Retired pools with renders still running: closed as the bot stops, like the current one.
    await Promise.all([...this.inFlight.keys()].filter((p) => p !== pool).map((p) => p.close()));
    await Promise.all(this.retiring);
  }

  private async bytes(task: RenderTask): Promise<Buffer> {
    const pool = this.open();
    this.inFlight.set(pool, (this.inFlight.get(pool) ?? 0) + 1);
    try {
      const result = (await pool.run(task).catch((error: unknown) => {
        throw error instanceof Error && QUEUE_FULL.has(error.message)
          ? new RenderBusyError({ cause: error })
          : error;
      })) as Uint8Array;
      return Buffer.from(result.buffer, result.byteOffset, result.byteLength);
    } finally {
      const left = (this.inFlight.get(pool) ?? 1) - 1;
      if (left > 0) this.inFlight.set(pool, left);
      else {
        this.inFlight.delete(pool);
        if (pool !== this.pool && !this.closed) this.closeRetired(pool);
      }
    }
  }

  private open(): Piscina {
    if (this.closed) throw new Error('render pool is closed');
    // piscina is loaded with the first render, not at start (issue 12: RSS after start).
    const { Piscina: Pool } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
    this.pool ??= new Pool({
      // From the sources (tsx, vitest) the worker loads TypeScript through tsx; from the bundle
      // `npm start` runs, the worker is a bundle of its own (scripts/build.mjs), plain Node.
      filename: FROM_SOURCES
        ? new URL('./worker.ts', import.meta.url).href
        : pathToFileURL(fromRoot('dist', 'render-worker.js')).href,
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: this.idleTimeoutMs,
      maxQueue: this.maxQueue,
      execArgv: FROM_SOURCES ? ['--import', 'tsx'] : [],
    });
    return this.pool;
  }
}
