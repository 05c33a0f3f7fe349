import { latencyProfiles } from '../workloads/latency.ts';
import type { Percentiles, ResultRow, Spread } from '../suites/summary.ts';
import type { WorkloadName } from '../workloads/registry.ts';
import { BUSY_CORES, SAMPLE_INTERVAL_MS } from './load-sampler.ts';
import { OUTLIER_PERCENT, rowInstability, UNSTABLE_MARK, UNSTABLE_STDEV_PERCENT } from './stability.ts';

/**
 * A table column: its id (for `--columns`), its header (with the unit), how a row fills it, whether
 * the terminal shows it by default, and what it means (its part of the legend).
 */
export interface Column {
  /** Lower-case, no spaces: what `--columns` names it by. */
  readonly id: string;
  readonly header: string;
  readonly cell: (row: ResultRow) => string;
  /** Shown on the terminal without `--columns` or `--wide` (what a user decides on). */
  readonly headline: boolean;
  /** What the column means, for the legend under a table that shows it; '' when the header says it all. */
  readonly note: string;
}

/** ms and ops/s, with precision that shrinks as the figure grows. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * A count with its noun, agreeing in number: `plural(1, 'thread')` is "1 thread", `plural(2,
 * 'thread')` "2 threads". `many` is the plural where it is not `noun` + "s".
 */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}

export function formatSpread(s: Spread | null): string {
  if (s === null) return '–';
  if (s.min === s.max) return formatNumber(s.median);
  return `${formatNumber(s.median)} [${formatNumber(s.min)}–${formatNumber(s.max)}]`;
}

function formatPercentile(p: Percentiles, key: 'p50' | 'p99'): string {
  const value = p[key];
  return value === null ? '–' : formatNumber(value);
}

const count = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : String(value));

function verdictCell(row: ResultRow): string {
  if (row.verdict === 'correct') return 'correct';
  const reasons = row.reasons.join('; ');
  // A reason that already begins with the verdict ("not applicable to processes: …") says it once.
  return reasons.startsWith(row.verdict) ? reasons : `${row.verdict}: ${reasons}`;
}

/** The mark after the wall time and throughput of a row whose median wall time did not converge (see `suites/precision.ts`). */
export const NOT_CONVERGED_MARK = '†';

/** The mark after the wall time and throughput of a row some of whose repetitions ran on a busy machine (see `load-sampler.ts`). */
export const BUSY_MARK = '‡';

/** Repetitions of the row run while other processes kept the machine busy; 0 for rows not sampled. */
export function busyRepetitions(row: ResultRow): number {
  return row.busyRepetitions ?? 0;
}

/** The row ran with the precision rule and its median wall time did not converge; false for rows from older files. */
export function notConverged(row: ResultRow): boolean {
  return row.precision !== undefined && row.precision !== null && !row.precision.converged;
}

/**
 * A spread over repetitions, marked when the row's repetitions look unstable (see `stability.ts`)
 * and when its median wall time did not converge.
 */
function spreadCell(row: ResultRow, s: Spread | null): string {
  const text = formatSpread(s);
  if (s === null) return text;
  const marks = [
    ...(rowInstability(row).length > 0 ? [UNSTABLE_MARK] : []),
    ...(notConverged(row) ? [NOT_CONVERGED_MARK] : []),
    ...(busyRepetitions(row) > 0 ? [BUSY_MARK] : []),
  ];
  return marks.length === 0 ? text : `${text} ${marks.join(' ')}`;
}

/** The precision column: the median wall time's interval, its coverage when below 95%, the repetitions, and whether it converged. */
function precisionCell(row: ResultRow): string {
  const p = row.precision;
  if (p === undefined || p === null) return '–';
  const coverage = p.coverage < 0.95 ? ` ${Math.floor(p.coverage * 100 + 1e-9)}%` : '';
  return `[${formatNumber(p.lowerMs)}–${formatNumber(p.upperMs)}]${coverage}, ${plural(p.repetitions, 'rep')}${p.converged ? '' : `, not converged ${NOT_CONVERGED_MARK}`}`;
}

/**
 * Where the clients ran: worker threads of one process, or processes. Read through a loose type:
 * rows written before the field existed ran on threads.
 */
export function runnerOf(row: ResultRow): string {
  return (row as ResultRow & { readonly runner?: string }).runner ?? 'threads';
}

