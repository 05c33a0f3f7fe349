/**
 * The owner thread of `rabbitmq-owner` and `rabbitmq-owner-idempotent` (see
 * `support/rabbitmq-owner-service.ts`): loads the db into memory, then serves the run's request
 * queue, running each body through the harness's executor and writing each change through to the
 * db file. Task data: the run's config and whether it is idempotent (see
 * `bench/runners/owner-thread.ts`).
 */
import { createExecutor } from '../bench/runners/executor.ts';
import { brokerNames } from '../bench/engines/broker-names.ts';
import type { OwnerTaskControl } from '../bench/runners/owner-thread.ts';
import type { StrategyConfig } from '../bench/runners/run-config.ts';
import { FileStore, MemoryState } from '../bench/workloads/store.ts';
import { nextMessage } from './support/message-port.ts';
import { startOwnerService } from './support/rabbitmq-owner-service.ts';

export type RabbitOwnerTask = OwnerTaskControl & { readonly config: StrategyConfig; readonly idempotent: boolean };

export default async function rabbitOwnerThread(task: RabbitOwnerTask): Promise<void> {
  const { config, control } = task;
  const store = new FileStore(config.dbPath, config.latency);
  const initial = await store.load();
  if (!initial.ok) throw new Error(`db at start does not parse: ${JSON.stringify(initial.text.slice(0, 80))}`);
  const state = new MemoryState(initial.state, store);
  const service = await startOwnerService({
    url: config.services.rabbitmq,
    queue: brokerNames(config.namespace).requestQueue,
    idempotent: task.idempotent,
    state,
    execute: createExecutor(config.executor),
  });
  const stop = nextMessage(control);
  control.postMessage('ready');
  try {
    await Promise.race([stop, service.failed]);
  } finally {
    await service.close();
  }
}
