import { strategies, type StrategyName } from '../../strategies/registry.ts';
import { outOfReach } from '../runners/reach.ts';
import type { RunnerName } from '../runners/runner.ts';
import { latencyProfiles, type LatencyName } from '../workloads/latency.ts';
import { runOnce, threadsFor, type RunResult, type RunSettings } from '../runners/run.ts';
import type { HistorySink } from './history-writer.ts';
import { MIN_REPETITIONS } from './precision.ts';
import { runRounds } from './rounds.ts';
import { requestsPerClient } from './run-length.ts';
import { ProcessPool } from '../runners/process-pool.ts';
import { ThreadPool } from '../runners/thread-pool.ts';
import { startLoadSampler, type RepetitionLoad } from '../reports/load-sampler.ts';
import { summarise, withSlowdowns, type NotRun, type ResultRow } from './summary.ts';
import { delayedServices } from '../engines/delayed-services.ts';
import type { ServiceUrls } from '../engines/services.ts';
import { workloads, type WorkloadName } from '../workloads/registry.ts';
import { addPhase, timed } from './phase-timings.ts';

/** A suite: every selected strategy on every selected workload and latency profile. */
export interface SuiteSettings {
  readonly workloads: readonly WorkloadName[];
  readonly strategies: readonly StrategyName[];
  readonly latencies: readonly LatencyName[];
  /** Clients per run; null: each workload's own default (ordered-print 3, ticket-rush 50). */
  readonly clients: number | null;
  /** Where the clients run: each runner gets its own tables. */
  readonly runners: readonly RunnerName[];
  /** Worker threads (threads runner); a run with fewer clients gets one thread per client. */
  readonly threads: number;
  /** Client processes (processes runner); null: one per client, as in the tutorial. */
  readonly processes: number | null;
  readonly tickets: number;
  /** The most repetitions a row runs: it stops earlier once its wall time's median is known precisely enough (see `precision.ts`). */
  readonly repeat: number;
  /** The fewest repetitions a row runs (at most `repeat`); absent: {@link MIN_REPETITIONS}. */
  readonly minRepeat?: number;
  /** Seed of ordered-print's sleeps; repetition r uses seed + r − 1, the same for every strategy. */
  readonly seed: number;
  /** Where the Redis and PostgreSQL servers are (the URLs given, before any delay proxy). */
  readonly services: ServiceUrls;
  /** The simulated network round trip between clients and servers, ms (0: direct); see `engines/delayed-services.ts`. */
  readonly rttMs: number;
  /** By strategy, why it is skipped (its server did not answer; see `engines/availability.ts`). */
  readonly skipped: Readonly<Record<string, string>>;
  /** Stores that can check fencing tokens do (`--fencing`); absent: false. */
  readonly fencing?: boolean;
}

/** Why `strategy` is not run in this group of rows, or null if it is. */
export function notRunIn(suite: Pick<SuiteSettings, 'skipped'>, strategy: StrategyName, runner: RunnerName, workload: WorkloadName): NotRun | null {
  const limit = outOfReach(strategies[strategy], runner, workload);
  if (limit !== null) return { verdict: 'not applicable', reason: limit };
  const skipped = suite.skipped[strategy];
  return skipped === undefined ? null : { verdict: 'skipped', reason: skipped };
}

/** Reported before each run starts. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly settings: RunSettings;
  readonly repetition: number;
  /** Wall time of the suite so far, ms. */
  readonly elapsedMs: number;
  /** The time the suite's runs still to come will take, ms, by {@link timeLeftMs}; null before the first run ends; absent: told by the mean of every run so far. */
  readonly leftMs?: number | null;
}

/** By runner, the runs made so far and the milliseconds they took. */
export type RunnerTimes = ReadonlyMap<RunnerName, { readonly runs: number; readonly ms: number }>;

/**
 * The time the runs still to come will take, ms: each runner's runs left at the mean time of its
 * own runs so far, or, for a runner not started yet, at the mean of every run so far. Null before
 * any run has ended. A run under processes can take several times one under threads (the first
 * repetition of a row starts a process per client), so a mean over both, or over threads alone,
 * would say too little once the process runs start.
 */
export function timeLeftMs(made: RunnerTimes, left: ReadonlyMap<RunnerName, number>): number | null {
  let runs = 0;
  let ms = 0;
  for (const t of made.values()) {
    runs += t.runs;
    ms += t.ms;
  }
  if (runs === 0) return null;
  let total = 0;
  for (const [runner, count] of left) {
    const own = made.get(runner);
    total += count * (own !== undefined && own.runs > 0 ? own.ms / own.runs : ms / runs);
  }
  return total;
}

/**
 * Runs the suite in rounds: in each round every row still measuring runs once, the strategies one
 * after another, in freshly started threads or processes for a row's first repetition and, for
 * the others, under threads in the row's own thread pool kept from its earlier repetitions, under
 * processes in processes kept from earlier runs of the group (fresh state every time); the order rotates by one strategy per
 * round, so no strategy always runs first or after the same neighbour. From round `minRepeat` on, a
 * row whose median wall time is known within 1% (or 2 ms) at 95% drops out of later rounds (see
 * `precision.ts`); the others run until the cap, `repeat`. A strategy out of a runner's reach is not run there: its row
 * is "not applicable", with the reason; one whose server did not answer is "skipped". With
 * `rttMs` > 0 the servers are reached through delay proxies, started here and stopped at the end.
 */