/** Client processes of a row: null under the threads runner, and in rows written before the field existed. */
export function processesOf(row: ResultRow): number | null {
  return (row as ResultRow & { readonly processes?: number | null }).processes ?? null;
}

const common: readonly Column[] = [
  { id: 'strategy', header: 'strategy', cell: (r) => r.strategy, headline: true, note: '' },
  { id: 'runner', header: 'runner', cell: runnerOf, headline: true, note: 'runner: the clients ran as worker threads of one process (threads) or as processes.' },
  { id: 'state', header: 'state lives in', cell: (r) => r.stateLocation, headline: false, note: '' },
  { id: 'verdict', header: 'verdict', cell: verdictCell, headline: true, note: 'Verdict and correctness counts come from the event log and the final db of the worst repetition.' },
  {
    id: 'wall',
    header: 'wall (ms) median [min–max]',
    cell: (r) => spreadCell(r, r.wallMs),
    headline: true,
    note: "wall: release of the start barrier to the last client's end.",
  },
  { id: 'throughput', header: 'throughput (ops/s) median [min–max]', cell: (r) => spreadCell(r, r.throughput), headline: true, note: 'throughput: critical sections per second of wall time.' },
  {
    id: 'program-wall',
    header: 'program wall (ms) median [min–max]',
    // `?? null`: rows written before the figure existed lack it.
    cell: (r) => formatSpread(r.programWallMs ?? null),
    headline: false,
    note: "program wall: the first client thread or process started to the last one ended, start-up included (the figure the tutorial's own program measures); under processes, from the repetitions that started their own processes (a row's first: the later ones reuse them, with fresh state).",
  },
  {
    id: 'cpu',
    header: 'CPU (ms) median [min–max]',
    cell: (r) => formatSpread(r.cpuMs),
    headline: false,
    note: 'CPU: user + system time of the whole process (all threads) over the same interval, the cost of waiting included.',
  },
  {
    id: 'first-enter',
    header: 'first enter after release (ms)',
    cell: (r) => formatSpread(r.firstEnterMs),
    headline: false,
    note: 'first enter: from the release to the first critical section (first-use costs are paid before the release).',
  },
  { id: 'slowdown', header: 'slowdown vs none (×)', cell: (r) => (r.slowdown === null ? '–' : r.slowdown.toFixed(2)), headline: true, note: "slowdown: median wall time over none's." },
  { id: 'wait-p50', header: 'wait p50 (ms)', cell: (r) => formatPercentile(r.waitMs, 'p50'), headline: true, note: 'wait: request to enter.' },
  { id: 'wait-p99', header: 'wait p99 (ms)', cell: (r) => formatPercentile(r.waitMs, 'p99'), headline: true, note: 'wait: request to enter.' },
  { id: 'handoff-gap', header: 'handoff gap p50 (ms)', cell: (r) => formatPercentile(r.handoffGapMs, 'p50'), headline: true, note: 'handoff gap: one exit to the next enter while a client waited.' },
  { id: 'hold', header: 'hold p50 (ms)', cell: (r) => formatPercentile(r.holdMs, 'p50'), headline: false, note: 'hold: enter to exit.' },
  {
    id: 'hold-over',
    header: 'hold over nominal p50 (ms)',
    cell: (r) => formatPercentile(r.holdOvershootMs, 'p50'),
    headline: false,
    note: 'hold over nominal: hold minus the simulated latency it was meant to take (the file access, timers and scheduling).',
  },
  {
    id: 'violations',
    header: 'violations (count)',
    cell: violationsCell,
    headline: false,
    note:
      'violations: committed critical sections that overlapped, in the worst repetition; n/a: optimistic: bodies of a strategy that promises serializable commits overlap by design; n/a: in server: the critical section runs inside a server, where nothing is stamped; –: no figure (the worst repetition failed, or the row was not run).',
  },
  {
    id: 'fifo',
    header: 'FIFO inversions (pairs)',
    cell: (r) => String(r.inversions),
    headline: false,
    note: 'FIFO inversions: pairs of clients where one asked over 1 ms before the other yet entered after it (most in one repetition).',
  },
  {
    id: 'aborts',
    header: 'aborts (count)',
    cell: (r) => String(r.aborts),
    headline: false,
    note: 'aborts: optimistic attempts that found the state changed and retried, over all repetitions; an optimistic strategy promises serializable commits, not mutual exclusion, so its overlaps are not violations.',
  },
  { id: 'retries', header: 'max retries (per client)', cell: (r) => String(r.maxRetries), headline: false, note: '' },
  {
    id: 'precision',
    header: 'wall median 95% interval (ms)',
    cell: precisionCell,
    headline: false,
    note:
      "wall median interval: the distribution-free interval of the median wall time (order statistics), with its coverage when below 95% (fewer than 6 repetitions), and the row's completed repetitions; " +
      'a row stops repeating once the interval is within 1% of the median (or 2 ms), from 6 repetitions, or at the cap (--repeat).',
  },
  {
    id: 'busy',
    header: 'busy repetitions',
    cell: (r) => (r.busyRepetitions === undefined || r.busyRepetitions === null ? '–' : `${r.busyRepetitions} of ${r.runs.filter((run) => run.load !== undefined).length}`),
    headline: false,
    note: `busy repetitions: how many ran while other processes used more than ${BUSY_CORES} of a core on average (their CPU time from /proc, sampled every ${SAMPLE_INTERVAL_MS} ms during each repetition; the strategies' servers not counted).`,
  },
];

