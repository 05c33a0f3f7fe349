/**
 * The owner thread of `nats-owner`: loads the db into memory, subscribes to the run's request
 * subject in the owner queue group, and applies the requests one at a time in the order they
 * arrive, writing each change through to the db file and responding to the request's inbox.
 * Task data: the run's config (see `bench/runners/owner-thread.ts`).
 */
import { connect, type Msg } from '@nats-io/transport-node';
import { brokerNames, OWNER_QUEUE_GROUP } from '../bench/engines/broker-names.ts';
import { createExecutor } from '../bench/runners/executor.ts';
import type { OwnerTaskControl } from '../bench/runners/owner-thread.ts';
import type { StrategyConfig } from '../bench/runners/run-config.ts';
import type { Operation } from '../bench/workloads/operation.ts';
import { FileStore, MemoryState } from '../bench/workloads/store.ts';
import { nextMessage } from './support/message-port.ts';
import type { OwnerAnswer } from './support/rabbitmq-owner-service.ts';

export type NatsOwnerTask = OwnerTaskControl & { readonly config: StrategyConfig };

export default async function natsOwnerThread(task: NatsOwnerTask): Promise<void> {
  const { config, control } = task;
  const store = new FileStore(config.dbPath, config.latency);
  const initial = await store.load();
  if (!initial.ok) throw new Error(`db at start does not parse: ${JSON.stringify(initial.text.slice(0, 80))}`);
  const state = new MemoryState(initial.state, store);
  const execute = createExecutor(config.executor);
  const nc = await connect({ servers: config.services.nats });
  const queue: Msg[] = [];
  let draining = false;
  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      let answer: OwnerAnswer;
      try {
        answer = { result: await execute(next.json<Operation>(), state) };
      } catch (error) {
        answer = { error: error instanceof Error ? error.message : String(error) };
      }
      // At most once: a response whose requester is gone is dropped by the server.
      next.respond(JSON.stringify(answer));
    }
    draining = false;
  };
  nc.subscribe(brokerNames(config.namespace).requestSubject, {
    queue: OWNER_QUEUE_GROUP,
    callback: (error, message) => {
      if (error !== null) return;
      queue.push(message);
      void drain();
    },
  });
  // The subscription reaches the server before any client is told to start.
  await nc.flush();
  const stop = nextMessage(control);
  control.postMessage('ready');
  const closed = nc.closed().then((error) => Promise.reject(error ?? new Error('the NATS connection of the owner closed')));
  closed.catch(() => undefined);
  try {
    await Promise.race([stop, closed]);
  } finally {
    await nc.close().catch(() => undefined);
  }
}
