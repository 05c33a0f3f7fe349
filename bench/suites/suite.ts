import type { StrategyName } from '../../strategies/registry.ts';
import { latencyProfiles, type LatencyName } from '../workloads/latency.ts';
import { runOnce, threadsFor, type RunResult, type RunSettings } from '../runners/run.ts';
import { summarise, withSlowdowns, type ResultRow } from './summary.ts';
import { workloads, type WorkloadName } from '../workloads/registry.ts';

/** A suite: every selected strategy on every selected workload and latency profile. */
export interface SuiteSettings {
  readonly workloads: readonly WorkloadName[];
  readonly strategies: readonly StrategyName[];
  readonly latencies: readonly LatencyName[];
  /** Clients per run; null: each workload's own default (ordered-print 3, ticket-rush 50). */
  readonly clients: number | null;
  /** Worker threads; a run with fewer clients gets one thread per client. */
  readonly threads: number;
  readonly tickets: number;
  readonly repeat: number;
  /** Seed of ordered-print's sleeps; repetition r uses seed + r − 1, the same for every strategy. */
  readonly seed: number;
}

/** Reported before each run starts. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly settings: RunSettings;
  readonly repetition: number;
  /** Wall time of the suite so far, ms. */
  readonly elapsedMs: number;
}

/**
 * Runs the suite. Within a repetition the strategies run one after another, each in a fresh pool;
 * the order rotates by one strategy per repetition, so no strategy always runs first or after the
 * same neighbour.
 */
export async function runSuite(
  suite: SuiteSettings,
  onProgress: (p: Progress) => void = () => undefined,
  signal?: AbortSignal,
): Promise<ResultRow[]> {
  const started = Date.now();
  const total = suite.workloads.length * suite.latencies.length * suite.repeat * suite.strategies.length;
  let done = 0;
  const rows: ResultRow[] = [];
  for (const workload of suite.workloads) {
    for (const latency of suite.latencies) {
      const clients = suite.clients ?? workloads[workload].defaultClients;
      const settingsOf = (strategy: StrategyName, repetition: number): RunSettings => ({
        workload,
        strategy,
        clients,
        threads: threadsFor(suite.threads, clients),
        tickets: suite.tickets,
        latency: latencyProfiles[latency],
        seed: suite.seed + repetition - 1,
        staggerMs: 0,
        fault: null,
      });
      const results = new Map<StrategyName, RunResult[]>(suite.strategies.map((s) => [s, []]));
      for (let repetition = 1; repetition <= suite.repeat; repetition++) {
        const shift = (repetition - 1) % suite.strategies.length;
        const order = [...suite.strategies.slice(shift), ...suite.strategies.slice(0, shift)];
        for (const strategy of order) {
          const settings = settingsOf(strategy, repetition);
          onProgress({ done, total, settings, repetition, elapsedMs: Date.now() - started });
          results.get(strategy)?.push(await runOnce(settings, signal));
          done++;
        }
      }
      const group = suite.strategies.map((strategy) => summarise(settingsOf(strategy, 1), results.get(strategy) ?? []));
      rows.push(...withSlowdowns(group));
    }
  }
  return rows;
}