/** The violations cell: the count, or why there is none (see `ResultRow.violationsNote`). */
export function violationsCell(r: ResultRow): string {
  if (r.violations !== null) return String(r.violations);
  // A row written before the note existed: only a strategy promising serializable commits had none on purpose.
  const note = r.violationsNote === undefined ? (r.guarantee === 'serializable commits' ? 'optimistic' : null) : r.violationsNote;
  if (note === 'optimistic') return 'n/a: optimistic';
  if (note === 'in server') return 'n/a: in server';
  return '–';
}

const tornNote =
  'Torn reads: db reads that did not parse, in search (outside any critical section, as in the document), inside critical sections, or of the final db; only those inside make a run incorrect.';

const specific: Record<WorkloadName, readonly Column[]> = {
  'ticket-rush': [
    { id: 'sold', header: 'sold (tickets)', cell: (r) => count(r.sold), headline: false, note: '' },
    { id: 'oversold', header: 'oversold (tickets)', cell: (r) => count(r.oversold), headline: true, note: '' },
    { id: 'final-count', header: 'final count (tickets)', cell: (r) => count(r.finalCount), headline: false, note: '' },
    { id: 'lost-updates', header: 'lost updates (count)', cell: (r) => count(r.lostUpdates), headline: true, note: '' },
    { id: 'torn-reads', header: 'torn reads (count)', cell: (r) => count(r.tornReads), headline: false, note: tornNote },
    { id: 'torn-inside', header: 'torn inside CS (count)', cell: (r) => count(r.tornReadsInside), headline: true, note: tornNote },
    {
      id: 'linearizable',
      header: 'linearizable',
      cell: (r) => r.linearizable ?? '–',
      headline: true,
      note: "linearizable: whether what the clients were told (their history) fits one serial order of buys of the ticket counter, in every repetition (no, unknown when the checker's budget ran out, yes).",
    },
  ],
  'ordered-print': [{ id: 'interleaved', header: 'interleaved (clients)', cell: (r) => count(r.interleaved), headline: true, note: '' }],
  noop: [],
};

/** The columns of a workload's table, every one (the Markdown's, and the terminal's with `--wide`). */
export function columnsFor(workload: WorkloadName): readonly Column[] {
  return [...common, ...specific[workload]];
}

/** Every column id, in table order, for `--columns`: the common ones, then each workload's own. */
export const columnIds: readonly string[] = [...new Set([...common, ...Object.values(specific).flat()].map((c) => c.id))];

/** The line above a table: what was run, with which settings. */
export function tableTitle(rows: readonly ResultRow[]): string {
  const first = rows[0];
  if (first === undefined) return '';
  const latency = latencyProfiles[first.latency];
  const rush = first.workload === 'ticket-rush';
  const tickets = rush ? ` · ${plural(first.tickets, 'ticket')}` : '';
  const each = first.requestsPerClient ?? 1;
  const requests = each > 1 ? ` · ${plural(each, rush ? 'purchase' : 'print pair')} per client, one after another` : '';
  const nominal = rush ? `read ${latency.readMs} ms, write ${latency.writeMs} ms` : `sleep 0–${latency.printMaxMs} ms`;
  const placements = [...new Set(rows.map((row) => placement(row)))];
  const rtt = (first.rttMs ?? 0) > 0 ? ` · servers behind a simulated ${formatNumber(first.rttMs ?? 0)} ms round trip` : '';
  return (
    `${first.workload} · latency ${latency.name} (${nominal}) · ` +
    `${plural(first.clients, 'client')} ${placements.join('; ')}${tickets}${requests}${rtt} · ` +
    `${repetitionsText(rows)}`
  );
}

