/**
 * The tasks of `npm run bench:micro`, run in piscina worker threads so that what is measured is
 * what a client thread pays. Timed tasks run a tinybench task of `batch` operations per iteration
 * and return tinybench's latency statistics divided by `batch`: per operation.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { tryLock, unlock } from 'fs-native-extensions';
import pg from 'pg';
import { Bench } from 'tinybench';
import { postgresClientConfig } from '../engines/services.ts';
import { openRedis } from '../../strategies/support/redis-session.ts';
import { strategies, type StrategyName } from '../../strategies/registry.ts';
import { nextMessage } from '../../strategies/support/message-port.ts';
import { StartBarrier } from '../coordination/barrier.ts';
import { since } from '../coordination/clock.ts';
import { ipcEcho } from './ipc-echo.ts';
import { CriticalSectionLog } from '../evidence/event-log.ts';
import { createExecutor } from '../runners/executor.ts';
import type { RunConfig } from '../runners/run-config.ts';
import { FileStore } from '../workloads/store.ts';

/** Per-operation statistics of a timed task, ns. */
export interface PerOp {
  readonly medianNs: number;
  readonly meanNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  /** Relative margin of error of the mean at 95%, percent (tinybench's `rme`). */
  readonly rmePercent: number;
  /** tinybench iterations (each of `batch` operations). */
  readonly samples: number;
  readonly batch: number;
}

export type MicroTask =
  | { readonly kind: 'cas-store'; readonly batch: number }
  | { readonly kind: 'mkdir-rmdir'; readonly batch: number; readonly dir: string }
  | { readonly kind: 'ofd-lock'; readonly batch: number; readonly path: string }
  | { readonly kind: 'sqlite-begin-commit'; readonly batch: number; readonly path: string }
  | { readonly kind: 'unix-ping'; readonly batch: number; readonly socket: string }
  | { readonly kind: 'ipc-ping'; readonly batch: number }
  | { readonly kind: 'redis-ping'; readonly batch: number; readonly url: string }
  | { readonly kind: 'pg-select'; readonly batch: number; readonly url: string }
  | { readonly kind: 'wait-ping'; readonly batch: number; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'wait-pong'; readonly buffer: SharedArrayBuffer }
  | { readonly kind: 'port-ping'; readonly batch: number; readonly port: MessagePort }
  | { readonly kind: 'port-pong'; readonly port: MessagePort }
  | { readonly kind: 'log-stamps'; readonly batch: number; readonly config: RunConfig }
  | { readonly kind: 'session-timed'; readonly batch: number; readonly config: RunConfig; readonly clientId: number; readonly share: unknown }
  | { readonly kind: 'session-count'; readonly config: RunConfig; readonly clientId: number; readonly share: unknown; readonly ops: number };

/** How long tinybench samples each task, ms. */
export const TIME_MS = 1_000;
export const WARMUP_MS = 200;

/** Cells of the wait/notify ping-pong buffer. */
const TURN = 0;
const STOP = 1;

async function timed(batch: number, fn: () => unknown): Promise<PerOp> {
  const bench = new Bench({ time: TIME_MS, warmupTime: WARMUP_MS });
  bench.add('task', fn);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error(`tinybench task ended ${result?.state ?? 'without a result'}`);
  const ns = (ms: number) => (ms * 1e6) / batch;
  const latency = result.latency;
  return {
    medianNs: ns(latency.p50),
    meanNs: ns(latency.mean),
    minNs: ns(latency.min),
    maxNs: ns(latency.max),
    rmePercent: latency.rme,
    samples: latency.samplesCount,
    batch,
  };
}

