/**
 * The names a run uses in the message brokers, all made from its namespace (see `namespace.ts`,
 * `sync_bench_<pid>_<12 hex digits>`), so that two runs at once never see each other's queue,
 * subjects or bucket, and a dead run's leftovers carry its pid.
 */

/** The run's names in RabbitMQ and NATS. */
export interface BrokerNames {
  /** RabbitMQ: the quorum queue the owner consumes purchase requests from. */
  readonly requestQueue: string;
  /** NATS: the subject the owner answers requests on, in queue group {@link OWNER_QUEUE_GROUP}. */
  readonly requestSubject: string;
  /** NATS JetStream: the key-value bucket holding the state (its stream is `KV_<bucket>`). */
  readonly bucket: string;
  /** The key of the state in {@link bucket}. */
  readonly stateKey: string;
}

/** The queue group the NATS owner subscribes in. */
export const OWNER_QUEUE_GROUP = 'owner';

/** The names of the run whose namespace is `namespace`. */
export function brokerNames(namespace: string): BrokerNames {
  return { requestQueue: `${namespace}.requests`, requestSubject: `${namespace}.requests`, bucket: namespace, stateKey: 'state' };
}

/**
 * How long RabbitMQ keeps a run's queue once nothing uses it (no consumer, no redeclaration), ms:
 * the queue's `x-expires`. A run deletes its queue at its end; a run killed (SIGKILL) cannot, and
 * the server deletes the queue this long after the run's owner connection closed.
 */
export const QUEUE_EXPIRES_MS = 60_000;
