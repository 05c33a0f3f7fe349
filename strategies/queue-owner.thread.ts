/**
 * The owner thread of `queue-owner`: the one place the state lives while clients run.
 * Task data: the run's config and one MessagePort per client (see `bench/owner-thread.ts`).
 * Each port carries `Operation`s in; each answer is an `OwnerReply` on the same port.
 */
import type { MessagePort } from 'node:worker_threads';
import { createExecutor } from '../bench/runners/executor.ts';
import type { Operation } from '../bench/workloads/operation.ts';
import type { OwnerTaskControl } from '../bench/runners/owner-thread.ts';
import type { StrategyConfig } from '../bench/runners/run-config.ts';
import { FileStore, MemoryState } from '../bench/workloads/store.ts';
import { nextMessage } from './support/message-port.ts';
import type { OwnerReply } from './queue-owner.ts';

export interface QueueOwnerTask extends OwnerTaskControl {
  readonly config: StrategyConfig;
  readonly ports: readonly MessagePort[];
}

export default async function queueOwnerThread({ config, ports, control }: QueueOwnerTask): Promise<void> {
  const store = new FileStore(config.dbPath, config.latency);
  const initial = await store.load();
  if (!initial.ok) throw new Error(`db at start does not parse: ${JSON.stringify(initial.text.slice(0, 80))}`);
  const state = new MemoryState(initial.state, store);
  const execute = createExecutor(config.executor);

  /** Requests in arrival order. */
  const queue: { op: Operation; port: MessagePort }[] = [];
  let draining = false;
  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      let reply: OwnerReply;
      try {
        reply = { result: await execute(next.op, state) };
      } catch (error) {
        reply = { error: error instanceof Error ? error.message : String(error) };
      }
      next.port.postMessage(reply);
    }
    draining = false;
  };

  for (const port of ports) {
    port.on('message', (op: Operation) => {
      queue.push({ op, port });
      void drain();
    });
  }
  const stop = nextMessage(control);
  control.postMessage('ready');
  await stop;
  for (const port of ports) port.close();
}
