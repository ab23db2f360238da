import type { ChartLabels } from '../../features/balance/chart';
import type { ConsumptionSeries } from '../../features/balance/service';

/**
 * A pdfmake document definition: plain data only (no functions; tables name a layout such as
 * `lightHorizontalLines` or our `box`), because it is copied to a worker thread.
 */
export type PdfDocDefinition = Record<string, unknown>;

/** What a render worker is asked to do. Everything in a task is structured-cloneable. */
export type RenderTask =
  | { kind: 'pdf'; doc: PdfDocDefinition }
  | { kind: 'chart'; series: ConsumptionSeries; labels: ChartLabels }
  | { kind: 'warm' };
