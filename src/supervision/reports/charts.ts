/**
 * The report's charts, drawn on the server with ECharts' SSR SVG renderer (no DOM, no canvas) and rasterised with
 * sharp for the Word document: the counties' ranking, the five coverages, the monthly trend of the rates.
 * The console draws the same series interactively from the report's data.
 */
import * as echarts from 'echarts';
import { sharp } from '../../lazy-sharp';
import type { ReportData } from './data';

export interface ChartImage {
  key: 'ranking' | 'coverage' | 'trend';
  title: string;
  svg: string;
  png: Buffer;
  width: number;
  height: number;
}

const WIDTH = 640;
const HEIGHT = 360;
const FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', SimSun, sans-serif";
const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

function render(option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, backgroundColor: '#fff', ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function rankingOption(d: ReportData): echarts.EChartsCoreOption {
  const rows = [...d.counties].reverse();
  return {
    grid: { left: 90, right: 40, top: 20, bottom: 30 },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}' } },
    yAxis: { type: 'category', data: rows.map((r) => r.county) },
    series: [{ type: 'bar', data: rows.map((r) => r.score ?? 0), label: { show: true, position: 'right' }, itemStyle: { color: '#c23531' } }],
  };
}

function coverageOption(d: ReportData): echarts.EChartsCoreOption {
  const short = ['领导干部参加', '代表按时参加', '督导乡镇', '件件有答复', '活动保障'];
  return {
    grid: { left: 60, right: 20, top: 30, bottom: 40 },
    xAxis: { type: 'category', data: short },
    yAxis: { type: 'value', max: 100, name: '%' },
    series: [{ type: 'bar', data: d.coverage.map((c) => pct(c.rate)), label: { show: true, position: 'top' }, itemStyle: { color: '#d48265' } }],
  };
}

function trendOption(d: ReportData): echarts.EChartsCoreOption {
  return {
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: d.trend.map((t) => t.month) },
    yAxis: { type: 'value', max: 100, name: '%' },
    series: [
      { name: '办结率', type: 'line', data: d.trend.map((t) => pct(t.closureRate)) },
      { name: '满意率', type: 'line', data: d.trend.map((t) => pct(t.satisfactionRate)) },
      { name: '按时答复率', type: 'line', data: d.trend.map((t) => pct(t.onTimeRate)) },
    ],
  };
}

export async function renderCharts(d: ReportData): Promise<ChartImage[]> {
  const specs: Array<Pick<ChartImage, 'key' | 'title'> & { option: echarts.EChartsCoreOption }> = [
    { key: 'ranking', title: `图1 各县（市、区）综合得分排名（${d.period.label}）`, option: rankingOption(d) },
    { key: 'coverage', title: `图2 “五个全覆盖”完成情况（${d.period.label}）`, option: coverageOption(d) },
    { key: 'trend', title: `图3 意见建议办理率逐月走势（${d.period.label}）`, option: trendOption(d) },
  ];
  // One after the other: three rasterisations at once hold three sets of libvips buffers for no gain in a report.
  // Opaque (the charts have a white background): a PNG without an alpha channel goes into the PDF as it is, where
  // one with alpha is inflated to its pixels (3.5 MB a chart) to split the alpha out, then deflated again.
  const images: ChartImage[] = [];
  for (const s of specs) {
    const svg = render(s.option);
    const { data: png, info } = await sharp(Buffer.from(svg), { density: 144 }).removeAlpha().png().toBuffer({ resolveWithObject: true });
    images.push({ key: s.key, title: s.title, svg, png, width: info.width, height: info.height });
  }
  return images;
}
