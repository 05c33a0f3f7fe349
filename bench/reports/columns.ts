import { latencyProfiles } from '../workloads/latency.ts';
import type { Percentiles, ResultRow, Spread } from '../suites/summary.ts';
import type { WorkloadName } from '../workloads/registry.ts';

/** A table column: its header (with the unit) and how a row fills it. */
export interface Column {
  readonly header: string;
  readonly cell: (row: ResultRow) => string;
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
  return row.verdict === 'correct' ? 'correct' : `${row.verdict}: ${row.reasons.join('; ')}`;
}

const common: readonly Column[] = [
  { header: 'strategy', cell: (r) => r.strategy },
  { header: 'state lives in', cell: (r) => r.stateLocation },
  { header: 'verdict', cell: verdictCell },
  { header: 'wall (ms) median [min–max]', cell: (r) => formatSpread(r.wallMs) },
  { header: 'throughput (ops/s) median [min–max]', cell: (r) => formatSpread(r.throughput) },
  { header: 'CPU (ms) median [min–max]', cell: (r) => formatSpread(r.cpuMs) },
  { header: 'first enter after release (ms)', cell: (r) => formatSpread(r.firstEnterMs) },
  { header: 'slowdown vs none (×)', cell: (r) => (r.slowdown === null ? '–' : r.slowdown.toFixed(2)) },
  { header: 'wait p50 (ms)', cell: (r) => formatPercentile(r.waitMs, 'p50') },
  { header: 'wait p99 (ms)', cell: (r) => formatPercentile(r.waitMs, 'p99') },
  { header: 'handoff gap p50 (ms)', cell: (r) => formatPercentile(r.handoffGapMs, 'p50') },
  { header: 'hold p50 (ms)', cell: (r) => formatPercentile(r.holdMs, 'p50') },
  { header: 'hold over nominal p50 (ms)', cell: (r) => formatPercentile(r.holdOvershootMs, 'p50') },
  { header: 'violations (count)', cell: (r) => (r.violations === null ? 'n/a: optimistic' : String(r.violations)) },
  { header: 'FIFO inversions (pairs)', cell: (r) => String(r.inversions) },
  { header: 'aborts (count)', cell: (r) => String(r.aborts) },
  { header: 'max retries (per client)', cell: (r) => String(r.maxRetries) },
];

const specific: Record<WorkloadName, readonly Column[]> = {
  'ticket-rush': [
    { header: 'sold (tickets)', cell: (r) => count(r.sold) },
    { header: 'oversold (tickets)', cell: (r) => count(r.oversold) },
    { header: 'final count (tickets)', cell: (r) => count(r.finalCount) },
    { header: 'lost updates (count)', cell: (r) => count(r.lostUpdates) },
    { header: 'torn reads (count)', cell: (r) => count(r.tornReads) },
    { header: 'torn inside CS (count)', cell: (r) => count(r.tornReadsInside) },
  ],
  'ordered-print': [{ header: 'interleaved (clients)', cell: (r) => count(r.interleaved) }],
  noop: [],
};

/** The columns of a workload's table. */
export function columnsFor(workload: WorkloadName): readonly Column[] {
  return [...common, ...specific[workload]];
}

/** The line above a table: what was run, with which settings. */
export function tableTitle(rows: readonly ResultRow[]): string {
  const first = rows[0];
  if (first === undefined) return '';
  const latency = latencyProfiles[first.latency];
  const rush = first.workload === 'ticket-rush';
  const tickets = rush ? ` · ${plural(first.tickets, 'ticket')}` : '';
  const nominal = rush ? `read ${latency.readMs} ms, write ${latency.writeMs} ms` : `sleep 0–${latency.printMaxMs} ms`;
  return (
    `${first.workload} · latency ${latency.name} (${nominal}) · ` +
    `${plural(first.clients, 'client')} on ${plural(first.threads, 'thread')} (up to ${first.clientsPerThread} per thread)${tickets} · ` +
    `${plural(first.repetitions, 'repetition')}`
  );
}

/** What the columns mean, printed under every table. */
export const legend =
  'wall: release of the start barrier to the last client\'s end; throughput: critical sections per second of wall time; ' +
  'CPU: user + system time of the whole process (all threads) over the same interval, the cost of waiting included; ' +
  'first enter: from the release to the first critical section (first-use costs are paid before the release); ' +
  'all four median [min–max] over repetitions. wait: request to enter; handoff gap: one exit to the next enter while a client waited; ' +
  'hold: enter to exit; hold over nominal: hold minus the simulated latency it was meant to take (the file access, timers and scheduling); percentiles pooled over repetitions, p99 only from 100 samples or more. ' +
  'Verdict and correctness counts come from the event log and the final db of the worst repetition. ' +
  'FIFO inversions: pairs of clients where one asked over 1 ms before the other yet entered after it (most in one repetition). ' +
  'aborts: optimistic attempts that found the state changed and retried, over all repetitions; an optimistic strategy promises serializable commits, not mutual exclusion, so its overlaps are not violations. ' +
  'Torn reads: db reads that did not parse, in search (outside any critical section, as in the document), inside critical sections, or of the final db; only those inside make a run incorrect.';

/** Splits rows into one group per table (workload × latency × clients), in order. */
export function tableGroups(rows: readonly ResultRow[]): ResultRow[][] {
  const groups = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const key = `${row.workload}/${row.latency}/${row.clients}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}
