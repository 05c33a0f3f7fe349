import { markdownTable } from 'markdown-table';
import { renderLineChart, type ChartPoint } from './chart.ts';
import { renderFitted } from './fitted-table.ts';
import { outputWidth } from './table.ts';
import { wrapText } from './text-width.ts';
import { formatNumber, formatSpread, plural } from './columns.ts';
import { describeHarness, type Environment } from './environment.ts';
import type { Percentiles, Spread } from '../suites/summary.ts';
import type { SweepAxis, SweepSettings } from '../suites/sweep.ts';
import type { SweepRow } from '../suites/sweep-row.ts';
import { MIN_MEAN_ACQUISITIONS_FOR_JAIN } from '../evidence/window.ts';

/** The sweep JSON's top level. */
export interface SweepReport {
  readonly schema: 'sync-bench/sweep@1';
  readonly environment: Environment;
  readonly command: string;
  readonly settings: SweepSettings;
  readonly rows: readonly SweepRow[];
}

const axisTitle: Record<SweepAxis, string> = {
  clients: 'Throughput and waits against clients',
  threads: 'Throughput and waits against worker threads',
  cs: 'Throughput and waits against critical-section length relative to the work outside it',
  rtt: 'Throughput and waits against the round trip to the server (engine and broker strategies)',
};

const xLabel: Record<SweepAxis, string> = {
  clients: 'clients',
  threads: 'worker threads',
  cs: 'busy work inside / outside the critical section (ratio)',
  rtt: 'round trip to the server (ms)',
};

/** What each axis holds fixed, from the first row of the axis. */
function axisSetting(axis: SweepAxis, row: SweepRow, s: SweepSettings): string {
  const window = `${s.warmupMs} ms warm-up, then a ${s.measureMs} ms window; ${plural(s.repeat, 'repetition')}`;
  switch (axis) {
    case 'clients':
      return `ticket-rush at latency zero, ${plural(row.threads, 'thread')}, no busy work; ${window}`;
    case 'threads':
      return `ticket-rush at latency zero, ${plural(row.clients, 'client')}, no busy work; ${window}`;
    case 'cs':
      return `ticket-rush at latency zero, ${plural(row.clients, 'client')} on ${plural(row.threads, 'thread')}, ${row.outsideUs} µs of busy work outside the critical section and ${s.insideUs.join(', ')} µs inside; ${window}`;
    case 'rtt':
      return `ticket-rush at latency zero, ${plural(row.clients, 'client')} on ${plural(row.threads, 'thread')}, no busy work, the servers behind a loopback proxy that delays each direction by half the round trip (0: direct); strategies whose state or broker is a server only; ${window}`;
  }
}

function xCell(row: SweepRow): string {
  return row.axis === 'cs' ? `${row.insideUs}:${row.outsideUs} µs` : String(row.x);
}

const p = (v: Percentiles, key: 'p50' | 'p99' | 'max') => {
  const value = v[key];
  return value === null ? '–' : formatNumber(value);
};

const jain = (r: SweepRow, which: 'jainClients' | 'jainThreads') => {
  const s = r[which];
  if (s === null) return '–';
  return s.min === s.max ? s.median.toFixed(3) : `${s.median.toFixed(3)} [${s.min.toFixed(3)}–${s.max.toFixed(3)}]`;
};

/** A spread of counts: whole numbers without decimals (a median may be a half). */
function countSpread(s: Spread | null): string {
  if (s === null) return '–';
  const n = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  return s.min === s.max ? n(s.median) : `${n(s.median)} [${n(s.min)}–${n(s.max)}]`;
}

const columns: readonly { header: string; cell: (r: SweepRow) => string }[] = [
  { header: 'x', cell: xCell },
  { header: 'strategy', cell: (r) => r.strategy },
  { header: 'verdict', cell: (r) => (r.verdict === 'correct' ? 'correct' : `${r.verdict}: ${r.reasons.join('; ')}`) },
  { header: 'throughput (ops/s) median [min–max]', cell: (r) => formatSpread(r.throughput) },
  { header: 'wait p50 (ms)', cell: (r) => p(r.waitMs, 'p50') },
  { header: 'wait p99 (ms)', cell: (r) => p(r.waitMs, 'p99') },
  { header: 'wait max (ms)', cell: (r) => p(r.waitMs, 'max') },
  { header: 'hold p50 (ms)', cell: (r) => p(r.holdMs, 'p50') },
  { header: 'acquisitions per client median [min–max]', cell: (r) => countSpread(r.perClient) },
  { header: 'acquisitions per thread median [min–max]', cell: (r) => countSpread(r.perThread) },
  { header: "Jain's index, clients", cell: (r) => jain(r, 'jainClients') },
  { header: "Jain's index, threads", cell: (r) => jain(r, 'jainThreads') },
  { header: 'CPU per op (µs)', cell: (r) => formatSpread(r.cpuPerOpUs) },
];

export const sweepLegend =
  'Each run: every client buys again and again until the window ends. throughput: critical sections that exited in the window per second, median [min–max] over repetitions. ' +
  'wait: request to enter, of the sections that waited during the window; hold: enter to exit (the db file read and write, plus the busy work inside); percentiles pooled over repetitions, p99 only from 100 samples or more. ' +
  "acquisitions per client (per thread): sections each client (the clients of each pool thread) completed in the window, pooled over clients (threads) and repetitions. Jain's index (Σx)²/(n·Σx²) of those acquisitions over clients, and over threads per client of the thread: 1 is perfectly even, 1/n is one taker; median [min–max] over repetitions; – where the window held fewer than " +
  `${MIN_MEAN_ACQUISITIONS_FOR_JAIN} acquisitions per client on average, too few to tell unfairness from who happened to be served last. ` +
  'CPU per op: user + system time of the whole process over the run / sections committed. Verdicts come from the event log and the final db of the worst repetition (none loses updates by design).';

