/**
 * The state of a run whose strategy keeps it in a server (`Strategy.stateStore` `redis` or
 * `postgres`): created before the strategy's setup, read after the clients end, dropped at the
 * end of the run whatever happened.
 */
import type { ReadResult } from '../workloads/operation.ts';
import { isRunNamespace } from './namespace.ts';
import { createPostgresState, dropPostgresState, readPostgresState } from './postgres-state.ts';
import { createRedisState, dropRedisState, readRedisState } from './redis-state.ts';
import { shownUrl, type EngineName, type ServiceUrls } from './services.ts';

/** A run's state in `engine`, under `namespace`. */
export interface EngineState {
  create(initial: unknown): Promise<void>;
  read(): Promise<ReadResult>;
  drop(): Promise<void>;
  /** One line naming what stays in the server when `drop` failed (`why`), and the command that removes it. */
  leftBehind(why: string): string;
}

/** The state of the run whose namespace is `namespace`, in `engine` at `urls`. Throws on a malformed namespace. */
export function engineState(engine: EngineName, urls: ServiceUrls, namespace: string): EngineState {
  if (!isRunNamespace(namespace)) throw new Error(`not a run namespace: ${namespace}`);
  if (engine === 'redis') {
    return {
      create: (initial) => createRedisState(urls.redis, namespace, initial),
      read: () => readRedisState(urls.redis, namespace),
      drop: () => dropRedisState(urls.redis, namespace),
      leftBehind: (why) => {
        const url = shownUrl(urls.redis);
        const pattern = `sync-bench:${namespace}:*`;
        return `the run's keys ${pattern} were left in Redis at ${url} (${why}); delete them with: redis-cli -u '${url}' --scan --pattern '${pattern}' | xargs -r redis-cli -u '${url}' DEL`;
      },
    };
  }
  return {
    create: (initial) => createPostgresState(urls.postgres, namespace, initial),
    read: () => readPostgresState(urls.postgres, namespace),
    drop: () => dropPostgresState(urls.postgres, namespace),
    leftBehind: (why) => {
      const url = shownUrl(urls.postgres);
      return `the run's schema ${namespace} was left in PostgreSQL at ${url} (${why}); drop it with: psql '${url}' -c 'DROP SCHEMA ${namespace} CASCADE'`;
    },
  };
}
