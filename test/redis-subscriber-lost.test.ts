/**
 * redis-lease's wake-ups travel over one pub/sub subscriber connection per thread. A server that
 * drops it (`CLIENT KILL TYPE pubsub`) left the row "correct", with waiters woken only at each
 * lease's expiry (a handoff gap of 3.5 s against 2 ms) and nothing saying why. The run must fail
 * with a reason that names the lost subscription. A private Redis server, so that killing its
 * subscribers touches no one else's.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnce } from '../bench/runners/run.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';

/** A free TCP port of the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let port = 0;
let server: ReturnType<typeof spawn> | null = null;

beforeAll(async () => {
  port = await freePort();
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  probe.on('error', () => undefined);
  // Until the server listens (bounded by the hook's timeout).
  while (!(await probe.connect().then(() => true, () => false))) await new Promise((resolve) => setTimeout(resolve, 50));
  probe.disconnect();
});

afterAll(() => {
  server?.kill('SIGKILL');
});

describe('redis-lease when the server drops its pub/sub subscriber', () => {
  it('fails the run with a reason that names the lost subscription', async () => {
    const url = `redis://127.0.0.1:${port}`;
    const admin = new Redis(port, '127.0.0.1');
    try {
      const running = runOnce({
        workload: 'ticket-rush',
        strategy: 'redis-lease',
        runner: 'threads',
        clients: 6,
        threads: 2,
        tickets: 6,
        latency: latencyProfiles.doc,
        seed: 1,
        staggerMs: 0,
        fault: null,
        services: { redis: url, postgres: 'postgres://127.0.0.1:5432/test', rabbitmq: 'amqp://guest:guest@127.0.0.1:5672', nats: 'nats://127.0.0.1:4222' },
      });
      // Once the clients' subscribers are connected (each thread's, before the start barrier), the server drops them.
      await expect.poll(async () => ((await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).trim().split('\n').filter(Boolean).length, { timeout: 30_000, interval: 20 }).toBe(2);
      await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      const result = await running;
      expect(result.status, JSON.stringify(result)).toBe('failed');
      if (result.status === 'failed') expect(result.error).toMatch(/pub\/sub subscriber connection ended/);
    } finally {
      admin.disconnect();
    }
  });
});
