/**
 * Two results files compared row by row: each figure base → new; per row the ratio of the median
 * wall times with an interval built from each side's measured precision, flagged when the whole
 * interval lies beyond a noise threshold (as criterion.rs does: a change must be both outside the
 * measurement's confidence interval and larger than the noise threshold); the geometric mean of the
 * ratios per workload, with an interval; and the settings in which the runs differ.
 *
 * Why not a rank test with a correction over rows: with one changed row among the default suite's
 * 120, any family-wise correction is Bonferroni at rank one, and the exact two-sided Mann-Whitney
 * test's smallest p at 7 repetitions a side (2/C(14,7) = 0.00058) times 120 is above 0.05: a row
 * made twice as slow could never be called. The interval of each row depends only on that row.
 * Source: criterion.rs, "Change detection" in its user guide (the noise threshold, default ±2%,
 * against the confidence interval of the relative change).
 */
import { geometricMean } from 'simple-statistics';
import { medianInterval, type MedianInterval } from './median-interval.ts';
import { mannWhitneyU } from './rank-test.ts';
import type { Report } from './report.ts';
import { repetitionWalls, rowInstability } from './stability.ts';
import type { ResultRow, Spread } from '../suites/summary.ts';
import { notConverged, processesOf, runnerOf } from './columns.ts';

/**
 * The noise threshold, as a fraction: a row is flagged only when the interval of its ratio of
 * medians (new / base) lies wholly above 1 + T (slower) or wholly below 1 − T (faster). 3%, from
 * the committed runs: between two default suites of the same code (results at 62bc400 and
 * 5981664) no ratio interval of a ticket-rush doc row lay beyond 1.005 or below 0.998, while
 * between runs of different machine load (5981664 and 4ee0c0d, 50 processes with server
 * connections beside them) the processes runner's lock rows moved 2.3–5.7% with their whole
 * interval; and a 5% change on a 5.2 s row with a 0.2–0.3% spread (min–max interval, ratio interval
 * about [1.045, 1.055]) must still be seen.
 */
export const NOISE_THRESHOLD = 0.03;

/** The fewest repetitions on each side for a row to be flagged: 3, the fewest a suite row runs. */
export const REPETITIONS_TO_FLAG = 3;

/** One figure of a row in both reports. */
export interface FigureChange {
  readonly base: number | null;
  readonly next: number | null;
  /** (next − base) / base × 100; null when either is missing or base is 0. */
  readonly changePercent: number | null;
  /**
   * The two runs' min–max ranges over repetitions do not overlap (figures with a spread: wall time,
   * throughput; false for the others). Descriptive only: it is not a test (with one repetition
   * every change has it), and no longer marks anything; {@link MatchedRow.test} does.
   */
  readonly beyondSpread: boolean;
}

/**
 * What a row's repetitions say of the change of its wall time (and so of its throughput, their
 * inverse):
 * - `interval`: `ratio` = new median / base median, and the interval [new lower / base upper, new
 *   upper / base lower] from each side's order-statistic interval of the median (see
 *   `median-interval.ts`); `coverage` (0–1) is the chance that both sides' intervals hold their
 *   medians, the product of the two, so at least the chance that the ratio's interval holds the
 *   true ratio; `flag` is `slower` when the lower end is above 1 + {@link NOISE_THRESHOLD},
 *   `faster` when the upper end is below 1 − it, else null; `p` is the two-sided Mann-Whitney U
 *   p-value over the repetitions, uncorrected, for information only (it flags nothing);
 * - `too few`: a side has fewer than {@link REPETITIONS_TO_FLAG} repetitions: the ratio is given,
 *   never flagged;
 * - `no data`: one side has no completed repetition (every one failed, or a file without `runs`),
 *   or a base median of 0.
 */
export type RatioVerdict =
  | {
      readonly kind: 'interval';
      readonly ratio: number;
      readonly lower: number;
      readonly upper: number;
      readonly coverage: number;
      readonly flag: 'slower' | 'faster' | null;
      readonly p: number;
      readonly repetitions: readonly [number, number];
    }
  | { readonly kind: 'too few'; readonly ratio: number; readonly repetitions: readonly [number, number] }
  | { readonly kind: 'no data' };

