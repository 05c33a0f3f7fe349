import { max, median, min, quantile } from 'simple-statistics';
import { strategies, type StrategyName } from '../../strategies/registry.ts';
import type { Strategy } from '../../strategies/strategy.ts';
import { processGroups } from '../runners/process-layout.ts';
import type { RunnerName } from '../runners/runner.ts';
import { loadedStrategy } from '../runners/strategy-loader.ts';
import type { LatencyName } from '../workloads/latency.ts';
import type { CompletedRun, RunResult, RunSettings } from '../runners/run.ts';
import { workloads, type WorkloadName } from '../workloads/registry.ts';
import { precisionOf, type RowPrecision } from './precision.ts';
import { stateLocationOn } from '../reports/file-system.ts';
import type { RepetitionLoad } from '../reports/load-sampler.ts';
import type { KeptHistory } from '../histories/run-history.ts';

/** A central figure with its spread over repetitions. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Percentiles of a sample pooled over a row's repetitions, ms. */
export interface Percentiles {
  readonly p50: number | null;
  /** Only from at least {@link MIN_SAMPLES_FOR_P99} samples; null otherwise. */
  readonly p99: number | null;
  readonly max: number | null;
  readonly samples: number;
}

/**
 * `not applicable`: the strategy cannot serve the runner or the workload (its reach ends inside
 * one process; its server-side operation is another workload's); `skipped`: its server did not
 * answer. Either way nothing was run, and the reason says why.
 */
export type Verdict = 'correct' | 'incorrect' | 'failed' | 'not applicable' | 'skipped';

/** Why a row was not run: its verdict and reason. */
export interface NotRun {
  readonly verdict: 'not applicable' | 'skipped';
  readonly reason: string;
}

/** One repetition, as kept in the JSON. */
export interface RunRecord {
  readonly repetition: number;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  readonly wallMs: number | null;
  readonly clientsPerThread: readonly number[];
  readonly violations: number | null;
  readonly aborts: number | null;
  readonly figures: Record<string, number | null> | null;
  /** ticket-rush: whether the clients' history is linearizable (see `histories/run-history.ts`); null otherwise or when the run failed. */
  readonly linearizable: 'yes' | 'no' | 'unknown' | null;
  /** Other processes' CPU during this repetition, sampled while it ran (see `reports/load-sampler.ts`); absent when not sampled. */
  readonly load?: RepetitionLoad;
  /**
   * First client thread or process started to the last one ended, ms, start-up included; null
   * when the repetition failed or ran in client processes kept from an earlier one (see
   * `runners/process-pool.ts`); absent in files written before processes were kept.
   */
  readonly programWallMs?: number | null;
}

