/**
 * Two results files compared row by row: each figure base → new, a rank test over the
 * repetitions' wall times that knows the runs' noise, the geometric mean of the ratios per
 * workload, and the settings in which the runs differ.
 */
import { geometricMean } from 'simple-statistics';
import { holm, mannWhitneyU, repetitionsNeeded, smallestP } from './rank-test.ts';
import type { Report } from './report.ts';
import { repetitionWalls, rowInstability } from './stability.ts';
import type { ResultRow, Spread } from '../suites/summary.ts';
import { processesOf, runnerOf } from './columns.ts';

/** The significance level of a comparison: the chance, over all its rows together, of calling a change where there is none. */
export const ALPHA = 0.05;

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
 * What the rank test says of a row's wall times (and so of its throughput, their inverse):
 * - `tested`: the two-sided Mann-Whitney U test over the repetitions, p and Holm-adjusted p (over
 *   every row tested in the comparison), `significant` when the adjusted p is below {@link ALPHA};
 *   `slower` / `faster` by the medians;
 * - `too few`: with these repetitions the test cannot reach α for a row of this comparison even if
 *   every repetition of one run were slower than every one of the other; `needed` is how many, on
 *   each side, it would take;
 * - `no data`: one side has no completed repetition (every one failed, or a file without `runs`).
 */
export type RankVerdict =
  | { readonly kind: 'tested'; readonly p: number; readonly adjustedP: number; readonly significant: boolean; readonly direction: 'slower' | 'faster' | 'same' }
  | { readonly kind: 'too few'; readonly p: number; readonly repetitions: readonly [number, number]; readonly needed: number }
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
  readonly test: RankVerdict;
  /** Why the base's or the new run's repetitions look unstable (see `stability.ts`); empty when they do not. */
  readonly baseUnstable: readonly string[];
  readonly nextUnstable: readonly string[];
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
  /** The significance level, and how many rows the rank test was run on (Holm's family). */
  readonly alpha: number;
  readonly tested: number;
  /** Repetitions per side a row needs for the test to be able to reach α in this comparison. */
  readonly needed: number;
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
 * Matches the rows of two reports by workload, latency, runner, clients, threads and strategy
 * (with `force`, also across the settings in which the runs differ) and compares them. The rank
 * test runs on every matched row with completed repetitions on both sides; Holm's correction over
 * those rows keeps the chance of any false alarm in the whole comparison at {@link ALPHA}.
 */
export function compareReports(base: Report, next: Report, options: { readonly force?: boolean } = {}): Comparison {
  const force = options.force === true;
  const differences = settingDifferences(base, next);
  const pairs = pairRows(base, next, differences, force);
  const samples = pairs.map(([b, n]) => [repetitionWalls(b), repetitionWalls(n)] as const);
  const testedIndex = samples.flatMap(([x, y], i) => (x.length > 0 && y.length > 0 ? [i] : []));
  const raw = testedIndex.map((i) => {
    const [x, y] = samples[i] ?? [[], []];
    return mannWhitneyU(x, y).p;
  });
  const adjusted = holm(raw);
  const threshold = ALPHA / Math.max(1, testedIndex.length);
  const verdictOf = (i: number): RankVerdict => {
    const at = testedIndex.indexOf(i);
    const [x, y] = samples[i] ?? [[], []];
    if (at < 0) return { kind: 'no data' };
    const p = raw[at] ?? 1;
    const adjustedP = adjusted[at] ?? 1;
    const significant = adjustedP < ALPHA;
    if (!significant && smallestP(x.length, y.length) > threshold) {
      return { kind: 'too few', p, repetitions: [x.length, y.length], needed: repetitionsNeeded(threshold) };
    }
    const [pair] = [pairs[i]];
    const [bm, nm] = [pair?.[0].wallMs?.median ?? 0, pair?.[1].wallMs?.median ?? 0];
    return { kind: 'tested', p, adjustedP, significant, direction: nm > bm ? 'slower' : nm < bm ? 'faster' : 'same' };
  };
  const matched: MatchedRow[] = pairs.map(([b, n, rowDifferences], i) => ({
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
    test: verdictOf(i),
    baseUnstable: rowInstability(b),
    nextUnstable: rowInstability(n),
    baseVerdict: b.verdict,
    nextVerdict: n.verdict,
    verdictRegressed: b.verdict === 'correct' && n.verdict !== 'correct',
    differences: rowDifferences,
  }));
  const pairedBase = new Set(pairs.map(([b]) => b));
  const pairedNext = new Set(pairs.map(([, n]) => n));
  return {
    matched,
    onlyInBase: base.rows.filter((r) => !pairedBase.has(r)).map(rowKey),
    onlyInNext: next.rows.filter((r) => !pairedNext.has(r)).map(rowKey),
    differences,
    forced: force && differences.length > 0,
    alpha: ALPHA,
    tested: testedIndex.length,
    needed: repetitionsNeeded(threshold),
    ratios: workloadRatios(matched),
  };
}

/** Per workload, in order of appearance: the geometric means of new / base of the median wall times and throughputs. */
export function workloadRatios(matched: readonly MatchedRow[]): WorkloadRatio[] {
  const out: WorkloadRatio[] = [];
  for (const workload of [...new Set(matched.map((m) => m.workload))]) {
    const ratios = matched
      .filter((m) => m.workload === workload)
      .flatMap((m) => {
        const { base: bw, next: nw } = m.wallMs;
        const { base: bt, next: nt } = m.throughput;
        return bw !== null && nw !== null && bt !== null && nt !== null && bw > 0 && nw > 0 && bt > 0 && nt > 0 ? [[nw / bw, nt / bt] as const] : [];
      });
    if (ratios.length === 0) continue;
    out.push({ workload, rows: ratios.length, wall: geometricMean(ratios.map(([w]) => w)), throughput: geometricMean(ratios.map(([, t]) => t)) });
  }
  return out;
}
