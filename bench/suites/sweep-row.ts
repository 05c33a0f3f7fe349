import { strategies, type StrategyName } from '../../strategies/registry.ts';
import { percentiles, spread, worstOf, type Percentiles, type Spread, type Verdict } from './summary.ts';
import type { RunResult } from '../runners/run.ts';
import type { SweepAxis, SweepPoint } from './sweep.ts';

/** One repetition of a sweep point, as kept in the JSON. */
export interface SweepRun {
  readonly repetition: number;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  /** In the measurement window. */
  readonly throughput: number | null;
  readonly commits: number | null;
  readonly windowMs: number | null;
  readonly jainClients: number | null;
  readonly jainThreads: number | null;
  /** Critical sections acquired in the window by each client (index: client number), and by the clients of each pool thread. */
  readonly perClient: readonly number[];
  readonly perThread: readonly number[];
}

/** One strategy at one point of a sweep, over its repetitions. */
export interface SweepRow {
  readonly axis: SweepAxis;
  /** clients, threads, or inside / outside busy work (see `SweepPoint`). */
  readonly x: number;
  readonly strategy: StrategyName;
  readonly guarantee: string;
  /** The guarantee covers ticket-rush (serializable commits): anything but correct is a defect. */
  readonly covered: boolean;
  readonly clients: number;
  readonly threads: number;
  readonly insideUs: number;
  readonly outsideUs: number;
  readonly repetitions: number;
  /** Critical sections that exited in the window per second, ops/s: median [min–max] over repetitions. */
  readonly throughput: Spread | null;
  /** Waits (request to enter) of the sections that waited during the window (see `WindowFigures.waitsMs`), pooled over repetitions, ms. */
  readonly waitMs: Percentiles;
  /** Holds (enter to exit) of every committed section, pooled, ms. */
  readonly holdMs: Percentiles;
  /** Jain's index over clients and over threads of the acquisitions in the window (see `WindowFigures`), over repetitions; null with too few acquisitions. */
  readonly jainClients: Spread | null;
  readonly jainThreads: Spread | null;
  /** Acquisitions in the window per client, pooled over clients and repetitions: median [min–max]. */
  readonly perClient: Spread | null;
  /** The same per pool thread. */
  readonly perThread: Spread | null;
  /** CPU time of the process over the run / critical sections committed in it, µs per op. */
  readonly cpuPerOpUs: Spread | null;
  readonly verdict: Verdict;
  /** Why not correct, in the worst repetition. */
  readonly reasons: readonly string[];
  readonly runs: readonly SweepRun[];
}

function sweepRun(run: RunResult, repetition: number): SweepRun {
  if (run.status === 'failed' || run.window === null) {
    const reasons = run.status === 'failed' ? [run.error] : ['not a timed run'];
    return { repetition, verdict: 'failed', reasons, throughput: null, commits: null, windowMs: null, jainClients: null, jainThreads: null, perClient: [], perThread: [] };
  }
  const w = run.window;
  return {
    repetition,
    verdict: run.problems.length === 0 ? 'correct' : 'incorrect',
    reasons: run.problems,
    throughput: w.throughput,
    commits: w.commits,
    windowMs: w.toMs - w.fromMs,
    jainClients: w.jainClients,
    jainThreads: w.jainThreads,
    perClient: w.perClient,
    perThread: w.perThread,
  };
}

const present = (xs: readonly (number | null)[]): number[] => xs.flatMap((x) => (x === null ? [] : [x]));

/** Folds the repetitions of one strategy at one sweep point into a row. */
export function summariseSweep(point: SweepPoint, strategy: StrategyName, results: readonly RunResult[]): SweepRow {
  const runs = results.map((r, i) => sweepRun(r, i + 1));
  const completed = results.flatMap((r) => (r.status === 'completed' && r.window !== null ? [r] : []));
  const worst = worstOf(runs);
  const { guarantee } = strategies[strategy];
  return {
    axis: point.axis,
    x: point.x,
    strategy,
    guarantee,
    covered: guarantee !== 'none',
    clients: point.clients,
    threads: point.threads,
    insideUs: point.work.insideUs,
    outsideUs: point.work.outsideUs,
    repetitions: results.length,
    throughput: spread(present(runs.map((r) => r.throughput))),
    waitMs: percentiles(completed.flatMap((r) => r.window?.waitsMs ?? [])),
    holdMs: percentiles(completed.flatMap((r) => r.log.holdsMs)),
    jainClients: spread(present(runs.map((r) => r.jainClients))),
    jainThreads: spread(present(runs.map((r) => r.jainThreads))),
    perClient: spread(runs.flatMap((r) => r.perClient)),
    perThread: spread(runs.flatMap((r) => r.perThread)),
    cpuPerOpUs: spread(completed.filter((r) => r.log.holdsMs.length > 0).map((r) => (r.cpuMs * 1000) / r.log.holdsMs.length)),
    verdict: worst?.verdict ?? 'failed',
    reasons: worst?.reasons ?? [],
    runs,
  };
}
