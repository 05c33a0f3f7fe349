/**
 * Line charts as SVG, drawn by Vega-Lite (compiled to Vega and rendered headless by Vega's
 * `View.toSVG`, no browser or canvas needed). GitHub shows the files as images.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One plotted value: a point of a series, with an optional spread drawn as an error bar. */
export interface ChartPoint {
  readonly series: string;
  readonly x: number;
  readonly y: number;
  readonly yMin?: number;
  readonly yMax?: number;
}

export interface LineChart {
  readonly title: string;
  /** Axis titles, with units. */
  readonly xTitle: string;
  readonly yTitle: string;
  readonly xLog: boolean;
  readonly yLog: boolean;
  readonly points: readonly ChartPoint[];
  /** Legend order, which also fixes each series' colour. */
  readonly series: readonly string[];
  /** Series drawn dashed (for example: runs that were not correct); say so in `caption`. */
  readonly dashed: readonly string[];
  /** A line under the chart. */
  readonly caption?: string;
}

/** Renders `chart` to an SVG document. Points a log axis cannot show (y ≤ 0) are left out. */
export async function renderLineChart(chart: LineChart): Promise<string> {
  const values = chart.points
    .filter((p) => Number.isFinite(p.y) && (!chart.yLog || p.y > 0) && (!chart.xLog || p.x > 0))
    .map((p) => ({ ...p, style: chart.dashed.includes(p.series) ? 'dashed' : 'solid' }));
  const scale = (log: boolean) => (log ? { type: 'log' as const } : { type: 'linear' as const, zero: false });
  const x = { field: 'x', type: 'quantitative' as const, title: chart.xTitle, scale: { ...scale(chart.xLog), nice: false }, axis: { grid: true } };
  const color = { field: 'series', type: 'nominal' as const, title: 'strategy', scale: { domain: [...chart.series], scheme: 'tableau10' } };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.caption === undefined ? chart.title : { text: chart.title, subtitle: chart.caption },
    width: 560,
    height: 320,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'y', type: 'quantitative', title: chart.yTitle, scale: scale(chart.yLog) },
          color,
          strokeDash: {
            field: 'style',
            type: 'nominal',
            title: 'line',
            scale: { domain: ['solid', 'dashed'], range: [[1, 0], [4, 3]] },
            // Explained in the caption: a legend of line styles does not render its dashes.
            legend: null,
          },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.yMin) && isValid(datum.yMax)' }],
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'yMin', type: 'quantitative' }, y2: { field: 'yMax' }, color },
      },
    ],
  };
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return `${svg}\n`;
}
