/**
 * The partition fault against the real local Redis and PostgreSQL: the victim's connections go
 * silent (bytes held, nothing closed) while it holds its lock before its write, then heal. What
 * each server does with the silent holder's lock, and what its write does after the heal, is read
 * from the run's stamps and final state. A run interrupted mid-partition ends, its connections
 * healed and destroyed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { runOnce, InterruptedError, type RunSettings } from '../bench/runners/run.ts';
import { IDLE_IN_TRANSACTION_MS, PARTITION_LIMIT_MS, partition, withPartitionSettings, type PartitionStage } from '../bench/faults/partition.ts';
import { serviceUrls } from '../bench/engines/services.ts';
import { rerouted, victimRoutes } from '../bench/network/victim-route.ts';
import { strategies, type StrategyName } from '../strategies/registry.ts';
import { completed } from './helpers/completed.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { serversUp } from './fixtures/services.ts';

describe('the partition fault, without servers', () => {
  it('applies to client-side critical sections in Redis and PostgreSQL only, and says why not elsewhere', () => {
    expect(partition.notApplicable(strategies['redis-lease'], 'threads')).toBeNull();
    expect(partition.notApplicable(strategies['pg-row-lock'], 'processes')).toBeNull();
    expect(partition.notApplicable(strategies['redis-script'], 'threads')).toMatch(/runs inside the server/);
    expect(partition.notApplicable(strategies.flock, 'threads')).toMatch(/only in front of Redis and PostgreSQL.*in no server/);
    expect(partition.notApplicable(strategies['nats-kv-cas'], 'threads')).toMatch(/in nats/);
  });

  it("adds the idle-in-transaction timeout to a PostgreSQL URL's options, keeping the rest", () => {
    const url = new URL(withPartitionSettings('postgres://u@127.0.0.1:5432/test?application_name=run&options=-c%20work_mem%3D4MB'));
    expect(url.searchParams.get('application_name')).toBe('run');
    expect(url.searchParams.get('options')).toBe(`-c work_mem=4MB -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`);
  });

  it("reroutes the victim's share: every string equal to a run's service URL, at any depth, and nothing else", () => {
    const services = serviceUrls({ redis: 'redis://127.0.0.1:6379', postgres: 'postgres://u@127.0.0.1:5432/test?application_name=run' });
    const routes = victimRoutes(services, { postgres: { host: '127.0.0.1', port: 40001 } });
    expect(routes).toEqual({ [services.postgres]: 'postgres://u@127.0.0.1:40001/test?application_name=run' });
    const share = { url: services.postgres, nested: [{ url: services.postgres }], redis: services.redis, n: 3 };
    expect(rerouted(share, routes)).toEqual({ url: routes[services.postgres], nested: [{ url: routes[services.postgres] }], redis: services.redis, n: 3 });
  });
});

describe.runIf(serversUp)('the partition fault against the local Redis and PostgreSQL', () => {
  const services = serviceUrls();
  let stage: PartitionStage;
  beforeAll(async () => {
    const prepared = await partition.prepare?.(undefined, services);
    if (prepared === undefined || typeof prepared === 'string') throw new Error(`no stage: ${prepared ?? 'no prepare'}`);
    stage = prepared;
  });
  afterAll(async () => {
    await stage.close();
    // Every connection the proxies held is gone.
    expect([...stage.proxies.redis.open(), ...stage.proxies.postgres.open()]).toEqual([]);
  });
  const settings = (strategy: string, more: Partial<RunSettings> = {}): RunSettings => ({
    workload: 'ticket-rush',
    strategy: strategy as StrategyName,
    clients: 4,
    threads: 2,
    tickets: 4,
    latency: latencyProfiles.quick,
    seed: 1,
    staggerMs: 0,
    fault: 'partition',
    faultStage: stage,
    services: { ...services, ...stage.services },
    ...more,
  });

  it("redis-lease without fencing: the lease runs out during the partition, another client enters, and the healed holder's stale write lands and is caught", async () => {
    const run = completed(await runOnce(settings('redis-lease')));
    expect(run.fault?.recoveryMs).toBeLessThan(PARTITION_LIMIT_MS);
    expect(run.fault?.staleWrites).toBe(1);
    expect(run.problems.join('\n')).toMatch(/mutual-exclusion violations/);
  });

  it("redis-lease with fencing (processes): the healed holder's write is refused, it asks again, and the run is correct", async () => {
    const run = completed(await runOnce(settings('redis-lease', { fencing: true, runner: 'processes' })));
    expect(run.fault?.staleWrites).toBe(0);
    expect(run.fault?.victimRefused).toBe(true);
    expect(run.problems).toEqual([]);
    expect(run.check.figures).toMatchObject({ sold: 4, finalCount: 0, lostUpdates: 0 });
  });

  it("a weak fencing check (only a token older than the newest accepted is refused): the healed holder's write lands before the new holder's, and is caught", async () => {
    // A read of 200 ms: the new holder writes that long after it entered; the healed victim's write arrives about 70 ms after it entered.
    const latency = { ...latencyProfiles.quick, readMs: 200 };
    const run = completed(await runOnce(settings('weak-fencing-lease', { latency, strategyModule: brokenModule('weak-fencing-lease') })));
    expect(run.fault?.staleWrites).toBe(1);
    expect(run.problems.join('\n')).toMatch(/mutual-exclusion violations|lost updates/);
  });

  it("pg-row-lock: the server ends the silent holder's idle transaction after its timeout, another client enters, and the healed holder's write is not applied (its outcome unknown)", async () => {
    const run = completed(await runOnce(settings('pg-row-lock')));
    // Idle since its read, a little before the partition: the lock goes at most the timeout after the partition.
    expect(run.fault?.recoveryMs).toBeLessThan(IDLE_IN_TRANSACTION_MS + 1_000);
    expect(run.fault?.staleWrites).toBe(0);
    const figures = run.check.figures;
    expect(figures).toMatchObject({ unknown: 1, oversold: 0, lostUpdates: 0 });
    // The state shows exactly the sales the others were told of: the victim's write did not land.
    expect(figures.workload === 'ticket-rush' && figures.finalCount).toBe(4 - (figures.workload === 'ticket-rush' ? figures.sold : 0));
  });

  it('ends when interrupted mid-partition, and the stage heals and destroys every held connection', async () => {
    const controller = new AbortController();
    const running = runOnce(settings('pg-advisory'), controller.signal);
    // Interrupted once the partition is in force (the strike records it in the stage).
    const deadline = Date.now() + 60_000;
    while (stage.partitions.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stage.partitions.length).toBeGreaterThan(0);
    controller.abort(new InterruptedError());
    await expect(running).rejects.toBeInstanceOf(InterruptedError);
  });
});
