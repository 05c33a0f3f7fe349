/**
 * The state of a run whose strategy keeps it in a server (`Strategy.stateStore` `redis`,
 * `postgres` or `nats`): created before the strategy's setup, read after the clients end, dropped
 * at the end of the run whatever happened. And what a run leaves in the message broker its
 * requests travel through (`Strategy.broker`): deleted at the end of the run whatever happened.
 */
import type { ReadResult } from '../workloads/operation.ts';
import { isRunNamespace } from './namespace.ts';
import { createPostgresState, dropPostgresState, readPostgresState } from './postgres-state.ts';
import { createRedisState, dropRedisState, readRedisState } from './redis-state.ts';
import { bucketStream, createNatsState, dropNatsState, readNatsState } from './nats-state.ts';
import { dropRabbitQueue } from './rabbitmq-queue.ts';
import { brokerNames } from './broker-names.ts';
import { shownUrl, type BrokerEngine, type ServiceUrls, type StateEngine } from './services.ts';

/** A run's state in `engine`, under `namespace`. */
export interface EngineState {
  create(initial: unknown): Promise<void>;
  read(): Promise<ReadResult>;
  drop(): Promise<void>;
  /** One line naming what stays in the server when `drop` failed (`why`), and the command that removes it. */
  leftBehind(why: string): string;
}

/** The state of the run whose namespace is `namespace`, in `engine` at `urls`. Throws on a malformed namespace. */
export function engineState(engine: StateEngine, urls: ServiceUrls, namespace: string): EngineState {
  if (!isRunNamespace(namespace)) throw new Error(`not a run namespace: ${namespace}`);
  if (engine === 'nats') {
    return {
      create: (initial) => createNatsState(urls.nats, namespace, initial),
      read: () => readNatsState(urls.nats, namespace),
      drop: () => dropNatsState(urls.nats, namespace),
      leftBehind: (why) => {
        const url = shownUrl(urls.nats);
        const bucket = brokerNames(namespace).bucket;
        return `the run's key-value bucket ${bucket} (stream ${bucketStream(bucket)}) was left in NATS at ${url} (${why}); delete it with: nats --server '${url}' kv del ${bucket} -f`;
      },
    };
  }
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

/** What a run leaves in a broker: `drop` deletes it; `leftBehind` names it when `drop` failed (`why`). */
export interface BrokerLeftovers {
  drop(): Promise<void>;
  leftBehind(why: string): string;
}

/**
 * What the run whose namespace is `namespace` leaves in `broker` at `urls`: in RabbitMQ its
 * request queue; in NATS nothing (core NATS subjects keep nothing once their subscribers are
 * gone). Throws on a malformed namespace.
 */
export function brokerLeftovers(broker: BrokerEngine, urls: ServiceUrls, namespace: string): BrokerLeftovers {
  if (!isRunNamespace(namespace)) throw new Error(`not a run namespace: ${namespace}`);
  if (broker === 'nats') return { drop: () => Promise.resolve(), leftBehind: (why) => `nothing of the run is kept in NATS at ${shownUrl(urls.nats)} (${why})` };
  return {
    drop: () => dropRabbitQueue(urls.rabbitmq, namespace),
    leftBehind: (why) => {
      const queue = brokerNames(namespace).requestQueue;
      return `the run's queue ${queue} was left in RabbitMQ at ${shownUrl(urls.rabbitmq)} (${why}); the server deletes it once unused for a minute (x-expires), or delete it with: rabbitmqctl delete_queue '${queue}'`;
    },
  };
}