export default async function micro(task: MicroTask): Promise<PerOp | number> {
  switch (task.kind) {
    case 'cas-store': {
      const cells = new Int32Array(new SharedArrayBuffer(4));
      return timed(task.batch, () => {
        for (let i = 0; i < task.batch; i++) {
          Atomics.compareExchange(cells, 0, 0, 1);
          Atomics.store(cells, 0, 0);
        }
      });
    }
    case 'mkdir-rmdir': {
      const path = join(task.dir, 'lock');
      return timed(task.batch, () => {
        for (let i = 0; i < task.batch; i++) {
          mkdirSync(path);
          rmdirSync(path);
        }
      });
    }
    case 'ofd-lock': {
      const fd = openSync(task.path, 'a+');
      try {
        return await timed(task.batch, () => {
          for (let i = 0; i < task.batch; i++) {
            if (!tryLock(fd)) throw new Error('the OFD lock was held by someone else');
            unlock(fd);
          }
        });
      } finally {
        closeSync(fd);
      }
    }
    case 'sqlite-begin-commit': {
      const db = new Database(task.path);
      try {
        db.pragma('journal_mode = WAL');
        return await timed(task.batch, () => {
          for (let i = 0; i < task.batch; i++) {
            db.exec('BEGIN IMMEDIATE');
            db.exec('COMMIT');
          }
        });
      } finally {
        db.close();
      }
    }
    case 'unix-ping': {
      // One byte to a process that echoes it over a Unix domain socket, until the echo arrives.
      const socket = connect(task.socket);
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.setNoDelay(true);
      try {
        return await timed(task.batch, async () => {
          for (let i = 0; i < task.batch; i++) {
            const echo = new Promise((resolve) => socket.once('data', resolve));
            socket.write('x');
            await echo;
          }
        });
      } finally {
        socket.destroy();
      }
    }
    case 'redis-ping': {
      // PING through the client library the Redis strategies use, one at a time: a round trip.
      const redis = await openRedis(task.url);
      try {
        return await timed(task.batch, async () => {
          for (let i = 0; i < task.batch; i++) await redis.ping();
        });
      } finally {
        redis.disconnect();
      }
    }
    case 'pg-select': {
      // SELECT 1 through the client library the PostgreSQL strategies use, one at a time: a round trip.
      const client = new pg.Client(postgresClientConfig(task.url));
      await client.connect();
      try {
        return await timed(task.batch, async () => {
          for (let i = 0; i < task.batch; i++) await client.query('SELECT 1');
        });
      } finally {
        await client.end();
      }
    }
    case 'ipc-ping': {
      // A one-character message to a forked process that echoes it over the IPC channel, until the echo arrives.
      const child = spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
      const echo = ipcEcho(child);
      try {
        await echo('x');
        return await timed(task.batch, async () => {
          for (let i = 0; i < task.batch; i++) await echo('x');
        });
      } finally {
        child.kill();
      }
    }
    case 'wait-ping': {
      // One round trip: hand the turn to the other thread, block until it hands it back.
      const cells = new Int32Array(task.buffer);
      const perRoundTrip = await timed(task.batch, () => {
        for (let i = 0; i < task.batch; i++) {
          Atomics.store(cells, TURN, 1);
          Atomics.notify(cells, TURN);
          while (Atomics.load(cells, TURN) === 1) Atomics.wait(cells, TURN, 1);
        }
      });
      Atomics.store(cells, STOP, 1);
      Atomics.store(cells, TURN, 1);
      Atomics.notify(cells, TURN);
      return perRoundTrip;
    }
    case 'wait-pong': {
      const cells = new Int32Array(task.buffer);
      let rounds = 0;
      for (;;) {
        while (Atomics.load(cells, TURN) === 0) Atomics.wait(cells, TURN, 0);
        if (Atomics.load(cells, STOP) === 1) return rounds;
        Atomics.store(cells, TURN, 0);
        Atomics.notify(cells, TURN);
        rounds++;
      }
    }
    case 'port-ping': {
      const perRoundTrip = await timed(task.batch, async () => {
        for (let i = 0; i < task.batch; i++) {
          task.port.postMessage(i);
          await nextMessage(task.port);
        }
      });
      task.port.postMessage('stop');
      task.port.close();
      return perRoundTrip;
    }
    case 'port-pong': {
      let rounds = 0;
      await new Promise<void>((resolve) => {
        task.port.on('message', (message: unknown) => {
          if (message === 'stop') return resolve();
          rounds++;
          task.port.postMessage(message);
        });
      });
      task.port.close();
      return rounds;
    }
    case 'log-stamps': {
      // The harness's own share of every operation below: the event-log stamps around an empty body.
      const execute = createExecutor(task.config);
      const store = new FileStore(task.config.dbPath, task.config.latency);
      const op = { clientId: 0, slot: 0, input: 0, workUs: 0 };
      return timed(task.batch, async () => {
        for (let i = 0; i < task.batch; i++) await execute(op, store);
      });
    }
    case 'session-timed':
    case 'session-count': {
      const config = task.config;
      const strategy = strategies[config.strategy as StrategyName];
      const store = new FileStore(config.dbPath, config.latency);
      const session = await strategy.connect({ share: task.share, store, execute: createExecutor(config), note: () => undefined });
      try {
        if (task.kind === 'session-timed') {
          const op = { clientId: task.clientId, slot: 0, input: 0, workUs: 0 };
          return await timed(task.batch, async () => {
            for (let i = 0; i < task.batch; i++) await session.run(op);
          });
        }
        // Contended: `ops` critical sections in a row, each in its own log slot with its request
        // stamped, started together with the other client from the run's barrier; returns ms.
        const log = new CriticalSectionLog(config.log);
        await new StartBarrier(config.barrier).arriveAndWait();
        const started = since(config.clockBase);
        for (let i = 0; i < task.ops; i++) {
          const op = { clientId: task.clientId, slot: task.clientId * task.ops + i, input: 0, workUs: 0 };
          log.request(op.slot, task.clientId, since(config.clockBase));
          await session.run(op);
        }
        return since(config.clockBase) - started;
      } finally {
        await session.close();
      }
    }
  }
}
