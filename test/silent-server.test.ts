/**
 * A server that goes silent mid-run (its process stopped): the run fails within its limits, and
 * what it could not remove from the server (its keys) is named with the command that removes
 * them, never left without a word. Made with a private Redis server on a free port, stopped with
 * SIGSTOP, resumed and ended by the test.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runOnce } from '../bench/runners/run.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { serviceUrls } from '../bench/engines/services.ts';

/** A free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether a Redis server answers at `url` now (one connection, no retry). */
async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const hasRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasRedisServer)('a Redis server that goes silent mid-run', () => {
  let server: ChildProcess | null = null;
  afterAll(() => {
    server?.kill('SIGCONT');
    server?.kill('SIGKILL');
  });

  it('fails the run, and names the keys it left and how to delete them', async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    const url = `redis://127.0.0.1:${port}`;
    // Refused until the server listens: a fresh client per try, as an ioredis client that failed
    // once goes on reconnecting by itself and refuses a second connect().
    await expect.poll(() => answers(url), { timeout: 10_000, interval: 50 }).toBe(true);
    const probe = new Redis(url, { maxRetriesPerRequest: 1 });
    const lines: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const running = runOnce({ workload: 'ticket-rush', strategy: 'redis-lease', clients: 10, threads: 2, tickets: 10, latency: latencyProfiles.doc, seed: 1, staggerMs: 0, fault: null, services: { ...serviceUrls(), redis: url } });
      // Mid-run: the run's keys are there; then the server stops answering.
      await expect.poll(async () => (await probe.keys('sync-bench:*')).length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
      probe.disconnect();
      server.kill('SIGSTOP');
      const result = await running;
      expect(result.status).toBe('failed');
      expect(lines.join('')).toMatch(
        new RegExp(`^the run's keys sync-bench:sync_bench_\\d+_[0-9a-f]{12}:\\* were left in Redis at redis://127\\.0\\.0\\.1:${port} \\(.+\\); delete them with: redis-cli -u 'redis://127\\.0\\.0\\.1:${port}' --scan --pattern 'sync-bench:sync_bench_\\d+_[0-9a-f]{12}:\\*' \\| xargs -r redis-cli -u 'redis://127\\.0\\.0\\.1:${port}' DEL$`, 'm'),
      );
    } finally {
      write.mockRestore();
    }
  }, 90_000);
});
