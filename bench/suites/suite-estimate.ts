/**
 * How long a suite will take, told before it starts: its rows (the strategies each runner and
 * workload can serve, less those skipped), each repeated between the fewest repetitions that can
 * converge (see `precision.ts`) and the cap, at a per-repetition cost measured on a 2-core machine
 * (the figures and how they were measured: docs/measurement-cost.md). An estimate, not a promise:
 * a busier or slower machine takes longer, and a row's repetitions depend on its noise.
 */
import { strategies, type StrategyName } from '../../strategies/registry.ts';
import { outOfReach } from '../runners/reach.ts';
import type { RunnerName } from '../runners/runner.ts';
import type { LatencyName } from '../workloads/latency.ts';
import type { WorkloadName } from '../workloads/registry.ts';
import { CONVERGES_FROM } from './precision.ts';

/**
 * One repetition of a row of the default suite (the workload's own clients, one ticket), s, by
 * group, on a quiet 2-core machine: the group's mean wall time, plus 0.3 s of harness around a
 * repetition in kept threads or processes (run folder, the strategy's setup and teardown, the
 * judgement, the load sampler: 0.15–0.25 s measured for `none` at a load average of 36), plus each
 * row's start-ups shared over 6.5 repetitions (threads: two pool starts of 1.4 s; processes: one
 * start of 3 processes, 0.4 s, or of 50 processes, 5.4 s, as `npm run bench:micro` measured).
 * The mean walls: at `doc`, of the committed `results/default-suite.json` (its latencies are sleeps,
 * so load barely moves them), the strategies added since counted at the wall of their kind (an owner
 * or a compare-and-set: 0.2–0.5 s on ticket-rush); at `zero`, of none, flock, pg-advisory and redis-lease measured at a
 * load average of 35–60 and divided by 2.3 (how much a load of 35 slowed ticket-rush at `zero` under
 * threads against a load under 25). Their arithmetic is in docs/measurement-cost.md. Groups not
 * measured (the `quick` profile) are estimated from `doc` scaled by its latencies (1/10).
 */
export const REPETITION_S: Readonly<Record<`${WorkloadName} ${'doc' | 'zero'} ${RunnerName}`, number>> = {
  'ordered-print doc threads': 2.0,
  'ordered-print doc processes': 1.6,
  'ordered-print zero threads': 2.8,
  'ordered-print zero processes': 0.7,
  'ticket-rush doc threads': 3.3,
  'ticket-rush doc processes': 4.1,
  'ticket-rush zero threads': 2.2,
  'ticket-rush zero processes': 2.8,
  // noop is not a suite workload (bench:micro's): no estimate.
  'noop doc threads': 0,
  'noop doc processes': 0,
  'noop zero threads': 0,
  'noop zero processes': 0,
};

/** The tutorial's Python program, one repetition at `doc` (the reference rows of a suite with processes at doc), s: its program wall in the committed results and 0.5 s of start. */
export const REFERENCE_REPETITION_S: Readonly<Record<WorkloadName, number>> = { 'ordered-print': 2.0, 'ticket-rush': 6.0, noop: 0 };

/** What {@link estimateSuite} needs of a suite. */
export interface EstimatedSuite {
  readonly workloads: readonly WorkloadName[];
  readonly strategies: readonly StrategyName[];
  readonly latencies: readonly LatencyName[];
  readonly runners: readonly RunnerName[];
  /** The cap of repetitions a row runs. */
  readonly repeat: number;
  readonly skipped: Readonly<Record<string, string>>;
}

/** A suite's rows that run, and how long they take at the fewest repetitions that can converge and at the cap, s. */
export interface SuiteEstimate {
  readonly rows: number;
  /** Rows of the grid not run: out of a runner's reach, or skipped. */
  readonly notRun: number;
  readonly fewestS: number;
  readonly mostS: number;
}

/** The cost of one repetition of a row of `workload` at `latency` under `runner`, s (see {@link REPETITION_S}). */
function repetitionS(workload: WorkloadName, latency: LatencyName, runner: RunnerName): number {
  if (latency === 'quick') return REPETITION_S[`${workload} doc ${runner}`] / 10;
  return REPETITION_S[`${workload} ${latency} ${runner}`];
}

/** The rows `suite` runs and its time at the fewest repetitions that can converge and at the cap; see the module's docstring. */
export function estimateSuite(suite: EstimatedSuite): SuiteEstimate {
  let rows = 0;
  let notRun = 0;
  let perRepetitionS = 0;
  for (const workload of suite.workloads) {
    for (const runner of suite.runners) {
      const running = suite.strategies.filter((s) => outOfReach(strategies[s], runner, workload) === null && suite.skipped[s] === undefined).length;
      rows += running * suite.latencies.length;
      notRun += (suite.strategies.length - running) * suite.latencies.length;
      for (const latency of suite.latencies) perRepetitionS += running * repetitionS(workload, latency, runner);
    }
  }
  const references = suite.runners.includes('processes') && suite.latencies.includes('doc') ? suite.workloads.reduce((sum, w) => sum + REFERENCE_REPETITION_S[w], 0) * suite.repeat : 0;
  const fewest = Math.min(CONVERGES_FROM, suite.repeat);
  return { rows, notRun, fewestS: perRepetitionS * fewest + references, mostS: perRepetitionS * suite.repeat + references };
}