export async function runSuite(
  suite: SuiteSettings,
  onProgress: (p: Progress) => void = () => undefined,
  signal?: AbortSignal,
  histories?: HistorySink,
): Promise<ResultRow[]> {
  const delayed = await delayedServices(suite.services, suite.rttMs);
  try {
    return await runGroups(suite, delayed.urls, onProgress, signal, histories);
  } finally {
    await delayed.close();
  }
}

async function runGroups(suite: SuiteSettings, services: ServiceUrls, onProgress: (p: Progress) => void, signal?: AbortSignal, histories?: HistorySink): Promise<ResultRow[]> {
  const started = Date.now();
  const total = suite.workloads.length * suite.latencies.length * suite.runners.length * suite.repeat * suite.strategies.length;
  let done = 0;
  const perGroup = suite.repeat * suite.strategies.length;
  const left = new Map<RunnerName, number>(suite.runners.map((runner) => [runner, suite.workloads.length * suite.latencies.length * perGroup]));
  const made = new Map<RunnerName, { runs: number; ms: number }>();
  const rows: ResultRow[] = [];
  for (const workload of suite.workloads) {
    for (const latency of suite.latencies) {
      for (const runner of suite.runners) {
        const leftAtGroupEnd = (left.get(runner) ?? 0) - perGroup;
        const clients = suite.clients ?? workloads[workload].defaultClients;
        const settingsOf = (strategy: StrategyName, repetition: number): RunSettings => ({
          workload,
          strategy,
          runner,
          clients,
          threads: threadsFor(suite.threads, clients),
          processes: suite.processes,
          tickets: suite.tickets,
          latency: latencyProfiles[latency],
          seed: suite.seed + repetition - 1,
          staggerMs: 0,
          fault: null,
          requestsPerClient: requestsPerClient(latency, clients, runner),
          services,
          rttMs: suite.rttMs,
          fencing: suite.fencing ?? false,
        });
        const reachable = suite.strategies.filter((strategy) => notRunIn(suite, strategy, runner, workload) === null);
        const results = new Map<StrategyName, RunResult[]>(suite.strategies.map((s) => [s, []]));
        const loads = new Map<StrategyName, RepetitionLoad[]>(suite.strategies.map((s) => [s, []]));
        const minimum = Math.min(suite.minRepeat ?? MIN_REPETITIONS, suite.repeat);
        const groupEnd = done + suite.repeat * suite.strategies.length;
        // A row's first repetition starts its client processes or threads and ends them (its program
        // wall, start-up included, is the tutorial's figure under processes); the later ones reuse
        // processes kept in this group's pool, or under threads the row's own thread pool, each
        // with fresh state (see `process-pool.ts`, `thread-pool.ts`).
        const pool = runner === 'processes' ? new ProcessPool() : new ThreadPool();
        try {
          await runRounds(
            reachable,
            { minimum, cap: suite.repeat },
            async (strategy, repetition) => {
              const settings = settingsOf(strategy, repetition);
              onProgress({ done, total, settings, repetition, elapsedMs: Date.now() - started, leftMs: timeLeftMs(made, left) });
              const runStarted = Date.now();
              const sampler = await timed('suite: load sampler start', startLoadSampler);
              let result: RunResult;
              try {
                result = await timed('suite: runOnce', () => runOnce({ ...settings, keepHistory: histories !== undefined }, signal, repetition === 1 ? null : pool));
              } finally {
                loads.get(strategy)?.push(await timed('suite: load sampler stop', () => sampler.stop()));
              }
              if (result.status === 'completed') {
                addPhase('suite: measured walls', result.wallMs);
                if (result.programWallMs !== null) addPhase('suite: program walls (fresh)', result.programWallMs);
              }
              await histories?.record(settings, repetition, result);
              results.get(strategy)?.push(result.status === 'completed' ? { ...result, history: null } : result);
              done++;
              left.set(runner, (left.get(runner) ?? 0) - 1);
              const times = made.get(runner) ?? { runs: 0, ms: 0 };
              made.set(runner, { runs: times.runs + 1, ms: times.ms + Date.now() - runStarted });
              return result.status === 'completed' ? result.wallMs : null;
            },
            // The rounds a row will not run count as done.
            (_, repetitions) => {
              done += suite.repeat - repetitions;
              left.set(runner, (left.get(runner) ?? 0) - (suite.repeat - repetitions));
            },
          );
        } finally {
          await timed('suite: pool close', () => pool.close());
        }
        // Rows not run here (out of reach, skipped) count as done too.
        done = groupEnd;
        left.set(runner, leftAtGroupEnd);
        const summariseStart = performance.now();
        const group = suite.strategies.map((strategy) =>
          summarise(settingsOf(strategy, 1), results.get(strategy) ?? [], notRunIn(suite, strategy, runner, workload), loads.get(strategy)),
        );
        addPhase('suite: summarise', performance.now() - summariseStart);
        rows.push(...withSlowdowns(group));
      }
    }
  }
  return rows;
}
