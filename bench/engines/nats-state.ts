/**
 * A run's state in NATS JetStream's key-value store: a bucket of its own (named after the run's
 * namespace, see `broker-names.ts`) holding one key, the workload's state as JSON text. The
 * harness creates it with the initial state before the strategy's setup, reads the final state
 * after the clients end (the verdict never rests on what a strategy reports), and destroys the
 * bucket (its stream `KV_<bucket>`).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import type { ReadResult } from '../workloads/operation.ts';
import { brokerNames } from './broker-names.ts';
import { parseState } from './stored-state.ts';

/** How long the harness waits for the server, ms: a silent server fails the run instead of hanging it. */
const HARNESS_TIMEOUT_MS = 5_000;

/** The bucket's settings: one revision kept per key (a compare-and-set needs only the latest). */
export const BUCKET_OPTIONS = { history: 1, storage: StorageType.Memory } as const;

async function withConnection<T>(url: string, work: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: url, timeout: HARNESS_TIMEOUT_MS, reconnect: false });
  try {
    return await work(nc);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** Creates the run's bucket with `initial` as its state. Throws if the server does not answer or has no JetStream. */
export function createNatsState(url: string, namespace: string, initial: unknown): Promise<void> {
  const names = brokerNames(namespace);
  return withConnection(url, async (nc) => {
    const kv = await new Kvm(jetstream(nc, { timeout: HARNESS_TIMEOUT_MS })).create(names.bucket, BUCKET_OPTIONS);
    await kv.create(names.stateKey, JSON.stringify(initial));
  });
}

/** The run's state as it is in the bucket now: parsed, or the text that did not parse ('' if the key is gone). */
export function readNatsState(url: string, namespace: string): Promise<ReadResult> {
  const names = brokerNames(namespace);
  return withConnection(url, async (nc) => {
    const kv = await new Kvm(jetstream(nc, { timeout: HARNESS_TIMEOUT_MS })).open(names.bucket);
    const entry = await kv.get(names.stateKey);
    return parseState(entry === null || entry.operation !== 'PUT' ? null : entry.string());
  });
}

/** Destroys the run's bucket, if it exists. */
export function dropNatsState(url: string, namespace: string): Promise<void> {
  return withConnection(url, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: HARNESS_TIMEOUT_MS });
    await jsm.streams.delete(bucketStream(brokerNames(namespace).bucket)).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  });
}

/** The JetStream stream behind the key-value bucket `bucket`. */
export function bucketStream(bucket: string): string {
  return `KV_${bucket}`;
}

/** The names of the key-value buckets at `url` (their streams `KV_<bucket>`) that start with `prefix`. */
export function natsBuckets(url: string, prefix: string): Promise<string[]> {
  return withConnection(url, async (nc) => {
    const jsm = await jetstreamManager(nc, { timeout: HARNESS_TIMEOUT_MS });
    const names: string[] = [];
    for await (const stream of jsm.streams.names()) if (stream.startsWith(`KV_${prefix}`)) names.push(stream.slice(3));
    return names;
  });
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}