/** One strategy on one workload, latency profile and client count, over its repetitions. */
export interface ResultRow {
  readonly workload: WorkloadName;
  readonly strategy: StrategyName;
  readonly paradigm: string;
  readonly guarantee: string;
  /**
   * The strategy's guarantee covers what the workload needs, so anything but `correct` is a
   * defect of the strategy (for `none`, and `optimistic` on ordered-print, it is the expected result).
   */
  readonly covered: boolean;
  /** The strategy's "state lives in", its "(disk)" told as the run folder's file system was ("in memory: tmpfs"; see `reports/file-system.ts`). */
  readonly stateLocation: string;
  /**
   * What the strategy told the row about how it ran (a fallback it took: see `ClientEnv.note`),
   * each once over the completed repetitions; absent when none. Never part of the verdict.
   */
  readonly notes?: readonly string[];
  readonly latency: LatencyName;
  /** Where the clients ran: worker threads of one process, or processes of their own. */
  readonly runner: RunnerName;
  readonly clients: number;
  /** Requests each client made one after another in a repetition (the tutorial: 1; see `suites/run-length.ts`); absent in files written before it could be more. */
  readonly requestsPerClient?: number;
  /** The simulated network round trip to the servers, ms (0: direct; absent in rows written before it existed). */
  readonly rttMs?: number;
  /** Worker threads of the client pool (threads runner). */
  readonly threads: number;
  /** Client processes (processes runner); null under the threads runner. */
  readonly processes: number | null;
  /** ceil(clients / threads): the most clients a pool thread runs at once. */
  readonly clientsPerThread: number;
  readonly tickets: number;
  readonly repetitions: number;
  /**
   * How precisely the median wall time is known: its 95% order-statistic interval over the
   * completed repetitions and whether it converged (within 1% or 2 ms; see `precision.ts`). Null
   * when no repetition completed; absent in files written before the suite stopped on precision.
   */
  readonly precision?: RowPrecision | null;
  /**
   * Repetitions run while other processes kept more than half a core busy on average (see
   * `reports/load-sampler.ts`); null when no repetition's load could be sampled; absent in files
   * written before the load was sampled per repetition.
   */
  readonly busyRepetitions?: number | null;
  /** Release of the start barrier to the last client's end, ms. Null if every repetition failed. */
  readonly wallMs: Spread | null;
  /** Critical sections completed per second of wall time, ops/s. */
  readonly throughput: Spread | null;
  /** CPU time of the process (all threads), or of the runner and every client process, from the release to the last client's end, ms. */
  readonly cpuMs: Spread | null;
  /**
   * From the first client thread or process started to the last one ended, ms: under the
   * processes runner the figure the tutorial's own program measures, start-up included, from the
   * repetitions that started their own processes (in the suite, a row's first; the others reuse
   * kept processes and have none: see each run's `programWallMs`).
   */
  readonly programWallMs: Spread | null;
  /** From the release to the first critical section's enter, ms. */
  readonly firstEnterMs: Spread | null;
  /** Median wall time / `none`'s median wall time in the same group; null without a `none` row. */
  readonly slowdown: number | null;
  /** Request to enter, pooled over repetitions. */
  readonly waitMs: Percentiles;
  /** Exit of one critical section to the enter of the next while a client waited, pooled. */
  readonly handoffGapMs: Percentiles;
  /** Enter to exit, pooled. */
  readonly holdMs: Percentiles;
  /** Hold minus its nominal simulated latency, pooled: what the harness and the machine add. */
  readonly holdOvershootMs: Percentiles;
  readonly verdict: Verdict;
  /**
   * ticket-rush: whether every repetition's client history is linearizable against the ticket
   * counter: `no` if any is not, `unknown` if any check ran out of budget, `yes` otherwise; null
   * for other workloads or when no repetition completed.
   */
  readonly linearizable: 'yes' | 'no' | 'unknown' | null;
  /** Why the verdict is not `correct`, in the worst repetition (each repetition's are in `runs`). */
  readonly reasons: readonly string[];
  /**
   * Mutual-exclusion violations (overlapping committed critical sections) in the worst repetition;
   * null for a strategy that does not promise mutual exclusion (optimistic: bodies overlap by design).
   */
  readonly violations: number | null;
  /**
   * Why `violations` is null: `optimistic` (bodies of a strategy that promises serializable
   * commits overlap by design), `in server` (its critical section runs inside a server: no
   * stamps), `failed` (the worst repetition failed: no log), `not run` (not applicable or
   * skipped); null when there is a figure. Absent in rows written before it existed.
   */
  readonly violationsNote?: ViolationsNote | null;
  /** Critical sections committed, over all repetitions. */
  readonly commits: number;
  /** Attempts aborted on a conflict and retried, over all repetitions (0 for locks). */
  readonly aborts: number;
  /** The most retries any one client needed, over all repetitions. */
  readonly maxRetries: number;
  /** Departures from first-come, first-served (see `LogAnalysis.inversions`), most in one repetition. */
  readonly inversions: number;
  // ticket-rush, from the worst repetition
  readonly sold?: number;
  readonly oversold?: number;
  readonly finalCount?: number | null;
  readonly lostUpdates?: number | null;
  readonly tornReads?: number;
  readonly tornReadsInside?: number;
  // ordered-print, from the worst repetition
  readonly interleaved?: number;
  readonly runs: readonly RunRecord[];
  /**
   * ticket-rush: the client history of one repetition, for drawing (`results/report.html`): the
   * first whose history is not linearizable, else the first unknown, else the first checked. Null
   * for other workloads, when none was checked, or when it had more than `MAX_KEPT_OPERATIONS`
   * operations; absent in files written before histories were kept.
   */
  readonly history?: KeptHistory | null;
}

/** Why a row has no violations figure (see {@link ResultRow.violationsNote}). */
export type ViolationsNote = 'optimistic' | 'in server' | 'failed' | 'not run';

