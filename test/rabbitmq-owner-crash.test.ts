/**
 * At-least-once delivery and the owner that dies after storing a sale: a RabbitMQ owner process
 * is killed with SIGKILL after its change is stored and before its acknowledgement reaches the
 * broker; a second owner process started after it serves the redelivered request. Without
 * idempotency the ticket is sold twice (two tickets gone, one buyer told); with the request id
 * stored in the same write, the redelivered request is answered from the store and the ticket is
 * sold once. Needs RabbitMQ (skipped where it does not answer).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerNames } from '../bench/engines/broker-names.ts';
import { runNamespace } from '../bench/engines/namespace.ts';
import { serviceUrls } from '../bench/engines/services.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import { connectOwnerClient, REQUESTS_KEY, type OwnerClient } from '../strategies/support/rabbitmq-owner-service.ts';
import { canRun } from './fixtures/services.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const url = serviceUrls().rabbitmq;
const started: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Starts an owner process; resolves once it consumes, with a promise of each line it prints. */
async function owner(queue: string, dbPath: string, idempotent: boolean, killAfterStore: boolean): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, [...tsWorkerExecArgv, 'test/fixtures/rabbitmq-owner-process.ts', url, queue, dbPath, idempotent ? '1' : '0', killAfterStore ? '1' : '0'], {
    cwd: root,
    env: { ...process.env, TSX_DISABLE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line === 'ready') resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`owner exited before it was ready (${code ?? signal})`)));
  });
  await ready;
  return { child, lines };
}

const db = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { count: number; [REQUESTS_KEY]?: string[] };

describe.runIf(canRun('rabbitmq-owner'))('a RabbitMQ owner killed after storing a sale, before its acknowledgement', () => {
  for (const idempotent of [false, true]) {
    it(idempotent ? 'sells the ticket once when the request id is stored with the sale' : 'sells the ticket twice without idempotency', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'owner-crash-'));
      const queue = brokerNames(runNamespace()).requestQueue;
      cleanups.push(async () => {
        rmSync(dir, { recursive: true, force: true });
        const connection = await amqp.connect(url);
        await (await connection.createChannel()).deleteQueue(queue);
        await connection.close();
      });
      const dbPath = join(dir, 'db.json');
      writeFileSync(dbPath, JSON.stringify({ count: 2 }));

      const first = await owner(queue, dbPath, idempotent, true);
      const client: OwnerClient = await connectOwnerClient(url, queue);
      cleanups.push(() => client.close());
      const answer = client.request({ clientId: 0, slot: 0, input: 0, workUs: 0 });
      const [, signal] = (await once(first.child, 'exit')) as [number | null, NodeJS.Signals | null];
      expect(signal).toBe('SIGKILL');
      // The sale was stored before the kill; no answer was sent.
      expect(first.lines.filter((l) => l.startsWith('applied'))).toHaveLength(1);
      expect(db(dbPath).count).toBe(1);
      if (idempotent) expect(db(dbPath)[REQUESTS_KEY]).toEqual([first.lines.find((l) => l.startsWith('applied'))?.split(' ')[1]]);

      // The replacement owner loads the store and gets the request again from the broker.
      const second = await owner(queue, dbPath, idempotent, false);
      await expect(answer).resolves.toEqual({ result: { success: true, tornReads: 0 } });
      const taken = 2 - db(dbPath).count;
      if (idempotent) {
        expect(taken).toBe(1);
        expect(second.lines.filter((l) => l.startsWith('applied'))).toHaveLength(0);
      } else {
        // One buyer told it bought, two tickets gone: the redelivered request was sold again.
        expect(taken).toBe(2);
        expect(second.lines.filter((l) => l.startsWith('applied'))).toHaveLength(1);
      }
    });
  }
});