function axes(rows: readonly SweepRow[]): SweepAxis[] {
  return [...new Set(rows.map((r) => r.axis))];
}

/** The charts of one axis: file name (in results/) → what it shows. */
export function chartFiles(axis: SweepAxis): { file: string; metric: 'throughput' | 'wait-p99' | 'fairness' }[] {
  const files: { file: string; metric: 'throughput' | 'wait-p99' | 'fairness' }[] = [
    { file: `sweep-${axis}-throughput.svg`, metric: 'throughput' },
    { file: `sweep-${axis}-wait-p99.svg`, metric: 'wait-p99' },
  ];
  if (axis !== 'cs') files.push({ file: `sweep-${axis}-fairness.svg`, metric: 'fairness' });
  return files;
}

/** Renders every chart of the sweep: file name → SVG text. */
export async function renderSweepCharts(rows: readonly SweepRow[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const axis of axes(rows)) {
    const axisRows = rows.filter((r) => r.axis === axis);
    const series = [...new Set(axisRows.map((r) => r.strategy))];
    const dashed = series.filter((s) => axisRows.some((r) => r.strategy === s && r.verdict !== 'correct'));
    const caption = 'ticket-rush at latency zero; dashed: not correct in a run';
    for (const { file, metric } of chartFiles(axis)) {
      const points: ChartPoint[] = axisRows.flatMap((r): ChartPoint[] => {
        if (metric === 'throughput') return r.throughput === null ? [] : [{ series: r.strategy, x: r.x, y: r.throughput.median, yMin: r.throughput.min, yMax: r.throughput.max }];
        if (metric === 'wait-p99') return r.waitMs.p99 === null ? [] : [{ series: r.strategy, x: r.x, y: r.waitMs.p99 }];
        return r.jainClients === null ? [] : [{ series: r.strategy, x: r.x, y: r.jainClients.median, yMin: r.jainClients.min, yMax: r.jainClients.max }];
      });
      const yTitle = { throughput: 'throughput (ops/s), median and min–max', 'wait-p99': 'wait p99 (ms)', fairness: "Jain's index over clients (1 = even)" }[metric];
      const title = { throughput: 'Throughput', 'wait-p99': 'Wait p99', fairness: 'Fairness' }[metric];
      out[file] = await renderLineChart({
        title: `${title} against ${xLabel[axis]}`,
        caption:
          metric === 'fairness'
            ? `${caption}; none under ${MIN_MEAN_ACQUISITIONS_FOR_JAIN} acquisitions/client`
            : caption,
        xTitle: xLabel[axis],
        yTitle,
        xLog: true,
        yLog: metric !== 'fairness',
        points,
        series,
        dashed,
      });
    }
  }
  return out;
}

/** The sweep as Markdown: provenance, then per axis its charts and its table. */
export function renderSweepMarkdown(report: SweepReport): string {
  const env = report.environment;
  const packages = Object.entries(env.packages).map(([name, version]) => `${name} ${version}`).join(', ');
  const lines = [
    '# Sweeps',
    '',
    `Generated by \`npm run bench:sweep${report.command ? ` -- ${report.command}` : ''}\` on ${env.date}.`,
    '',
    `- machine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}`,
    `- runtime: Node ${env.node}; ${packages}`,
    `- harness: ${describeHarness(env)}`,
    '',
  ];
  for (const axis of axes(report.rows)) {
    const rows = report.rows.filter((r) => r.axis === axis);
    const first = rows[0];
    if (first === undefined) continue;
    lines.push(`## ${axisTitle[axis]}`, '', axisSetting(axis, first, report.settings), '');
    for (const { file } of chartFiles(axis)) lines.push(`![${file}](${file})`, '');
    const header = columns.map((c) => (c.header === 'x' ? xLabel[axis] : c.header));
    lines.push(markdownTable([header, ...rows.map((r) => columns.map((c) => c.cell(r).replace(/\|/g, '\\|')))]), '');
  }
  lines.push(sweepLegend, '');
  return lines.join('\n');
}

/**
 * The sweep as terminal tables, one per axis, for a terminal `width` columns wide (see
 * `outputWidth`): fitted as the bench's tables are, in blocks led by the axis value and the
 * strategy when the columns do not fit side by side; titles and the legend wrapped to the width.
 */
export function renderSweepTerminal(rows: readonly SweepRow[], s: SweepSettings, width: number = outputWidth()): string {
  const wrap = (text: string) => wrapText(text, width).join('\n');
  const parts = axes(rows).map((axis) => {
    const axisRows = rows.filter((r) => r.axis === axis);
    const first = axisRows[0];
    const fitted = renderFitted(
      columns.map((c, i) => ({ header: c.header === 'x' ? xLabel[axis] : c.header, key: i < 2 })),
      axisRows.map((r) => columns.map((c) => c.cell(r))),
      width,
    );
    return `${wrap(axisTitle[axis])}:\n${first === undefined ? '' : `${wrap(axisSetting(axis, first, s))}\n`}${fitted}`;
  });
  return `${parts.join('\n\n')}\n${wrap(sweepLegend)}\n`;
}
