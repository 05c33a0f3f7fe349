import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { sleepExact } from '../bench/coordination/sleep.ts';
import { brokerNames } from '../bench/engines/broker-names.ts';
import { parseState } from '../bench/engines/stored-state.ts';
import { ConflictError, isConflict, type ReadResult, type StateAccess } from '../bench/workloads/operation.ts';
import type { FileStore } from '../bench/workloads/store.ts';
import type { Strategy } from './strategy.ts';
import { sharedNats } from './support/nats-connection.ts';

/** The JetStream API error of an update whose expected revision is not the key's last one. */
export const WRONG_LAST_SEQUENCE = 10071;

/** Whether `error` is JetStream refusing an update for a wrong revision. */
export function isWrongRevision(error: unknown): boolean {
  return error instanceof Error && ((error as { code?: unknown }).code === WRONG_LAST_SEQUENCE || /wrong last sequence/i.test(error.message));
}

/**
 * One attempt's view of the state entry: `get` (its revision remembered, then the read latency);
 * the write latency, then `update` with that revision, which JetStream refuses if the entry has a
 * newer one: the attempt aborts with a {@link ConflictError}.
 */
export class RevisionedEntry implements StateAccess {
  private revision: number | null = null;

  constructor(
    protected readonly kv: KV,
    protected readonly key: string,
    protected readonly store: FileStore,
  ) {}

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  async read(): Promise<ReadResult> {
    const entry = await this.kv.get(this.key);
    this.revision = entry?.revision ?? null;
    await sleepExact(this.store.latency.readMs);
    return parseState(entry === null || entry.operation !== 'PUT' ? null : entry.string());
  }

  async write(state: unknown): Promise<void> {
    const revision = this.revision;
    if (revision === null) throw new Error('nats-kv-cas: a write must follow a read of the same attempt');
    await sleepExact(this.store.latency.writeMs);
    try {
      this.revision = await this.kv.update(this.key, JSON.stringify(state), revision);
    } catch (error) {
      if (isWrongRevision(error)) throw new ConflictError(`NATS KV: the state entry changed since revision ${revision} (wrong last sequence)`);
      throw error;
    }
  }
}

/** What each client gets: the NATS server and the run's bucket. */
interface KvShare {
  readonly url: string;
  readonly bucket: string;
  readonly key: string;
}

/**
 * `nats-kv-cas`: optimistic concurrency in NATS JetStream's key-value store, the distributed twin
 * of `optimistic`. An attempt reads the state entry and its revision, works, and writes with
 * `update(key, value, revision)`, which the server refuses if another write came in between;
 * the client then retries from a fresh read. The bucket (one revision kept) is the run's own,
 * created and read by the harness (`bench/engines/nats-state.ts`).
 */
export const natsKvCas: Strategy = {
  name: 'nats-kv-cas',
  description: 'state in a NATS JetStream key-value entry; each attempt reads it and its revision, then updates it only at that revision, retried when refused',
  paradigm: 'optimistic concurrency',
  guarantee: 'serializable commits',
  order: 'unspecified',
  onHolderCrash: 'nothing is held while a client works: a dead client loses only its own attempt',
  stateLocation: 'NATS JetStream key-value entry (server)',
  stateStore: 'nats',
  reach: 'machines',

  setup(config) {
    const names = brokerNames(config.namespace);
    const share: KvShare = { url: config.services.nats, bucket: names.bucket, key: names.stateKey };
    return Promise.resolve({ forClient: () => ({ data: share, transfer: [] }), teardown: () => Promise.resolve() });
  },

  async connect(env) {
    const share = env.share as KvShare;
    const use = await sharedNats(share.url);
    const kv = await new Kvm(jetstream(use.connection)).open(share.bucket);
    return {
      async run(op) {
        for (;;) {
          try {
            return await env.execute(op, new RevisionedEntry(kv, share.key, env.store));
          } catch (error) {
            if (!isConflict(error)) throw error;
          }
        }
      },
      close: () => use.release(),
    };
  },
};