/** "7 repetitions", or "3–7 repetitions" when the rows stopped at different counts. */
function repetitionsText(rows: readonly ResultRow[]): string {
  const counts = rows.map((r) => r.repetitions).filter((n) => n > 0);
  const [least, most] = [Math.min(...counts), Math.max(...counts)];
  return counts.length === 0 || least === most ? plural(Math.max(0, ...rows.map((r) => r.repetitions)), 'repetition') : `${least}–${most} repetitions`;
}

/** Where a row's clients ran: "on 2 threads (up to 25 per thread)" or "in 50 processes (1 per process)". */
function placement(row: ResultRow): string {
  const processes = processesOf(row);
  if (runnerOf(row) === 'processes' && processes !== null) return `in ${plural(processes, 'process', 'processes')} (up to ${row.clientsPerThread} per process)`;
  return `on ${plural(row.threads, 'thread')} (up to ${row.clientsPerThread} per thread)`;
}

const spreadIds = new Set(['wall', 'throughput', 'cpu', 'first-enter']);
const percentileIds = new Set(['wait-p50', 'wait-p99', 'handoff-gap', 'hold', 'hold-over']);

const unstableNote =
  `${UNSTABLE_MARK}: the repetitions' wall times disagree (standard deviation ${UNSTABLE_STDEV_PERCENT}% of the mean or more, or the minimum or maximum ` +
  `${OUTLIER_PERCENT}% or more from it, pyperf's checks): rerun on an idle machine or with more repetitions before trusting the median.`;

const notConvergedNote =
  `${NOT_CONVERGED_MARK}: the median wall time did not converge: its 95% interval (order statistics) was not within 1% of the median (or 2 ms) ` +
  'when the row stopped, at the cap (--repeat) or before the 6 repetitions a 95% interval needs; compare such rows with care.';

const busyNote =
  `${BUSY_MARK}: some of the row's repetitions ran while other processes used more than ${BUSY_CORES} of a core on average ` +
  '(sampled from /proc during each repetition; how many is in the busy column and in the JSON as busyRepetitions): its figures may be slower than this machine can do.';

/**
 * What the given columns mean, as one paragraph for under a table that shows them: each column's
 * note once, the note on spreads when one is shown, on pooled percentiles when one is, on unstable
 * rows when `unstable` (some row was marked), on rows that did not converge when `unconverged`, and
 * on rows with busy repetitions when `busy`.
 */
export function legendFor(columns: readonly Column[], unstable: boolean, unconverged = false, busy = false): string {
  const notes: string[] = [];
  const add = (note: string) => {
    if (note !== '' && !notes.includes(note)) notes.push(note);
  };
  for (const column of columns) {
    add(column.note);
    if (spreadIds.has(column.id)) add('wall, throughput, CPU and first enter: median [min–max] over repetitions.');
    if (percentileIds.has(column.id)) add('Percentiles pooled over repetitions, p99 only from 100 samples or more.');
  }
  if (unstable && columns.some((c) => c.id === 'wall' || c.id === 'throughput')) add(unstableNote);
  if (unconverged && columns.some((c) => c.id === 'wall' || c.id === 'throughput' || c.id === 'precision')) add(notConvergedNote);
  if (busy && columns.some((c) => c.id === 'wall' || c.id === 'throughput' || c.id === 'busy')) add(busyNote);
  return notes.join(' ');
}

/** What every column means, printed under the Markdown tables. */
export const legend = legendFor([...common, ...Object.values(specific).flat()], true, true, true);

/** Splits rows into one group per table (workload × latency × clients), in order. */
export function tableGroups(rows: readonly ResultRow[]): ResultRow[][] {
  const groups = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const key = `${row.workload}/${row.latency}/${row.clients}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}
