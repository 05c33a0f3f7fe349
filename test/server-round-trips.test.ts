/**
 * The evidence behind a claim that a critical section runs inside a server
 * (`bench/evidence/server-round-trips.ts`): the honest strategies that make it are taken at their
 * word, in both runners, with many clients sharing each connection; the broken one that makes it
 * for a client-side lease (`test/fixtures/broken/lease-claims-server.ts`) is refused in
 * `test/mutation-suite.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { serviceUrls } from '../bench/engines/services.ts';
import { countServerRoundTrips } from '../bench/evidence/server-round-trips.ts';
import { runOnce } from '../bench/runners/run.ts';
import type { RunnerName } from '../bench/runners/runner.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { canRun } from './fixtures/services.ts';

describe('the round-trip counter', () => {
  it('stands only before the server of a strategy that says its critical section runs there', async () => {
    const urls = serviceUrls();
    expect(await countServerRoundTrips({ stateStore: 'redis' }, urls)).toBeNull();
    expect(await countServerRoundTrips({ runsIn: 'server', stateStore: 'sqlite' }, urls)).toBeNull();
    const counter = await countServerRoundTrips({ runsIn: 'server', stateStore: 'postgres' }, urls);
    try {
      expect(counter?.services.redis).toBe(urls.redis);
      expect(counter?.services.postgres).not.toBe(urls.postgres);
      expect(counter?.sinceMark()).toBe(0);
    } finally {
      await counter?.close();
    }
  });

  it('refuses a server it cannot stand before (a Unix socket): the claim would go unchecked', async () => {
    const urls = { ...serviceUrls(), postgres: 'postgres:///test?host=/run/postgresql' };
    await expect(countServerRoundTrips({ runsIn: 'server', stateStore: 'postgres' }, urls)).rejects.toThrow(/counting its round trips through a loopback proxy/);
  });
});

const honest = [
  ['redis-script', 'threads'],
  ['redis-script', 'processes'],
  ['pg-update', 'threads'],
  ['pg-update', 'processes'],
] as const satisfies readonly (readonly [string, RunnerName])[];

describe.each(honest)('%s (%s runner), whose operation the server runs whole', (strategy, runner) => {
  it.skipIf(!canRun(strategy))('is taken at its word: one round trip or less per operation, and correct', async () => {
    const result = await runOnce({ workload: 'ticket-rush', strategy, runner, clients: 20, threads: 2, processes: 4, tickets: 8, latency: latencyProfiles.quick, seed: 1, staggerMs: 0, fault: null });
    expect(result.status === 'failed' ? result.error : result.problems).toEqual([]);
  });
});
