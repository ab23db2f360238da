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

const AXIS_NUMBER = new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 });
const axisLabel = { fontSize: 13, formatter: (value: number) => AXIS_NUMBER.format(value) };

const WIDTH = 960;
const HEIGHT = 560;
const ZONE_COLOURS: Record<string, string> = { T1: '#f2a93b', T2: '#3b6fb6', T3: '#7bb661' };

/**
 * Renders the last months' consumption per zone (stacked bars, kWh) and the charges (line, ₽,
 * second axis) as a PNG. ECharts draws SVG server-side and resvg rasterises it with the system
 * fonts (DejaVu has Cyrillic). Both are loaded on first use: most processes never draw a chart.
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
    width: WIDTH,
    height: HEIGHT,
  });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: 'DejaVu Sans, sans-serif', fontSize: 14 },
      title: { text: labels.title, left: 'center', top: 10, textStyle: { fontSize: 20 } },
      legend: { bottom: 10, textStyle: { fontSize: 14 } },
      grid: { left: 80, right: 90, top: 70, bottom: 90 },
      xAxis: { type: 'category', data: labels.months, axisLabel: { fontSize: 13 } },
      yAxis: [
        { type: 'value', name: labels.volumeAxis, nameTextStyle: { fontSize: 14 }, axisLabel },
        {
          type: 'value',
          name: labels.chargesAxis,
          nameTextStyle: { fontSize: 14 },
          axisLabel,
          splitLine: { show: false },
        },
      ],
      series: [
        ...series.zones.map((zone) => ({
          name: labels.zoneNames[zone] ?? zone,
          type: 'bar' as const,
          stack: 'kwh',
          yAxisIndex: 0,
          itemStyle: { color: ZONE_COLOURS[zone] ?? '#999999' },
          // Thousandths to kWh for drawing only; the numbers shown in texts stay exact.
          data: (series.volumesMilli[zone] ?? []).map((milli) => milli / 1000),
        })),
        {
          name: labels.chargesAxis,
          type: 'line' as const,
          yAxisIndex: 1,
          symbolSize: 8,
          lineStyle: { width: 3, color: '#c0392b' },
          itemStyle: { color: '#c0392b' },
          data: series.chargesKopecks.map((kopecks) => kopecks / 100),
        },
      ],
    });
    const svg = chart.renderToSVGString();
    const png = new Resvg(svg, {
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
      fitTo: { mode: 'original' },
    })
      .render()
      .asPng();
    return Buffer.from(png);
  } finally {
    chart.dispose();
  }
}