/** A row present in both reports. */
export interface MatchedRow {
  readonly key: string;
  readonly workload: string;
  readonly latency: string;
  readonly runner: string;
  readonly clients: number;
  readonly threads: number;
  readonly strategy: string;
  readonly wallMs: FigureChange;
  readonly throughput: FigureChange;
  readonly waitP50Ms: FigureChange;
  readonly handoffGapP50Ms: FigureChange;
  /** The ratio of median wall times with its interval, and whether it is flagged. */
  readonly change: RatioVerdict;
  /** Why the base's or the new run's repetitions look unstable (see `stability.ts`); empty when they do not. */
  readonly baseUnstable: readonly string[];
  readonly nextUnstable: readonly string[];
  /** The base's or the new run's median wall time did not converge (see `suites/precision.ts`); false for rows of files written before the rule. */
  readonly baseNotConverged: boolean;
  readonly nextNotConverged: boolean;
  readonly baseVerdict: string;
  readonly nextVerdict: string;
  /** The verdict was `correct` in the base and is anything else now. */
  readonly verdictRegressed: boolean;
  /** Matched with `force` across different settings: this row's, as "threads 2 → 4"; empty when it matched exactly. */
  readonly differences: readonly string[];
}

/** A setting in which the two runs differ, for one workload. */
export interface SettingDifference {
  readonly workload: string;
  readonly setting: string;
  /** The values in each file, joined by " and ". */
  readonly base: string;
  readonly next: string;
}

/** The geometric mean of new / base over a workload's matched rows. */
export interface WorkloadRatio {
  readonly workload: string;
  /** Rows with a median wall time in both files. */
  readonly rows: number;
  /** Of the median wall times: below 1 is faster. */
  readonly wall: number;
  /** Of the median throughputs: above 1 is faster. */
  readonly throughput: number;
  /**
   * The geometric means of the rows' interval ends (lower of the lowers, upper of the uppers): it
   * holds the geometric mean of the true ratios whenever every row's interval holds its ratio (the
   * geometric mean is increasing in each ratio). Null when a row of the workload has no interval
   * (fewer than {@link REPETITIONS_TO_FLAG} repetitions on a side): the mean is then not shown as a
   * figure to trust.
   */
  readonly wallInterval: { readonly lower: number; readonly upper: number } | null;
}

export interface Comparison {
  readonly matched: readonly MatchedRow[];
  /** Keys of rows in one report only (see {@link rowKey}). */
  readonly onlyInBase: readonly string[];
  readonly onlyInNext: readonly string[];
  /** Settings that differ between the runs; empty when they agree. */
  readonly differences: readonly SettingDifference[];
  /** Rows were matched across {@link differences} (`force`). */
  readonly forced: boolean;
  /** The noise threshold, a fraction (see {@link NOISE_THRESHOLD}). */
  readonly threshold: number;
  /** Rows flagged slower or faster. */
  readonly slower: readonly MatchedRow[];
  readonly faster: readonly MatchedRow[];
  readonly ratios: readonly WorkloadRatio[];
}

/** The settings that identify a row, read loosely: files written before `runner` and `processes` existed ran on threads. */
function settingsOf(row: ResultRow, report: Report): Record<string, string> {
  const processes = processesOf(row);
  const all: Record<string, string> = {
    latency: row.latency,
    runner: runnerOf(row),
    clients: String(row.clients),
    threads: String(row.threads),
    processes: processes === null ? '–' : String(processes),
    tickets: String(row.tickets ?? '–'),
    seed: String((report.settings as Partial<Report['settings']> | undefined)?.seed ?? '–'),
  };
  // Tickets change only ticket-rush, the seed only ordered-print's sleeps.
  if (row.workload !== 'ticket-rush') delete all.tickets;
  if (row.workload !== 'ordered-print') delete all.seed;
  return all;
}

/**
 * What identifies a row across reports: workload/latency[/runner]/clients/threads[/rtt]/strategy
 * (the runner only when it is not threads, the round trip to the servers only when there was one).
 */
