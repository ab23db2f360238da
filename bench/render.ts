/**
 * Part of `npm run bench`: receipts and charts rendered while the bot keeps answering /balance.
 * `RENDERS_IN_FLIGHT` (10) residents at a time ask for a receipt (/receipt → the newest month →
 * the PDF) or a chart (/balance → «📊 График» → the PNG); meanwhile other residents send /balance
 * at `BALANCE_PER_SECOND` (100/s), and `perf_hooks.monitorEventLoopDelay` records how late the
 * bot's event loop is. Measured through the render pool (worker threads, as `createApp` builds
 * it) and, as the baseline in the same run, with pdfmake and ECharts on the main thread (the same
 * worker code called in-process: {@link MainThreadRenderPool}).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import type { ChartLabels } from '../src/features/balance/chart';
import type { ConsumptionSeries } from '../src/features/balance/service';
import { type RenderPdf, RenderPool } from '../src/core/render-pool/index';
import render from '../src/core/render-pool/worker';
import { drive, type Handler, type Measurement, type Script, sayBalance } from './drive';
import type { Transport } from './transport';

/** Renders at once: the "while 10 charts or receipts render". */
export const RENDERS_IN_FLIGHT = 10;
/**
 * /balance updates per second sent beside the renders, each from the next resident in turn (open
 * loop: the rate does not drop when the bot slows down, as real residents do not wait for each
 * other). A busy bot, short of saturating the main thread: ~0.9 ms CPU each.
 */
export const BALANCE_PER_SECOND = 100;

/** Unwraps what the worker returns (`Piscina.move(bytes)`) when it is called in-process. */
function bytesOf(moved: unknown): Buffer {
  const value = (moved as Record<symbol, unknown>)[Piscina.valueSymbol] ?? moved;
  const view = value as Uint8Array;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/**
 * The baseline: the render worker's own code (same fonts, layouts and chart) run on the bot's
 * main thread, as receipts rendered before the pool existed. No threads are started.
 */
export class MainThreadRenderPool extends RenderPool {
  override readonly threads = 0;
  override renderPdf: RenderPdf = async (doc) => bytesOf(await render({ kind: 'pdf', doc }));
  override async renderChart(series: ConsumptionSeries, labels: ChartLabels): Promise<Buffer> {
    return bytesOf(await render({ kind: 'chart', series, labels }));
  }
  override async warm(): Promise<void> {
    await render({ kind: 'warm' });
  }
  override async close(): Promise<void> {}
}

/** /balance sent at a fixed rate: how many, how fast they were answered. */
export interface PacedBalance {
  updates: number;
  /** Answered per second over the run (falls below the rate when the bot cannot keep up). */
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

/**
 * Sends /balance at `BALANCE_PER_SECOND`, from `people` in turn, until `stop()`; waits for the
 * answers. A resident's next /balance comes a whole cycle later, so one chat never has two.
 */
async function pacedBalance(
  bot: Handler,
  transport: Transport,
  people: number[],
  stop: () => boolean,
): Promise<PacedBalance> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let failures = 0;
  const started = performance.now();
  const interval = 1000 / BALANCE_PER_SECOND;
  for (let i = 0; !stop(); i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const person = people[i % people.length]!;
    pending.push(
      drive(bot, transport, [person], sayBalance, { inFlight: 1 }).then((m) => {
        latencies.push(m.p50);
        failures += m.failures;
      }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    updates: latencies.length,
    perSecond: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failures,
  };
}

export interface RenderLoad {
  /** The render journeys (two updates each: the command, then the button that renders). */
  renders: Measurement;
  /** Renders finished per second (journeys that ended with the file). */
  rendersPerSecond: number;
  /** The /balance updates sent meanwhile. */
  balance: PacedBalance;
  /** Event-loop delay over the run, ms: p99 and the worst. */
  loopP99: number;
  loopMax: number;
}

/**
 * Runs `renderPeople` through `script` (`RENDERS_IN_FLIGHT` at a time) while `balancePeople`
 * send /balance at `BALANCE_PER_SECOND` until the renders are done; measures both and the loop's
 * delay.
 */
export async function renderLoad(
  bot: Handler,
  transport: Transport,
  script: Script,
  renderPeople: number[],
  balancePeople: number[],
): Promise<RenderLoad> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let rendering = true;
  delay.enable();
  const balance = pacedBalance(bot, transport, balancePeople, () => !rendering);
  const renders = await drive(bot, transport, renderPeople, script, {
    inFlight: RENDERS_IN_FLIGHT,
  });
  rendering = false;
  const balanceDone = await balance;
  delay.disable();
  return {
    renders,
    rendersPerSecond: (renders.journeys - renders.failures) / renders.seconds,
    balance: balanceDone,
    loopP99: delay.percentile(99) / 1e6,
    loopMax: delay.max / 1e6,
  };
}

/** The event-loop delay while only /balance runs, at `BALANCE_PER_SECOND` for `seconds`. */
export async function balanceAlone(
  bot: Handler,
  transport: Transport,
  balancePeople: number[],
  seconds: number,
): Promise<{ balance: PacedBalance; loopP99: number; loopMax: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const until = performance.now() + seconds * 1000;
  delay.enable();
  const balance = await pacedBalance(
    bot,
    transport,
    balancePeople,
    () => performance.now() > until,
  );
  delay.disable();
  return { balance, loopP99: delay.percentile(99) / 1e6, loopMax: delay.max / 1e6 };
}
