/**
 * `results/report.html`: the results files' JSON (`default-suite.json`, the sweeps' `sweep.json`)
 * as one static page (see `html-page.ts`): the headline table, sortable by any column and filtered
 * by workload, latency, runner and paradigm, every figure with its spread over repetitions
 * (median [min–max]) and, where the file has it, the 95% interval of the median wall time; a row
 * opens its repetitions, its reasons and, for ticket-rush, its client history drawn
 * (`history-timeline.ts`, checked again here against the ticket counter); then the sweeps' charts
 * (Vega-Lite, rendered to SVG here: the page runs no chart code). The page's script only sorts,
 * filters and opens rows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkLinearizability } from '../histories/linearizability.ts';
import { keptToHistory, RUN_CHECK_BUDGET_MS } from '../histories/run-history.ts';
import { ticketCounter } from '../histories/ticket-counter.ts';
import type { ResultRow, Spread, Percentiles } from '../suites/summary.ts';
import { formatNumber } from './columns.ts';
import { describeHarness } from './environment.ts';
import { drawHistory, escapeXml } from './history-timeline.ts';
import { htmlPage } from './html-page.ts';
import { resultsDir, writeFiles, type Report } from './report.ts';
import { oneLine } from '../runners/one-line.ts';
import { asResults } from './results-file.ts';
import { renderSweepCharts, type SweepReport } from './sweep-report.ts';

/** What the page is drawn from: the suite's results (if any) and the sweeps, each with the path it was read from (relative to the results folder). */
export interface ReportInputs {
  readonly results: { readonly path: string; readonly report: Report } | null;
  readonly sweeps: readonly { readonly path: string; readonly report: SweepReport }[];
}

/** The file name of the page in the results folder. */
export const REPORT_FILE = 'report.html';

/**
 * Reads the inputs from a results folder: `default-suite.json`, and `sweep.json` there and in its
 * sub-folders (e.g. `sweep-rtt/`). A missing file is left out; one that is not what its name says
 * throws (a `UsageError` for the results file).
 */
export function readResultsFolder(dir: string): ReportInputs {
  const suitePath = join(dir, 'default-suite.json');
  const results = existsSync(suitePath) ? { path: 'default-suite.json', report: asResults(JSON.parse(readFileSync(suitePath, 'utf8')), suitePath) } : null;
  const sweepPaths = ['sweep.json', ...readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(e.name, 'sweep.json')).sort()];
  const sweeps = sweepPaths
    .filter((p) => existsSync(join(dir, p)))
    .map((path) => {
      const report = JSON.parse(readFileSync(join(dir, path), 'utf8')) as SweepReport;
      if (report.schema !== 'sync-bench/sweep@1') throw new Error(`${join(dir, path)} is not a sweep (schema ${String(report.schema)})`);
      return { path, report };
    });
  return { results, sweeps };
}

const h = escapeXml;

/** A table cell: `text` shown, `sort` the value sorted by (a number sorts numerically; absent: the text). */
function cell(text: string, sort?: number | null, className = ''): string {
  const v = sort === undefined ? '' : ` data-v="${sort === null || !Number.isFinite(sort) ? '' : sort}"`;
  return `<td${className === '' ? '' : ` class="${className}"`}${v}>${text}</td>`;
}

/** A spread as median with [min–max] in smaller type. */
function spreadHtml(s: Spread | null): string {
  if (s === null) return '–';
  return s.min === s.max ? formatNumber(s.median) : `${formatNumber(s.median)} <span class="spread">[${formatNumber(s.min)}–${formatNumber(s.max)}]</span>`;
}

function percentile(p: Percentiles | undefined, key: 'p50' | 'p99'): string {
  const v = p?.[key];
  return v === null || v === undefined ? '–' : `${formatNumber(v)}${key === 'p50' && p !== undefined ? ` <span class="spread">n=${p.samples}</span>` : ''}`;
}

const verdictClass = (v: string) => (v === 'not applicable' || v === 'skipped' ? 'v-na' : `v-${v}`);

