/**
 * Part of `npm run bench`: receipts and charts rendered while the bot keeps answering /balance.
 * `RENDERS_IN_FLIGHT` (10) residents at a time ask for a receipt (/receipt → the newest month →
 * the PDF) or a chart (/balance → «📊 График» → the PNG); meanwhile `BALANCE_IN_FLIGHT` other
 * residents keep sending /balance, and `perf_hooks.monitorEventLoopDelay` records how late the
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
/** /balance updates in flight beside the renders: a busy bot, short of saturating it. */
export const BALANCE_IN_FLIGHT = 10;

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

export interface RenderLoad {
  /** The render journeys (two updates each: the command, then the button that renders). */
  renders: Measurement;
  /** Renders finished per second (journeys that ended with the file). */
  rendersPerSecond: number;
  /** The /balance updates sent meanwhile. */
  balance: Measurement;
  /** Event-loop delay over the run, ms: p99 and the worst. */
  loopP99: number;
  loopMax: number;
}

/**
 * Runs `renderPeople` through `script` (`RENDERS_IN_FLIGHT` at a time) while `balancePeople`
 * (cycled) send /balance until the renders are done, and measures both and the loop's delay.
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
  const cycled = Array.from(
    { length: 1_000_000 },
    (_, i) => balancePeople[i % balancePeople.length]!,
  );
  delay.enable();
  const balance = drive(bot, transport, cycled, sayBalance, {
    inFlight: BALANCE_IN_FLIGHT,
    stop: () => !rendering,
  });
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

/** The event-loop delay while only /balance runs (`BALANCE_IN_FLIGHT`), for `updates` updates. */
export async function balanceAlone(
  bot: Handler,
  transport: Transport,
  balancePeople: number[],
  updates: number,
): Promise<{ balance: Measurement; loopP99: number; loopMax: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const balance = await drive(
    bot,
    transport,
    Array.from({ length: updates }, (_, i) => balancePeople[i % balancePeople.length]!),
    sayBalance,
    { inFlight: BALANCE_IN_FLIGHT },
  );
  delay.disable();
  return { balance, loopP99: delay.percentile(99) / 1e6, loopMax: delay.max / 1e6 };
}