/** Why a row's violations figure is missing, from what it promises and how it ran; null when it has one. */
export function violationsNote(strategy: Pick<Strategy, 'guarantee' | 'runsIn'>, notRun: NotRun | null, worst: RunRecord | undefined): ViolationsNote | null {
  if (notRun !== null) return 'not run';
  if (strategy.guarantee === 'serializable commits') return strategy.runsIn === 'server' ? 'in server' : 'optimistic';
  return worst === undefined || worst.violations === null ? 'failed' : null;
}

/** Fewer samples than this and no p99 is printed: it would just be the maximum. */
export const MIN_SAMPLES_FOR_P99 = 100;

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const xs = [...values];
  return { median: median(xs), min: min(xs), max: max(xs) };
}

/** p50, p99 (from enough samples), max and count of `values`. */
export function percentiles(values: readonly number[]): Percentiles {
  const xs = [...values];
  if (xs.length === 0) return { p50: null, p99: null, max: null, samples: 0 };
  return {
    p50: quantile(xs, 0.5),
    p99: xs.length >= MIN_SAMPLES_FOR_P99 ? quantile(xs, 0.99) : null,
    max: max(xs),
    samples: xs.length,
  };
}

function record(run: RunResult, repetition: number): RunRecord {
  if (run.status === 'failed') {
    return { repetition, verdict: 'failed', reasons: [run.error], wallMs: null, clientsPerThread: [], violations: null, aborts: null, figures: null, linearizable: null };
  }
  const { workload, ...figures } = run.check.figures;
  return {
    repetition,
    verdict: run.problems.length === 0 ? 'correct' : 'incorrect',
    reasons: run.problems,
    wallMs: run.wallMs,
    clientsPerThread: run.clientsPerThread,
    violations: run.log.violations,
    aborts: run.log.aborts,
    figures,
    linearizable: run.linearizable?.verdict ?? null,
    programWallMs: run.programWallMs,
  };
}

const severity: Record<Verdict, number> = { 'not applicable': -1, skipped: -1, correct: 0, incorrect: 1, failed: 2 };

/** The worst of some repetitions: failed before incorrect before correct, then the most reasons. */
export function worstOf<T extends { readonly verdict: Verdict; readonly reasons: readonly string[] }>(runs: readonly T[]): T | undefined {
  return [...runs].sort((a, b) => severity[b.verdict] - severity[a.verdict] || b.reasons.length - a.reasons.length)[0];
}

/**
 * Folds the repetitions of one setting into a row: performance as median with min–max over
 * repetitions, latency percentiles pooled over them, and correctness figures from the worst
 * repetition (failed before incorrect before correct; then the most reasons).
 */
