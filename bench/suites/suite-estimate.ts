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
 * group, from the committed 46-minute run (`results/default-suite.json`, 912 repetitions; the
 * arithmetic is in docs/measurement-cost.md): the group's summed walls over its repetitions, plus
 * its rows' fresh start-ups (program wall less wall of each row's first repetition) over 6
 * repetitions, plus 0.72 s of harness a repetition (what the run's 45 min 57 s leave once walls and
 * start-ups are taken out, shared evenly). The ticket-rush start-ups under processes are halved:
 * a client process now loads only its strategy's server library, which cut the start-up of 50
 * processes by 40–45% at a load of 60 and by about 70% of its CPU on a quiet machine. The `quick`
 * profile is estimated from `doc` scaled by its latencies (1/10).
 */
export const REPETITION_S: Readonly<Record<`${WorkloadName} ${'doc' | 'zero'} ${RunnerName}`, number>> = {
  'ordered-print doc threads': 2.4,
  'ordered-print doc processes': 2.3,
  'ordered-print zero threads': 1.7,
  'ordered-print zero processes': 1.1,
  'ticket-rush doc threads': 3.7,
  'ticket-rush doc processes': 5.0,
  'ticket-rush zero threads': 1.7,
  'ticket-rush zero processes': 2.9,
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