/** The headline table's columns: header, and the cell of a row. */
const COLUMNS: readonly { readonly header: string; readonly cell: (r: ResultRow) => string }[] = [
  { header: 'workload', cell: (r) => cell(h(r.workload)) },
  { header: 'latency', cell: (r) => cell(h(r.latency)) },
  { header: 'runner', cell: (r) => cell(h(r.runner)) },
  { header: 'strategy', cell: (r) => cell(`<b>${h(r.strategy)}</b>`) },
  { header: 'paradigm', cell: (r) => cell(h(r.paradigm)) },
  { header: 'clients', cell: (r) => cell(String(r.clients), r.clients, 'n') },
  { header: 'verdict', cell: (r) => cell(h(r.verdict), undefined, verdictClass(r.verdict)) },
  { header: 'linearizable', cell: (r) => cell(h(r.linearizable ?? '–'), undefined, r.linearizable === 'no' ? 'lin-no' : '') },
  {
    header: 'wall ms median [min–max]',
    cell: (r) =>
      cell(
        `${spreadHtml(r.wallMs)}${r.precision ? `<br><span class="spread">95% CI of median ${formatNumber(r.precision.lowerMs)}–${formatNumber(r.precision.upperMs)}</span>` : ''}`,
        r.wallMs?.median ?? null,
        'n',
      ),
  },
  { header: 'ops/s median [min–max]', cell: (r) => cell(spreadHtml(r.throughput), r.throughput?.median ?? null, 'n') },
  { header: 'slowdown vs none', cell: (r) => cell(r.slowdown === null ? '–' : `${r.slowdown.toFixed(2)}×`, r.slowdown, 'n') },
  { header: 'wait p50 ms', cell: (r) => cell(percentile(r.waitMs, 'p50'), r.waitMs?.p50 ?? null, 'n') },
  { header: 'wait p99 ms', cell: (r) => cell(percentile(r.waitMs, 'p99'), r.waitMs?.p99 ?? null, 'n') },
  { header: 'CPU ms median [min–max]', cell: (r) => cell(spreadHtml(r.cpuMs ?? null), r.cpuMs?.median ?? null, 'n') },
  { header: 'reps', cell: (r) => cell(String(r.repetitions), r.repetitions, 'n') },
];

/** The drawn history of a ticket-rush row, with the checker's verdict on it; a line saying why there is none otherwise. */
function historyHtml(row: ResultRow): string {
  if (row.workload !== 'ticket-rush') return '';
  if (row.history === undefined) return '<p class="muted">No history: this results file was written before rows kept one (rerun the suite to record it).</p>';
  if (row.history === null) return '<p class="muted">No history kept for this row (no repetition was checked, or it had too many operations; <code>npm run bench -- --history DIR</code> writes every run\'s).</p>';
  const operations = keptToHistory(row.history.operations);
  const model = ticketCounter(row.history.tickets);
  const result = checkLinearizability(operations, model, { budget: { ms: RUN_CHECK_BUDGET_MS }, windowBudget: { ms: RUN_CHECK_BUDGET_MS } });
  const said =
    result.verdict === 'not linearizable'
      ? `not linearizable: the ${result.window.length} red operations cannot be put in an order that respects real time and the ticket counter (the others invoked by then taken as outcome-unknown)`
      : result.verdict === 'linearizable'
        ? 'linearizable'
        : 'unknown: the check ran out of its budget';
  return (
    `<p>History of repetition ${row.history.repetition} (${operations.length} buys, ${row.history.tickets} ticket${row.history.tickets === 1 ? '' : 's'} at the start): <b class="${result.verdict === 'not linearizable' ? 'lin-no' : ''}">${h(said)}</b>. ` +
    'Hover an operation for its times and the state before and after its step.</p>' +
    `<div class="scroll">${drawHistory(operations, model, result, 'ms')}</div>`
  );
}

