import os from 'node:os';
import { strategies, strategyNames, type StrategyName } from '../../strategies/registry.ts';
import { enginesOf } from '../engines/availability.ts';
import { delayedServices } from '../engines/delayed-services.ts';
import { serviceUrls, type ServiceUrls } from '../engines/services.ts';
import type { BusyWork } from '../coordination/busy-work.ts';
import { latencyProfiles } from '../workloads/latency.ts';
import { runOnce, type RunResult, type RunSettings } from '../runners/run.ts';
import { summariseSweep, type SweepRow } from './sweep-row.ts';

/**
 * The scaling and contention sweeps: ticket-rush at the `zero` profile (no simulated latency, so
 * what is measured is coordination plus the db file access), in timed runs where every client
 * buys again and again until the window ends.
 *
 * - `clients`: throughput, waits and fairness against the number of clients (1 … 1024), on a
 *   fixed number of threads, with no work outside the critical section (full contention);
 * - `threads`: the same against the number of worker threads, with a fixed number of clients;
 * - `cs`: against the length of the critical section relative to the work outside it, the
 *   contention knob of libslock and Synchrobench: busy work inside the critical section over a
 *   fixed busy work outside it, from 1/100 to 10;
 * - `rtt`: against the network round trip between the clients and the servers (a loopback delay
 *   proxy, see `engines/delayed-services.ts`), for the strategies whose state is in a server or
 *   whose requests travel through a broker: a lock handoff costs round trips, an operation sent
 *   whole costs one, an operation passed to an owner through a broker costs the client's and the owner's.
 */
export type SweepAxis = 'clients' | 'threads' | 'cs' | 'rtt';
export const sweepAxes: readonly SweepAxis[] = ['clients', 'threads', 'cs', 'rtt'];

export interface SweepSettings {
  readonly axes: readonly SweepAxis[];
  readonly strategies: readonly StrategyName[];
  readonly repeat: number;
  /** Each run: warm-up after the release, then the measurement window, ms. */
  readonly warmupMs: number;
  readonly measureMs: number;
  /** The clients axis: client counts, on `threads` threads. */
  readonly clientCounts: readonly number[];
  /** The threads axis: thread counts, with `threadsAxisClients` clients. */
  readonly threadCounts: readonly number[];
  readonly threadsAxisClients: number;
  /** Threads of the clients and cs axes. */
  readonly threads: number;
  /** The cs axis: busy work inside the critical section, µs, each over `outsideUs` outside it, with `csAxisClients` clients. */
  readonly insideUs: readonly number[];
  readonly outsideUs: number;
  readonly csAxisClients: number;
  /** The rtt axis: round trips to the servers, ms, with `rttAxisClients` clients on `threads` threads; engine and broker strategies only. */
  readonly rttMs: readonly number[];
  readonly rttAxisClients: number;
  /** Where the servers are; absent: `serviceUrls()`. */
  readonly services?: ServiceUrls;
}

export const defaultSweep: SweepSettings = {
  axes: sweepAxes,
  strategies: strategyNames,
  repeat: 3,
  warmupMs: 200,
  measureMs: 1000,
  clientCounts: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
  threadCounts: [1, 2, 4, 8, 16],
  threadsAxisClients: 64,
  threads: os.availableParallelism(),
  insideUs: [2, 20, 200, 2000],
  outsideUs: 200,
  csAxisClients: 16,
  rttMs: [0, 0.5, 1, 5],
  rttAxisClients: 16,
};

/** ticket-rush's db holds this many tickets in a sweep: no run sells out. */
const SWEEP_TICKETS = 1_000_000_000;

/** One point of an axis: its x (clients, threads, or inside/outside work) and the run's shape. */
export interface SweepPoint {
  readonly axis: SweepAxis;
  readonly x: number;
  readonly clients: number;
  readonly threads: number;
  readonly work: BusyWork;
  /** The rtt axis: the round trip to the servers, ms; 0 elsewhere. */
  readonly rttMs: number;
}

export function sweepPoints(axis: SweepAxis, s: SweepSettings): SweepPoint[] {
  switch (axis) {
    case 'clients':
      return s.clientCounts.map((clients) => ({ axis, x: clients, clients, threads: s.threads, work: { insideUs: 0, outsideUs: 0 }, rttMs: 0 }));
    case 'threads':
      return s.threadCounts.map((threads) => ({ axis, x: threads, clients: s.threadsAxisClients, threads, work: { insideUs: 0, outsideUs: 0 }, rttMs: 0 }));
    case 'rtt':
      return s.rttMs.map((rttMs) => ({ axis, x: rttMs, clients: s.rttAxisClients, threads: s.threads, work: { insideUs: 0, outsideUs: 0 }, rttMs }));
    case 'cs':
      return s.insideUs.map((insideUs) => ({
        axis,
        x: insideUs / s.outsideUs,
        clients: s.csAxisClients,
        threads: s.threads,
        work: { insideUs, outsideUs: s.outsideUs },
        rttMs: 0,
      }));
  }
}

function runSettingsFor(point: SweepPoint, strategy: StrategyName, s: SweepSettings, services: ServiceUrls): RunSettings {
  return {
    workload: 'ticket-rush',
    strategy,
    clients: point.clients,
    threads: point.threads,
    tickets: SWEEP_TICKETS,
    latency: latencyProfiles.zero,
    seed: 1,
    staggerMs: 0,
    fault: null,
    timed: { warmupMs: s.warmupMs, measureMs: s.measureMs },
    work: point.work,
    services,
    rttMs: point.rttMs,
  };
}

/** Reported before each run starts. */
export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  readonly point: SweepPoint;
  readonly strategy: StrategyName;
  readonly repetition: number;
  readonly elapsedMs: number;
}

/**
 * Runs every point of every selected axis under every selected strategy, `repeat` times, each
 * run in a fresh pool. At each point the strategies run in an order that rotates by one per
 * repetition.
 */
export async function runSweep(
  s: SweepSettings,
  onProgress: (p: SweepProgress) => void = () => undefined,
  signal?: AbortSignal,
): Promise<SweepRow[]> {
  const points = s.axes.flatMap((axis) => sweepPoints(axis, s));
  // The rtt axis moves nothing but a server's round trip: only the strategies that have one run on it.
  const strategiesAt = (point: SweepPoint) => (point.axis === 'rtt' ? s.strategies.filter((name) => enginesOf(strategies[name]).length > 0) : s.strategies);
  const total = points.reduce((sum, point) => sum + strategiesAt(point).length, 0) * s.repeat;
  const started = Date.now();
  let done = 0;
  const rows: SweepRow[] = [];
  for (const point of points) {
    const chosen = strategiesAt(point);
    const results = new Map<StrategyName, RunResult[]>(chosen.map((name) => [name, []]));
    const delayed = await delayedServices(s.services ?? serviceUrls(), point.rttMs);
    try {
      for (let repetition = 1; repetition <= s.repeat; repetition++) {
        const shift = (repetition - 1) % Math.max(1, chosen.length);
        for (const strategy of [...chosen.slice(shift), ...chosen.slice(0, shift)]) {
          onProgress({ done, total, point, strategy, repetition, elapsedMs: Date.now() - started });
          results.get(strategy)?.push(await runOnce(runSettingsFor(point, strategy, s, delayed.urls), signal));
          done++;
        }
      }
    } finally {
      await delayed.close();
    }
    for (const strategy of chosen) rows.push(summariseSweep(point, strategy, results.get(strategy) ?? []));
  }
  return rows;
}
