/**
 * The servers behind the engine strategies: probing them, skipping a strategy whose server does
 * not answer (and refusing to with --require-services), and each run's namespace, which two runs
 * at once never share and which no run leaves behind. Against the real servers of this machine,
 * and a real closed port for a missing one.
 */
import { createServer } from 'node:net';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { probeService, postgresClientConfig, serviceUrls, shownArgs, shownUrl, skippedReason } from '../bench/engines/services.ts';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { servicesRequired, serversUp, skippedStrategies } from './fixtures/services.ts';
import { completed } from './helpers/completed.ts';
import { killRunningCommands, runCommand } from './helpers/run-command.ts';
import { runNamespace } from '../bench/engines/namespace.ts';
import { createRedisState, dropRedisState, readRedisState, redisKeys } from '../bench/engines/redis-state.ts';
import { FileStore } from '../bench/workloads/store.ts';
import { LeaseLock } from '../strategies/support/redis-lease.ts';
import { FencedOffError, FENCED_SET_LUA, loadScript, openRedis, RedisAccess } from '../strategies/support/redis-session.ts';

afterEach(killRunningCommands);

const bench = (...args: string[]) => runCommand('bench/commands/bench.ts', args);

/** A TCP port on loopback where nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the servers of the engine strategies', () => {
  it.runIf(servicesRequired)('answer where they are required (SYNC_BENCH_REQUIRE_SERVICES=1)', () => {
    expect(skippedStrategies).toEqual({});
  });

  it('are probed with PING and SELECT 1; a closed port is a reason, not a throw, and leaves nothing running', async () => {
    const port = await closedPort();
    const redis = await probeService('redis', `redis://127.0.0.1:${port}`, 2_000);
    const postgres = await probeService('postgres', `postgres://127.0.0.1:${port}/test`, 2_000);
    expect(redis).toMatch(/ECONNREFUSED/);
    expect(postgres).toMatch(/ECONNREFUSED/);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThan(3);
  });

  it('hides a password in the URL it shows, and in the command line a results file keeps', () => {
    expect(shownUrl('postgres://me:secret@db.example:5432/test')).toBe('postgres://me:***@db.example:5432/test');
    const args = shownArgs(['--redis', 'redis://:s3cret@127.0.0.1:6379', '--postgres=postgres://me:pw@h/test', '--repeat', '1']);
    expect(args).not.toMatch(/s3cret|:pw@/);
    expect(args).toBe('--redis redis://:***@127.0.0.1:6379 --postgres=postgres://me:***@h/test --repeat 1');
  });

  it('tells a server that is not there from one that refused: only the first gets the install hint', () => {
    expect(skippedReason('redis', 'redis://127.0.0.1:1', 'connect ECONNREFUSED 127.0.0.1:1')).toMatch(/^skipped: no Redis at .*apt-get install/);
    const refused = skippedReason('postgres', 'postgres://me:pw@127.0.0.1/nope', 'database "nope" does not exist');
    expect(refused).toMatch(/^skipped: the PostgreSQL server at postgres:\/\/me:\*\*\*@127.0.0.1\/nope refused \(database "nope" does not exist\); check the URL/);
    expect(refused).not.toMatch(/apt-get/);
  });

  it('give PostgreSQL a user name where the URL has none', () => {
    const config = postgresClientConfig('postgres://127.0.0.1:5432/test');
    expect(new URL(String(config.connectionString)).username).not.toBe('');
    expect(postgresClientConfig('postgres://alice@127.0.0.1/test').connectionString).toBe('postgres://alice@127.0.0.1/test');
  });
});

describe('npm run bench with a server that does not answer', () => {
  it('gives its strategies "skipped" rows naming the URL and how to start one, runs the others, and exits 0', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await bench('--workload', 'ticket-rush', '--latency', 'zero', '--repeat', '1', '--runner', 'threads', '--clients', '2', '--threads', '1', '--strategy', 'flock,redis-script', '--redis', `redis://127.0.0.1:${port}`, '--json', '-');
    expect(code, stderr).toBe(0);
    const rows = (JSON.parse(stdout) as { rows: { strategy: string; verdict: string; reasons: string[] }[] }).rows;
    expect(rows.find((r) => r.strategy === 'flock')?.verdict).toBe('correct');
    const skipped = rows.find((r) => r.strategy === 'redis-script');
    expect(skipped?.verdict).toBe('skipped');
    expect(skipped?.reasons.join(' ')).toMatch(new RegExp(`^skipped: no Redis at redis://127.0.0.1:${port}.*ECONNREFUSED.*apt-get install redis-server`));
  }, 60_000);

  it('is an error with --require-services: exit 1, the reason on stderr, nothing run', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await bench('--workload', 'ticket-rush', '--strategy', 'pg-update', '--postgres', `postgres://127.0.0.1:${port}/test`, '--require-services', '--json', '-');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--require-services: pg-update cannot run: skipped: no PostgreSQL at postgres:\/\/127.0.0.1:\d+\/test/);
  }, 60_000);

  it('gives the broker strategies "skipped" rows when RabbitMQ or NATS does not answer, and is an error with --require-services', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await bench('--workload', 'ticket-rush', '--latency', 'zero', '--repeat', '1', '--runner', 'threads', '--strategy', 'rabbitmq-owner,nats-kv-cas', '--rabbitmq', `amqp://guest:guest@127.0.0.1:${port}`, '--nats', `nats://127.0.0.1:${port}`, '--json', '-');
    expect(code, stderr).toBe(0);
    const rows = (JSON.parse(stdout) as { rows: { strategy: string; verdict: string; reasons: string[] }[] }).rows;
    expect(rows.find((r) => r.strategy === 'rabbitmq-owner')?.reasons.join(' ')).toMatch(new RegExp(`^skipped: no RabbitMQ at amqp://guest:\\*\\*\\*@127.0.0.1:${port}.*ECONNREFUSED.*apt-get install rabbitmq-server`));
    expect(rows.find((r) => r.strategy === 'nats-kv-cas')?.reasons.join(' ')).toMatch(new RegExp(`^skipped: no NATS at nats://127.0.0.1:${port}.*refused.*nats-server -js`));
    const required = await bench('--workload', 'ticket-rush', '--strategy', 'nats-owner', '--nats', `nats://127.0.0.1:${port}`, '--require-services', '--json', '-');
    expect(required.code).toBe(1);
    expect(required.stderr).toMatch(/--require-services: nats-owner cannot run: skipped: no NATS at nats:\/\/127.0.0.1:\d+/);
  }, 90_000);
});

describe.runIf(serversUp)('a run against the servers', () => {
  // One thread per run (each costs a Node start-up with the TypeScript loader): what is tested is the
  // run's namespace on the servers, which two runs at once (each with 12 clients) would share.
  const base: RunSettings = { workload: 'ticket-rush', strategy: 'pg-advisory', clients: 12, threads: 1, tickets: 1, latency: latencyProfiles.quick, seed: 1, staggerMs: 0, fault: null };

  it('works in its own schema and key prefix, and leaves neither behind', async () => {
    const urls = serviceUrls();
    const schemas = async () => {
      const client = new pg.Client(postgresClientConfig(urls.postgres));
      await client.connect();
      try {
        return (await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE $1", [`sync_bench_${process.pid}_%`])).rows[0]?.n;
      } finally {
        await client.end();
      }
    };
    const keys = async () => {
      const redis = new Redis(urls.redis);
      try {
        return (await redis.keys(`sync-bench:sync_bench_${process.pid}_*`)).length;
      } finally {
        redis.disconnect();
      }
    };
    completed(await runOnce(base));
    completed(await runOnce({ ...base, strategy: 'redis-lease' }));
    expect(await schemas()).toBe('0');
    expect(await keys()).toBe(0);
  });

  it('never shares state with a run at once: two runs of one ticket each sell one ticket each', async () => {
    for (const strategy of ['pg-advisory', 'redis-lease', 'pg-update', 'redis-script'] as const) {
      const [a, b] = await Promise.all([runOnce({ ...base, strategy }), runOnce({ ...base, strategy })]);
      for (const run of [completed(a), completed(b)]) {
        expect(run.problems, strategy).toEqual([]);
        expect(run.check.figures, strategy).toMatchObject({ sold: 1, finalCount: 0 });
      }
    }
  });

  it('fails, saying so, when the server is gone before the run starts', async () => {
    const port = await closedPort();
    const result = await runOnce({ ...base, services: { ...serviceUrls(), postgres: `postgres://127.0.0.1:${port}/test` } });
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.error).toMatch(/ECONNREFUSED/);
  });
});

describe.runIf(serversUp)('the Redis lease fencing check', () => {
  it("refuses a stale holder's write even before the new holder has written (the token must be the latest granted)", async () => {
    const urls = serviceUrls();
    const namespace = runNamespace();
    await createRedisState(urls.redis, namespace, { count: 10 });
    const redis = await openRedis(urls.redis);
    try {
      const keys = redisKeys(namespace);
      const fenced = await loadScript(redis, FENCED_SET_LUA);
      const store = new FileStore('/nonexistent', { readMs: 0, writeMs: 0 });
      const lock = await LeaseLock.open(redis, urls.redis, keys, 30, 'poll');
      const stale = await lock.acquire();
      // The victim's lease runs out; another client is granted the lease but has not written yet.
      await new Promise((resolve) => setTimeout(resolve, 60));
      const fresh = await lock.acquire();
      expect(fresh.fencingToken).toBeGreaterThan(stale.fencingToken);
      const victim = new RedisAccess(redis, namespace, store, fenced);
      victim.token = stale.fencingToken;
      await expect(victim.write({ count: 9 })).rejects.toThrow(FencedOffError);
      const holder = new RedisAccess(redis, namespace, store, fenced);
      holder.token = fresh.fencingToken;
      await holder.write({ count: 9 });
      expect(await readRedisState(urls.redis, namespace)).toEqual({ ok: true, state: { count: 9 } });
      await lock.close();
    } finally {
      redis.disconnect();
      await dropRedisState(urls.redis, namespace);
    }
  });
});