/** What a row opens: its reasons, its repetitions and its history. */
function detailHtml(row: ResultRow): string {
  const reasons = row.reasons.length === 0 ? '<p>No reasons: every repetition was correct.</p>' : `<p>Reasons (worst repetition):</p><ul>${row.reasons.map((r) => `<li>${h(r)}</li>`).join('')}</ul>`;
  const runs = (row.runs ?? [])
    .map(
      (run) =>
        `<tr><td>${run.repetition}</td><td class="${verdictClass(run.verdict)}">${h(run.verdict)}</td><td class="n">${run.wallMs === null ? '–' : formatNumber(run.wallMs)}</td>` +
        `<td>${h(run.linearizable ?? '–')}</td><td class="n">${run.violations ?? '–'}</td><td class="n">${run.aborts ?? '–'}</td><td>${h(run.reasons.join('; ') || '–')}</td></tr>`,
    )
    .join('');
  const table = runs === '' ? '' : `<div class="scroll"><table><thead><tr><th>repetition</th><th>verdict</th><th>wall ms</th><th>linearizable</th><th>violations</th><th>aborts</th><th>reasons</th></tr></thead><tbody>${runs}</tbody></table></div>`;
  const settings = `${row.guarantee}; state: ${row.stateLocation}; ${row.clients} clients, ${row.runner === 'processes' ? `${row.processes ?? row.clients} processes` : `${row.threads} threads`}, ${row.tickets} ticket(s)`;
  return `<p class="muted">${h(settings)}</p>${reasons}${table}${historyHtml(row)}`;
}

/** The filter selects: one per field, its distinct values. */
const FILTERS = ['workload', 'latency', 'runner', 'paradigm'] as const;

function headline(report: Report, path: string): string {
  const rows = report.rows;
  const env = report.environment;
  const filters = FILTERS.map((f) => {
    const values = [...new Set(rows.map((r) => String(r[f])))].sort();
    return `<label>${f} <select data-filter="${f}"><option value="">all</option>${values.map((v) => `<option>${h(v)}</option>`).join('')}</select></label>`;
  }).join('');
  const body = rows
    .map((r, i) => {
      const data = FILTERS.map((f) => `data-${f}="${h(String(r[f]))}"`).join(' ');
      return `<tr class="row" tabindex="0" aria-expanded="false" data-i="${i}" ${data}>${COLUMNS.map((c) => c.cell(r)).join('')}</tr>\n<tr class="detail" hidden><td colspan="${COLUMNS.length}"><div class="detail-body">${detailHtml(r)}</div></td></tr>`;
    })
    .join('\n');
  return (
    `<h2>Headline table</h2><p class="muted">From <code>${h(path)}</code>: <code>npm run bench${report.command ? ` -- ${h(report.command)}` : ''}</code> on ${h(env.date)}; ${h(`${env.cpu}, ${env.cores} cores, Node ${env.node}; ${describeHarness(env)}`)}. ` +
    'Figures are the median over repetitions with [min–max]; latency percentiles are pooled over repetitions (n samples). Click a header to sort, a row to open its repetitions, reasons and history.</p>' +
    `<div class="filters">${filters}<span id="shown" class="muted"></span></div>` +
    `<div class="scroll"><table id="headline"><thead><tr>${COLUMNS.map((c) => `<th><button type="button">${h(c.header)}</button></th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
  );
}

async function sweepsHtml(sweeps: ReportInputs['sweeps']): Promise<string> {
  const parts: string[] = [];
  for (const { path, report } of sweeps) {
    const charts = await renderSweepCharts(report.rows);
    parts.push(
      `<h2>Sweep: ${h(path)}</h2><p class="muted"><code>npm run bench:sweep${report.command ? ` -- ${h(report.command)}` : ''}</code> on ${h(report.environment.date)}; throughput and Jain's index with min–max over repetitions as error bars.</p>` +
        `<div class="charts">${Object.entries(charts)
          .map(([file, svg]) => `<figure aria-label="${h(file)}">${svg.replace(/^<\?xml[^>]*>\s*/, '')}</figure>`)
          .join('')}</div>`,
    );
  }
  return parts.join('\n');
}

