/**
 * The owner thread of `queue-owner`: the one place the state lives while clients run.
 * Task data: the run's config and either one MessagePort per client (threads runner) or the path
 * of the Unix socket to listen on (processes runner; see `support/owner-link.ts`) (see
 * `bench/runners/owner-thread.ts`). Each client's channel carries `Operation`s in; each answer is
 * an `OwnerReply` on the same channel.
 */
import { createExecutor } from '../bench/runners/executor.ts';
import type { Operation } from '../bench/workloads/operation.ts';
import type { OwnerTaskControl } from '../bench/runners/owner-thread.ts';
import type { StrategyConfig } from '../bench/runners/run-config.ts';
import { FileStore, MemoryState } from '../bench/workloads/store.ts';
import { nextMessage } from './support/message-port.ts';
import { servePeers, type OwnerChannels } from './support/owner-endpoints.ts';
import type { ClientPeer } from './support/owner-link.ts';
import type { OwnerReply } from './queue-owner.ts';

export type QueueOwnerTask = OwnerTaskControl & { readonly config: StrategyConfig } & OwnerChannels;

export default async function queueOwnerThread(task: QueueOwnerTask): Promise<void> {
  const { config, control } = task;
  const store = new FileStore(config.dbPath, config.latency);
  const initial = await store.load();
  if (!initial.ok) throw new Error(`db at start does not parse: ${JSON.stringify(initial.text.slice(0, 80))}`);
  const state = new MemoryState(initial.state, store);
  const execute = createExecutor(config.executor);

  /** Requests in arrival order. */
  const queue: { op: Operation; peer: ClientPeer }[] = [];
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
      next.peer.send(reply);
    }
    draining = false;
  };

  const serve = (peer: ClientPeer): void =>
    peer.onMessage((op) => {
      queue.push({ op: op as Operation, peer });
      void drain();
    });
  const clients = await servePeers(task, serve);
  const stop = nextMessage(control);
  control.postMessage('ready');
  await stop;
  await clients.close();
}