export function rowKey(row: ResultRow): string {
  const runner = runnerOf(row);
  const rtt = (row.rttMs ?? 0) > 0 ? `rtt ${row.rttMs} ms/` : '';
  return `${row.workload}/${row.latency}/${runner === 'threads' ? '' : `${runner}/`}${row.clients} clients/${row.threads} threads/${rtt}${row.strategy}`;
}

/**
 * The settings in which two runs differ, per workload run by both: latency profile, runner,
 * clients, threads, processes, tickets (ticket-rush) and seed (ordered-print), each compared as the
 * set of values over the workload's rows. Figures measured under different settings are not a
 * change of the code.
 */
export function settingDifferences(base: Report, next: Report): SettingDifference[] {
  const differences: SettingDifference[] = [];
  const workloads = [...new Set(base.rows.map((r) => r.workload))].filter((w) => next.rows.some((r) => r.workload === w));
  for (const workload of workloads) {
    const values = (report: Report) => {
      const out = new Map<string, Set<string>>();
      for (const row of report.rows.filter((r) => r.workload === workload)) {
        for (const [setting, value] of Object.entries(settingsOf(row, report))) out.set(setting, (out.get(setting) ?? new Set()).add(value));
      }
      return out;
    };
    const [b, n] = [values(base), values(next)];
    for (const [setting, baseValues] of b) {
      const nextValues = n.get(setting) ?? new Set<string>();
      const same = baseValues.size === nextValues.size && [...baseValues].every((v) => nextValues.has(v));
      if (!same) differences.push({ workload, setting, base: [...baseValues].join(' and '), next: [...nextValues].join(' and ') || 'none' });
    }
  }
  return differences;
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

function pointChange(base: number | null | undefined, next: number | null | undefined): FigureChange {
  const [b, n] = [base ?? null, next ?? null];
  return { base: b, next: n, changePercent: change(b, n), beyondSpread: false };
}

/** Pairs of rows, exact matches first; with `force`, then rows equal in all but the differing settings, one to one. */
function pairRows(base: Report, next: Report, differences: readonly SettingDifference[], force: boolean): [ResultRow, ResultRow, string[]][] {
  const pairs: [ResultRow, ResultRow, string[]][] = [];
  const used = new Set<ResultRow>();
  const nextByKey = new Map(next.rows.map((row) => [rowKey(row), row]));
  const unmatched: ResultRow[] = [];
  for (const b of base.rows) {
    const n = nextByKey.get(rowKey(b));
    if (n !== undefined && !used.has(n)) {
      used.add(n);
      pairs.push([b, n, []]);
    } else unmatched.push(b);
  }
  if (!force) return pairs;
  for (const b of unmatched) {
    const differing = new Set(differences.filter((d) => d.workload === b.workload).map((d) => d.setting));
    const mine = settingsOf(b, base);
    const candidates = next.rows.filter((n) => {
      if (used.has(n) || n.workload !== b.workload || n.strategy !== b.strategy) return false;
      const theirs = settingsOf(n, next);
      return Object.keys(mine).every((s) => differing.has(s) || mine[s] === theirs[s]);
    });
    const [only] = candidates;
    if (only === undefined || candidates.length > 1) continue;
    used.add(only);
    const theirs = settingsOf(only, next);
    pairs.push([b, only, Object.keys(mine).filter((s) => mine[s] !== theirs[s]).map((s) => `${s} ${mine[s]} → ${theirs[s]}`)]);
  }
  return pairs;
}

/**
 * The change of a row's wall time from the base's repetitions `base` to the new run's `next` (ms,
 * one value per completed repetition), with its interval and flag (see {@link RatioVerdict}).
 */
export function ratioVerdict(base: readonly number[], next: readonly number[], threshold = NOISE_THRESHOLD): RatioVerdict {
  const [b, n] = [medianInterval(base), medianInterval(next)];
  if (b === null || n === null || b.median <= 0) return { kind: 'no data' };
  const ratio = n.median / b.median;
  const repetitions = [b.n, n.n] as const;
  if (b.n < REPETITIONS_TO_FLAG || n.n < REPETITIONS_TO_FLAG) return { kind: 'too few', ratio, repetitions };
  const [lower, upper] = ratioBounds(b, n);
  const flag = lower > 1 + threshold ? 'slower' : upper < 1 - threshold ? 'faster' : null;
  return { kind: 'interval', ratio, lower, upper, coverage: b.coverage * n.coverage, flag, p: mannWhitneyU(base, next).p, repetitions };
}

/** [new lower / base upper, new upper / base lower]; the upper end is infinite when the base's lower end is 0. */
function ratioBounds(b: MedianInterval, n: MedianInterval): [number, number] {
  return [n.lower / b.upper, b.lower > 0 ? n.upper / b.lower : Number.POSITIVE_INFINITY];
}

/**
 * Matches the rows of two reports by workload, latency, runner, clients, threads and strategy
 * (with `force`, also across the settings in which the runs differ) and compares them: each row's
 * ratio of medians with its interval, flagged on that row's own precision and the noise threshold
 * alone, with no correction over rows.
 */
export function compareReports(base: Report, next: Report, options: { readonly force?: boolean } = {}): Comparison {
  const force = options.force === true;
  const differences = settingDifferences(base, next);
  const pairs = pairRows(base, next, differences, force);
  const matched: MatchedRow[] = pairs.map(([b, n, rowDifferences]) => ({
    key: rowKey(b),
    workload: b.workload,
    latency: b.latency,
    runner: runnerOf(b),
    clients: b.clients,
    threads: b.threads,
    strategy: b.strategy,
    wallMs: spreadChange(b.wallMs, n.wallMs),
    throughput: spreadChange(b.throughput, n.throughput),
    waitP50Ms: pointChange(b.waitMs?.p50, n.waitMs?.p50),
    handoffGapP50Ms: pointChange(b.handoffGapMs?.p50, n.handoffGapMs?.p50),
    change: ratioVerdict(repetitionWalls(b), repetitionWalls(n)),
    baseUnstable: rowInstability(b),
    nextUnstable: rowInstability(n),
    baseNotConverged: notConverged(b),
    nextNotConverged: notConverged(n),
    baseVerdict: b.verdict,
    nextVerdict: n.verdict,
    verdictRegressed: b.verdict === 'correct' && n.verdict !== 'correct',
    differences: rowDifferences,
  }));
  const pairedBase = new Set(pairs.map(([b]) => b));
  const pairedNext = new Set(pairs.map(([, n]) => n));
  const flagged = (flag: 'slower' | 'faster') => matched.filter((m) => m.change.kind === 'interval' && m.change.flag === flag);
  return {
    matched,
    onlyInBase: base.rows.filter((r) => !pairedBase.has(r)).map(rowKey),
    onlyInNext: next.rows.filter((r) => !pairedNext.has(r)).map(rowKey),
    differences,
    forced: force && differences.length > 0,
    threshold: NOISE_THRESHOLD,
    slower: flagged('slower'),
    faster: flagged('faster'),
    ratios: workloadRatios(matched),
  };
}

/**
 * Per workload, in order of appearance: the geometric means of new / base of the median wall times
 * and throughputs, and the interval of the wall's (see {@link WorkloadRatio.wallInterval}).
 */
export function workloadRatios(matched: readonly MatchedRow[]): WorkloadRatio[] {
  const out: WorkloadRatio[] = [];
  for (const workload of [...new Set(matched.map((m) => m.workload))]) {
    const rows = matched.filter((m) => {
      const { base: bw, next: nw } = m.wallMs;
      const { base: bt, next: nt } = m.throughput;
      return m.workload === workload && bw !== null && nw !== null && bt !== null && nt !== null && bw > 0 && nw > 0 && bt > 0 && nt > 0;
    });
    if (rows.length === 0) continue;
    const ratio = (c: FigureChange) => (c.next ?? 0) / (c.base ?? 1);
    const intervals = rows.flatMap((m) => (m.change.kind === 'interval' && Number.isFinite(m.change.upper) && m.change.lower > 0 ? [m.change] : []));
    const wallInterval = intervals.length === rows.length ? { lower: geometricMean(intervals.map((i) => i.lower)), upper: geometricMean(intervals.map((i) => i.upper)) } : null;
    out.push({ workload, rows: rows.length, wall: geometricMean(rows.map((m) => ratio(m.wallMs))), throughput: geometricMean(rows.map((m) => ratio(m.throughput))), wallInterval });
  }
  return out;
}
