/**
 * The state of a run whose strategy keeps it in a server (`Strategy.stateStore` `redis` or
 * `postgres`): created before the strategy's setup, read after the clients end, dropped at the
 * end of the run whatever happened.
 */
import type { ReadResult } from '../workloads/operation.ts';
import { isRunNamespace } from './namespace.ts';
import { createPostgresState, dropPostgresState, readPostgresState } from './postgres-state.ts';
import { createRedisState, dropRedisState, readRedisState } from './redis-state.ts';
import type { EngineName, ServiceUrls } from './services.ts';

/** A run's state in `engine`, under `namespace`. */
export interface EngineState {
  create(initial: unknown): Promise<void>;
  read(): Promise<ReadResult>;
  drop(): Promise<void>;
}

/** The state of the run whose namespace is `namespace`, in `engine` at `urls`. Throws on a malformed namespace. */
export function engineState(engine: EngineName, urls: ServiceUrls, namespace: string): EngineState {
  if (!isRunNamespace(namespace)) throw new Error(`not a run namespace: ${namespace}`);
  if (engine === 'redis') {
    return {
      create: (initial) => createRedisState(urls.redis, namespace, initial),
      read: () => readRedisState(urls.redis, namespace),
      drop: () => dropRedisState(urls.redis, namespace),
    };
  }
  return {
    create: (initial) => createPostgresState(urls.postgres, namespace, initial),
    read: () => readPostgresState(urls.postgres, namespace),
    drop: () => dropPostgresState(urls.postgres, namespace),
  };
}
