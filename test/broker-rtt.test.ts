/**
 * `--rtt` puts the delay proxy between the broker strategies and their brokers, as between the
 * other engine strategies and Redis or PostgreSQL: the URLs a run gets from `delayedServices`
 * lead through a proxy per server, and every operation of a broker strategy's clients crosses its
 * broker's proxy at least once, each crossing held half the round trip each way (the proxy's own
 * tests show the hold). Counted, not timed: the proxy of the strategy's broker must have accepted
 * connections and seen at least one request turn per operation (a publish answered by the
 * owner's reply, a read or an update of the key-value entry). A strategy whose clients reach the
 * broker around the URL the run gives (`bypasses-delay-proxy`) leaves the proxy only the
 * harness's few turns, fewer than its operations, and fails the same check. Skipped where
 * RabbitMQ or NATS does not answer (see `fixtures/services.ts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesOf } from '../bench/engines/availability.ts';
import { delayedServices, type DelayedServices } from '../bench/engines/delayed-services.ts';
import { serviceUrls, type BrokerEngine } from '../bench/engines/services.ts';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import type { RunnerName } from '../bench/runners/runner.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { strategies, type StrategyName } from '../strategies/registry.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { brokersUp } from './fixtures/services.ts';
import { completed } from './helpers/completed.ts';

const RTT_MS = 2;
const CLIENTS = 4;
const REQUESTS_PER_CLIENT = 10;
const OPERATIONS = CLIENTS * REQUESTS_PER_CLIENT;

const settings = (strategy: string, runner: RunnerName, services: DelayedServices): RunSettings => ({
  workload: 'ticket-rush',
  strategy: strategy as StrategyName,
  runner,
  clients: CLIENTS,
  threads: 2,
  processes: 2,
  tickets: OPERATIONS - 5,
  latency: latencyProfiles.zero,
  seed: 1,
  staggerMs: 0,
  fault: null,
  requestsPerClient: REQUESTS_PER_CLIENT,
  services: services.urls,
  rttMs: RTT_MS,
});

/** What crossed the proxy of `broker` during one run: its connections and request turns. */
async function crossings(services: DelayedServices, broker: BrokerEngine, run: () => Promise<void>): Promise<{ connections: number; turns: number }> {
  const proxy = services.proxies[broker];
  if (proxy === undefined) throw new Error(`no proxy in front of ${broker}`);
  const [connections, turns] = [proxy.connections(), proxy.requestTurns];
  await run();
  return { connections: proxy.connections() - connections, turns: proxy.requestTurns - turns };
}

const brokerStrategies: readonly StrategyName[] = ['rabbitmq-owner', 'rabbitmq-owner-idempotent', 'nats-owner', 'nats-kv-cas'];
const runners: readonly RunnerName[] = ['threads', 'processes'];

describe.skipIf(!brokersUp)('--rtt routes the broker strategies through the delay proxy', () => {
  let services: DelayedServices;
  beforeAll(async () => {
    services = await delayedServices(serviceUrls(), RTT_MS);
  });
  afterAll(async () => {
    await services.close();
  });

  it('gives every engine, the brokers included, a URL through a proxy of its own', () => {
    const direct = serviceUrls();
    for (const broker of ['rabbitmq', 'nats'] as const) {
      const proxy = services.proxies[broker];
      expect(proxy).toBeDefined();
      expect(new URL(services.urls[broker]).port).toBe(String(proxy?.port));
      expect(services.urls[broker]).not.toBe(direct[broker]);
    }
  });

  it.each(brokerStrategies.flatMap((name) => runners.map((runner) => [name, runner] as const)))('%s (%s): every operation crosses the broker proxy', { timeout: 120_000 }, async (name, runner) => {
    const brokers = enginesOf(strategies[name]).filter((e): e is BrokerEngine => e === 'rabbitmq' || e === 'nats');
    expect(brokers).toHaveLength(1);
    const broker = brokers[0] as BrokerEngine;
    let problems: readonly string[] = [];
    const seen = await crossings(services, broker, async () => {
      problems = completed(await runOnce(settings(name, runner, services))).problems;
    });
    expect(problems).toEqual([]);
    expect(seen.connections).toBeGreaterThan(0);
    expect(seen.turns).toBeGreaterThanOrEqual(OPERATIONS);
  });

  it('catches a strategy whose clients reach the broker around the proxy', { timeout: 120_000 }, async () => {
    let problems: readonly string[] = [];
    const seen = await crossings(services, 'nats', async () => {
      problems = completed(await runOnce({ ...settings('bypasses-delay-proxy', 'threads', services), strategyModule: brokenModule('bypasses-delay-proxy') })).problems;
    });
    expect(problems).toEqual([]);
    expect(seen.turns).toBeLessThan(OPERATIONS);
  });
});
