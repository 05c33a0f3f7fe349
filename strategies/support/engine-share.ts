/** What an engine strategy's setup gives each client: where the server is and the run's namespace. */
import type { StrategyConfig } from '../../bench/runners/run-config.ts';
import type { StrategyHost } from '../strategy.ts';

export interface EngineShare {
  /** The server's URL (Redis or PostgreSQL, by strategy). */
  readonly url: string;
  /** The run's key prefix or schema (see `bench/engines/namespace.ts`). */
  readonly namespace: string;
  /** Whether the store checks fencing tokens (`--fencing`). */
  readonly fencing: boolean;
  /** How long a lease lasts, ms (lease locks only): see {@link leaseMsFor}. */
  readonly leaseMs: number;
}

/**
 * A lease long enough for any critical section of the run to end inside it: 1 s plus twice the
 * longest nominal critical section (the simulated read, write and print sleep). A holder that
 * outlives it (stopped, stuck) loses its lease; see `pause-in-cs`.
 */
export function leaseMsFor(config: Pick<StrategyConfig, 'latency'>): number {
  return 1_000 + 2 * (config.latency.readMs + config.latency.writeMs + config.latency.printMaxMs);
}

/** A strategy's `setup` for `engine`: every client gets the same {@link EngineShare}; nothing to tear down. */
export function engineSetup(engine: 'redis' | 'postgres') {
  return (config: StrategyConfig): Promise<StrategyHost> => {
    const share = engineShare(config, engine);
    return Promise.resolve({ forClient: () => ({ data: share, transfer: [] }), teardown: () => Promise.resolve() });
  };
}

/** The share of every client of a run against `engine`'s server. */
export function engineShare(config: StrategyConfig, engine: 'redis' | 'postgres'): EngineShare {
  return { url: config.services[engine], namespace: config.namespace, fencing: config.fencing, leaseMs: leaseMsFor(config) };
}