/** The page's script: filters, sorting by a header, rows that open. */
const SCRIPT = `
const table = document.getElementById('headline');
if (table) {
  const body = table.tBodies[0];
  const pairs = () => [...body.querySelectorAll('tr.row')].map((row) => [row, row.nextElementSibling]);
  const filters = [...document.querySelectorAll('select[data-filter]')];
  const apply = () => {
    let shown = 0;
    for (const [row, detail] of pairs()) {
      const ok = filters.every((f) => f.value === '' || row.dataset[f.dataset.filter] === f.value);
      row.hidden = !ok;
      detail.hidden = !ok || row.getAttribute('aria-expanded') !== 'true';
      if (ok) shown++;
    }
    document.getElementById('shown').textContent = shown + ' of ' + pairs().length + ' rows';
  };
  filters.forEach((f) => f.addEventListener('change', apply));
  [...table.tHead.rows[0].cells].forEach((th, col) => th.querySelector('button').addEventListener('click', () => {
    const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    for (const other of table.tHead.rows[0].cells) other.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    const key = (row) => { const c = row.cells[col]; return 'v' in c.dataset ? (c.dataset.v === '' ? null : Number(c.dataset.v)) : c.textContent; };
    const sorted = pairs().sort(([a], [b]) => {
      const x = key(a), y = key(b);
      if (x === null || y === null) return (x === null) - (y === null);
      return (typeof x === 'number' ? x - y : x.localeCompare(y)) * dir || a.dataset.i - b.dataset.i;
    });
    for (const [row, detail] of sorted) body.append(row, detail);
  }));
  const toggle = (row) => {
    const open = row.getAttribute('aria-expanded') !== 'true';
    row.setAttribute('aria-expanded', String(open));
    row.classList.toggle('open', open);
    row.nextElementSibling.hidden = !open;
  };
  body.addEventListener('click', (e) => { const row = e.target.closest('tr.row'); if (row) toggle(row); });
  body.addEventListener('keydown', (e) => { const row = e.target.closest('tr.row'); if (row && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); toggle(row); } });
  apply();
}
`;

/**
 * Writes `report.html` into the results folder `dir` from the JSON files there (see
 * {@link readResultsFolder}); resolves to the failure ("path: reason") or null. Never throws: the
 * page is a view of files already saved.
 */
export async function writeHtmlReport(dir: string): Promise<string | null> {
  try {
    const failures = await writeFiles(dir, { [REPORT_FILE]: await renderHtmlReport(readResultsFolder(dir)) });
    return failures[0] ?? null;
  } catch (error) {
    return `${join(dir, REPORT_FILE)}: ${oneLine(error)}`;
  }
}

/**
 * After a command wrote results into `written` (a folder, or null for none): rewrites
 * `results/report.html` when that folder is `results/` or one of its sub-folders, saying on stderr
 * if it could not. Never throws.
 */
export async function refreshHtmlReport(written: string | null): Promise<void> {
  if (written === null) return;
  const folder = resolve(written);
  if (folder !== resolve(resultsDir) && dirname(folder) !== resolve(resultsDir)) return;
  const failure = await writeHtmlReport(resultsDir);
  if (failure !== null) process.stderr.write(`error: could not write ${failure}\n`);
}

/** The whole page from `inputs` (see the file's description). */
export async function renderHtmlReport(inputs: ReportInputs): Promise<string> {
  const parts = ['<h1>sync-bench results</h1>'];
  parts.push(
    inputs.results === null ? '<p>No suite results (<code>default-suite.json</code>) in this folder.</p>' : headline(inputs.results.report, inputs.results.path),
    await sweepsHtml(inputs.sweeps),
    '<p class="muted">Written by <code>npm run report</code> from the JSON files beside it; the fault and micro tables are in <code>faults.md</code>, <code>pause.md</code> and <code>micro.md</code>.</p>',
  );
  return htmlPage('sync-bench results', parts.join('\n'), SCRIPT);
}
