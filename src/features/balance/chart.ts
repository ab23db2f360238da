import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatInteger } from '../../core/format';
import type { ConsumptionSeries } from './service';

/** The texts on the chart, already translated: the renderer knows no locales. */
export interface ChartLabels {
  title: string;
  volumeAxis: string;
  chargesAxis: string;
  /** Month labels, one per period. */
  months: string[];
  /** Zone name per zone code ("T1 день", …). */
  zoneNames: Record<string, string>;
}

/**
 * Portrait, for a phone held upright: a 375 px wide screen shows the picture at about half size,
 * so type is drawn at 24–30 px to read as 12–15 px there. Months run down the left, each labelled;
 * bars run right (stacked by zone), and each month's charge is written at the end of its bar —
 * nothing on the right edge, where photo viewers put their close button.
 */
export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 1200;
const ZONE_COLOURS: Record<string, string> = { T1: '#f2a93b', T2: '#3b6fb6', T3: '#7bb661' };

/** Where DejaVu Sans (regular and bold) is installed on common Linux distributions. */
const DEJAVU_DIRS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/dejavu-sans-fonts',
];
const DEJAVU_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];

let fonts:
  | { loadSystemFonts: boolean; fontFiles?: string[]; defaultFontFamily: string }
  | undefined;

/**
 * The fonts resvg loads for a chart: only DejaVu Sans regular and bold when they are found, else
 * every system font. Loading every system font (the emoji font, CJK, …) for each chart cost
 * ~100 ms and kept megabytes per chart in native memory that a render thread's garbage collector
 * does not see (issue 12: RSS grew ~5 MB per chart). Looked up once per thread.
 */
function chartFonts() {
  if (!fonts) {
    const dir = DEJAVU_DIRS.find((d) => DEJAVU_FILES.every((f) => existsSync(join(d, f))));
    fonts = dir
      ? {
          loadSystemFonts: false,
          fontFiles: DEJAVU_FILES.map((f) => join(dir, f)),
          defaultFontFamily: 'DejaVu Sans',
        }
      : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' };
  }
  return fonts;
}

/**
 * Renders the last months' consumption per zone (stacked bars, kWh) with each month's charge (₽)
 * at the end of its bar, as a PNG. ECharts draws SVG server-side and resvg rasterises it with the
 * system fonts (DejaVu has Cyrillic). Both are loaded on first use: most processes never draw one.
 */
export async function renderConsumptionChart(
  series: ConsumptionSeries,
  labels: ChartLabels,
): Promise<Buffer> {
  const echarts = await import('echarts');
  const { Resvg } = await import('@resvg/resvg-js');
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
  });
  const lastZone = series.zones.at(-1);
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: 'DejaVu Sans, sans-serif', fontSize: 24 },
      title: {
        text: labels.title,
        subtext: `${labels.volumeAxis} · ${labels.chargesAxis}`,
        left: 'center',
        top: 16,
        textStyle: { fontSize: 32, fontWeight: 'bold', color: '#222222' },
        subtextStyle: { fontSize: 24, color: '#555555' },
      },
      legend: {
        top: 118,
        left: 'center',
        itemWidth: 30,
        itemHeight: 20,
        // ECharts measures legend texts with its own metrics, narrower than DejaVu's: without a
        // wide gap an English name ran into the next swatch («T1 day▮T2 night»).
        itemGap: 40,
        textStyle: { fontSize: 24 },
      },
      grid: { left: 110, right: 150, top: 180, bottom: 70 },
      yAxis: {
        type: 'category',
        data: labels.months,
        inverse: true,
        axisTick: { show: false },
        axisLabel: { fontSize: 26, interval: 0, color: '#222222' },
      },
      xAxis: {
        type: 'value',
        axisLabel: {
          fontSize: 22,
          color: '#444444',
          formatter: (value: number) => formatInteger(value),
        },
        splitNumber: 4,
      },
      series: series.zones.map((zone) => ({
        name: labels.zoneNames[zone] ?? zone,
        type: 'bar' as const,
        stack: 'kwh',
        barWidth: '62%',
        itemStyle: { color: ZONE_COLOURS[zone] ?? '#999999' },
        // Thousandths to kWh for drawing only; the numbers shown in texts stay exact.
        data: (series.volumesMilli[zone] ?? []).map((milli) => milli / 1000),
        label:
          zone === lastZone
            ? {
                show: true,
                position: 'right' as const,
                fontSize: 24,
                color: '#c0392b',
                fontWeight: 'bold' as const,
                formatter: ({ dataIndex }: { dataIndex: number }) =>
                  `${formatInteger(Math.round((series.chargesKopecks[dataIndex] ?? 0) / 100))} ₽`,
              }
            : undefined,
      })),
    });
    const svg = chart.renderToSVGString();
    const png = new Resvg(svg, {
      font: chartFonts(),
      fitTo: { mode: 'original' },
    })
      .render()
      .asPng();
    return Buffer.from(png);
  } finally {
    chart.dispose();
  }
}
