/**
 * The evidence behind a strategy's claim that its critical section runs inside a server
 * (`Strategy.runsIn` `server`): such a run has no stamps and is spared the simulated latencies and
 * the faults, so the claim is not taken on the strategy's word. Its clients reach their server
 * through a loopback proxy that forwards at once and counts request turns (see
 * `network/delay-proxy.ts`): an operation the server runs whole is one request and one answer,
 * while a protocol of several steps decided in the client (a lease, then a GET, then a SET) waits
 * for an answer before each next step, and takes a turn per step. The verdict
 * (`verdicts/judge.ts`) compares the turns of the run's operations with their number.
 */
import { proxyFor } from '../engines/delayed-services.ts';
import type { ServiceUrls } from '../engines/services.ts';
import type { DelayProxy } from '../network/delay-proxy.ts';
import type { Strategy } from '../../strategies/strategy.ts';

/** A proxy counting the round trips of one run's clients to the server their strategy says it runs in. */
export interface ServerRoundTrips {
  /** The URLs to give the run's clients: the strategy's engine through the proxy, the other as given. */
  readonly services: ServiceUrls;
  /** Starts the count: called when the clients are released (their sessions are open by then). */
  mark(): void;
  /** Request turns since {@link mark}: round trips of the clients' operations (see `DelayProxy.requestTurns`). */
  sinceMark(): number;
  /** Stops the proxy and ends its connections; never rejects. */
  close(): Promise<void>;
}

/**
 * A counter for `strategy`'s run, or null when it does not say its critical section runs in a
 * server, or keeps no state in one (the verdict refuses that claim from the strategy's store
 * alone). `services`: where the servers are. Rejects when its engine's URL has no TCP host (a
 * Unix socket cannot be counted): the claim would go unchecked.
 */
export async function countServerRoundTrips(strategy: Pick<Strategy, 'runsIn' | 'stateStore'>, services: ServiceUrls): Promise<ServerRoundTrips | null> {
  const engine = strategy.stateStore;
  if (strategy.runsIn !== 'server' || (engine !== 'redis' && engine !== 'postgres')) return null;
  let proxy: DelayProxy;
  let url: string;
  try {
    ({ proxy, url } = await proxyFor(engine, services[engine], 0));
  } catch (error) {
    throw new Error(`a critical section said to run inside the server is checked by counting its round trips through a loopback proxy, which could not stand before ${services[engine]}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let marked = 0;
  return {
    services: { ...services, [engine]: url },
    mark: () => (marked = proxy.requestTurns),
    sinceMark: () => proxy.requestTurns - marked,
    close: () => proxy.close().catch(() => undefined),
  };
}
