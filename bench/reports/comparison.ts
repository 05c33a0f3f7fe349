import type { Report } from './report.ts';
import type { ResultRow, Spread } from '../suites/summary.ts';
import type { WorkloadName } from '../workloads/registry.ts';

/** One figure of a row in both reports. */
export interface FigureChange {
  readonly base: number | null;
  readonly next: number | null;
  /** (next − base) / base × 100; null when either is missing or base is 0. */
  readonly changePercent: number | null;
  /**
   * The change is larger than the two runs' spread: their min–max ranges do not overlap.
   * Only for figures measured with a spread (wall time, throughput); false otherwise.
   */
  readonly beyondSpread: boolean;
}

/** A row present in both reports. */
export interface MatchedRow {
  readonly key: string;
  readonly workload: WorkloadName;
  readonly latency: string;
  readonly clients: number;
  readonly strategy: string;
  readonly wallMs: FigureChange;
  readonly throughput: FigureChange;
  readonly waitP50Ms: FigureChange;
  readonly handoffGapP50Ms: FigureChange;
  readonly baseVerdict: string;
  readonly nextVerdict: string;
  /** The verdict was `correct` in the base and is anything else now. */
  readonly verdictRegressed: boolean;
}

export interface Comparison {
  readonly matched: readonly MatchedRow[];
  /** Keys (workload/latency/clients clients/threads threads/strategy) of rows in one report only. */
  readonly onlyInBase: readonly string[];
  readonly onlyInNext: readonly string[];
}

/** What identifies a row across reports. */
export function rowKey(row: ResultRow): string {
  return `${row.workload}/${row.latency}/${row.clients} clients/${row.threads} threads/${row.strategy}`;
}

function change(base: number | null, next: number | null): number | null {
  return base === null || next === null || base === 0 ? null : ((next - base) / base) * 100;
}

function spreadChange(base: Spread | null, next: Spread | null): FigureChange {
  const b = base?.median ?? null;
  const n = next?.median ?? null;
  const beyondSpread = base !== null && next !== null && (next.min > base.max || next.max < base.min);
  return { base: b, next: n, changePercent: change(b, n), beyondSpread };
}

function pointChange(base: number | null, next: number | null): FigureChange {
  return { base, next, changePercent: change(base, next), beyondSpread: false };
}

/** Matches the rows of two reports by workload, latency, clients, threads and strategy. */
export function compareReports(base: Report, next: Report): Comparison {
  const nextByKey = new Map(next.rows.map((row) => [rowKey(row), row]));
  const baseKeys = new Set(base.rows.map(rowKey));
  const matched: MatchedRow[] = [];
  for (const b of base.rows) {
    const n = nextByKey.get(rowKey(b));
    if (n === undefined) continue;
    matched.push({
      key: rowKey(b),
      workload: b.workload,
      latency: b.latency,
      clients: b.clients,
      strategy: b.strategy,
      wallMs: spreadChange(b.wallMs, n.wallMs),
      throughput: spreadChange(b.throughput, n.throughput),
      waitP50Ms: pointChange(b.waitMs.p50, n.waitMs.p50),
      handoffGapP50Ms: pointChange(b.handoffGapMs.p50, n.handoffGapMs.p50),
      baseVerdict: b.verdict,
      nextVerdict: n.verdict,
      verdictRegressed: b.verdict === 'correct' && n.verdict !== 'correct',
    });
  }
  return {
    matched,
    onlyInBase: base.rows.map(rowKey).filter((k) => !nextByKey.has(k)),
    onlyInNext: next.rows.map(rowKey).filter((k) => !baseKeys.has(k)),
  };
}