export function summarise(settings: RunSettings, runs: readonly RunResult[], notRunAs: NotRun | string | null = null, loads: readonly (RepetitionLoad | undefined)[] = []): ResultRow {
  // A bare reason is a "not applicable" one.
  const notRun = typeof notRunAs === 'string' ? { verdict: 'not applicable' as const, reason: notRunAs } : notRunAs;
  const records = runs.map((run, i) => {
    const load = loads[i];
    return load === undefined ? record(run, i + 1) : { ...record(run, i + 1), load };
  });
  const sampled = loads.filter((l): l is RepetitionLoad => l !== undefined && l.otherCores !== null);
  const runner = settings.runner ?? 'threads';
  const completed = runs.flatMap((run) => (run.status === 'completed' ? [run] : []));
  const worst = worstOf(records);
  const walls = completed.map((run) => run.wallMs);
  const perClient = settings.requestsPerClient ?? 1;
  const requests = settings.clients * perClient;
  const strategy = (strategies as Record<string, Strategy>)[settings.strategy] ?? loadedStrategy(settings.strategy);
  if (strategy === undefined) throw new Error(`no strategy named ${settings.strategy}`);
  return {
    workload: settings.workload,
    strategy: settings.strategy,
    paradigm: strategy.paradigm,
    guarantee: strategy.guarantee,
    covered: strategy.guarantee === 'mutual exclusion' || strategy.guarantee === workloads[settings.workload].needs,
    stateLocation: stateLocationOn(strategy.stateLocation, completed.find((run) => run.folderFileSystem != null)?.folderFileSystem ?? undefined),
    ...notesOf(completed),
    latency: settings.latency.name,
    runner,
    clients: settings.clients,
    requestsPerClient: perClient,
    rttMs: settings.rttMs ?? 0,
    threads: settings.threads,
    processes: runner === 'processes' ? processGroups(settings.clients, settings.processes ?? settings.clients, settings.fault !== null).length : null,
    clientsPerThread: Math.ceil(settings.clients / (runner === 'processes' ? (settings.processes ?? settings.clients) : settings.threads)),
    tickets: settings.tickets,
    repetitions: runs.length,
    precision: notRun !== null ? null : precisionOf(walls),
    busyRepetitions: sampled.length === 0 ? null : sampled.filter((l) => l.busy).length,
    wallMs: spread(walls),
    throughput: spread(walls.map((ms) => requests / (ms / 1000))),
    cpuMs: spread(completed.map((run) => run.cpuMs)),
    programWallMs: spread(completed.flatMap((run) => (run.programWallMs === null ? [] : [run.programWallMs]))),
    firstEnterMs: spread(completed.flatMap((run) => (run.firstEnterMs === null ? [] : [run.firstEnterMs]))),
    slowdown: null,
    waitMs: percentiles(completed.flatMap((run) => run.log.waitsMs)),
    handoffGapMs: percentiles(completed.flatMap((run) => run.log.handoffGapsMs)),
    holdMs: percentiles(completed.flatMap((run) => run.log.holdsMs)),
    holdOvershootMs: percentiles(completed.flatMap((run) => run.log.holdOvershootsMs)),
    verdict: notRun !== null ? notRun.verdict : (worst?.verdict ?? 'failed'),
    reasons: notRun !== null ? [notRun.reason] : (worst?.reasons ?? []),
    linearizable: worstLinearizable(records),
    violations: strategy.guarantee === 'serializable commits' || notRun !== null ? null : (worst?.violations ?? null),
    violationsNote: violationsNote(strategy, notRun, worst),
    commits: completed.reduce((sum, run) => sum + requests - run.log.missing, 0),
    aborts: completed.reduce((sum, run) => sum + run.log.aborts, 0),
    maxRetries: completed.reduce((most, run) => Math.max(most, run.log.maxRetries), 0),
    inversions: completed.reduce((most, run) => Math.max(most, run.log.inversions), 0),
    ...(worst?.figures ?? {}),
    runs: records,
    history: keptHistoryOf(runs, settings.tickets),
  };
}

/** The history a row keeps (see {@link ResultRow.history}). */
function keptHistoryOf(runs: readonly RunResult[], tickets: number): KeptHistory | null {
  const checked = runs.flatMap((run, i) => (run.status === 'completed' && run.linearizable !== null ? [{ figure: run.linearizable, repetition: i + 1 }] : []));
  const chosen = checked.find((c) => c.figure.verdict === 'no') ?? checked.find((c) => c.figure.verdict === 'unknown') ?? checked[0];
  if (chosen === undefined || chosen.figure.history === null) return null;
  return { repetition: chosen.repetition, tickets, operations: chosen.figure.history };
}

/** Over repetitions: `no` before `unknown` before `yes`; null when none was checked. */
/** The notes of the completed runs, each once in first-told order, as the row's `notes`; {} when none. */
function notesOf(runs: readonly CompletedRun[]): { notes?: readonly string[] } {
  const notes = [...new Set(runs.flatMap((run) => run.notes ?? []))];
  return notes.length === 0 ? {} : { notes };
}

function worstLinearizable(records: readonly RunRecord[]): ResultRow['linearizable'] {
  const seen = records.map((r) => r.linearizable);
  if (seen.includes('no')) return 'no';
  if (seen.includes('unknown')) return 'unknown';
  return seen.includes('yes') ? 'yes' : null;
}

/** Sets each row's slowdown against the `none` row of the same workload, latency, runner and clients. */
export function withSlowdowns(rows: readonly ResultRow[]): ResultRow[] {
  return rows.map((row) => {
    const baseline = rows.find(
      (r) => r.strategy === 'none' && r.workload === row.workload && r.latency === row.latency && r.runner === row.runner && r.clients === row.clients,
    );
    const slowdown = baseline?.wallMs && row.wallMs ? row.wallMs.median / baseline.wallMs.median : null;
    return { ...row, slowdown };
  });
}
