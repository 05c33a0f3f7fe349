import { ConflictError, isConflict, type ReadResult, type StateAccess } from '../bench/workloads/operation.ts';
import { sleepExact } from '../bench/coordination/sleep.ts';
import type { FileStore } from '../bench/workloads/store.ts';
import type { Strategy } from './strategy.ts';

/**
 * The db file read and written under a version counter (one `Int32Array` cell of a
 * SharedArrayBuffer), as a seqlock: the counter is even while no commit is in progress and odd
 * during one.
 *
 * - `read`: wait out a commit in progress, read the file, and keep the read only if the counter
 *   did not move meanwhile (otherwise read again); remember the version; then the read latency.
 * - `write`: the write latency, then commit: compare-and-swap the counter from the version read
 *   to version + 1 (odd). If it moved, another client committed since this one read: throw
 *   {@link ConflictError} and write nothing. Otherwise write the file and set version + 2.
 *
 * Nobody waits for anybody except for the few microseconds of a commit's file write.
 */
class VersionedFile implements StateAccess {
  private readVersion: number | null = null;

  constructor(
    private readonly version: Int32Array,
    private readonly store: FileStore,
  ) {}

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  async read(): Promise<ReadResult> {
    let result: ReadResult;
    for (;;) {
      const before = Atomics.load(this.version, 0);
      if (before % 2 === 1) {
        const wait = Atomics.waitAsync(this.version, 0, before);
        if (wait.async) await wait.value;
        continue;
      }
      result = await this.store.load();
      if (Atomics.load(this.version, 0) === before) {
        this.readVersion = before;
        break;
      }
    }
    await sleepExact(this.store.latency.readMs);
    return result;
  }

  async write(state: unknown): Promise<void> {
    const read = this.readVersion;
    if (read === null) throw new Error('optimistic: a write must follow a read of the same attempt');
    await sleepExact(this.store.latency.writeMs);
    if (Atomics.compareExchange(this.version, 0, read, read + 1) !== read) {
      throw new ConflictError(`the db changed since this attempt read version ${read}`);
    }
    try {
      await this.store.save(state);
    } finally {
      Atomics.store(this.version, 0, read + 2);
      Atomics.notify(this.version, 0);
    }
    this.readVersion = read + 2;
  }
}

/**
 * `optimistic`: optimistic concurrency control (H. T. Kung and J. T. Robinson, "On Optimistic
 * Methods for Concurrency Control", ACM TODS 6(2), 1981). A client reads the state and its
 * version without waiting, does its work (the simulated latencies included), and commits only if
 * the version is unchanged; otherwise the attempt aborts and the client starts over from a fresh
 * read. A read-only attempt (no ticket left) commits without validation: it read one committed
 * state. This is what ticket systems do with a conditional `UPDATE … WHERE count > 0` or Redis
 * `WATCH`/`MULTI`.
 *
 * It promises serializable commits, not mutual exclusion: bodies overlap by design, so the
 * harness judges it by the final state and the clients' outcomes. It cannot order side effects
 * that are not state (ordered-print's prints interleave).
 */
export const optimistic: Strategy = {
  name: 'optimistic',
  description: 'optimistic concurrency: work without waiting, commit by compare-and-swap on a version counter, retry on conflict',
  paradigm: 'optimistic concurrency',
  guarantee: 'serializable commits',
  order: 'unspecified',
  onHolderCrash:
    'nothing is held while a client works, so a crash loses only its own attempt; a crash inside the few microseconds of a commit would leave the version odd and block readers (not recovered)',
  stateLocation: 'db file (disk)',
  reach: 'threads of one process',
  reachLimit: 'its version counter is a SharedArrayBuffer cell compared-and-swapped with Atomics; Node cannot share a SharedArrayBuffer between processes',

  setup() {
    const version = new SharedArrayBuffer(4);
    return Promise.resolve({
      forClient: () => ({ data: version, transfer: [] }),
      teardown: () => Promise.resolve(),
    });
  },

  connect(env) {
    const version = new Int32Array(env.share as SharedArrayBuffer);
    return Promise.resolve({
      async run(op) {
        for (;;) {
          try {
            return await env.execute(op, new VersionedFile(version, env.store));
          } catch (error) {
            if (!isConflict(error)) throw error;
          }
        }
      },
      close: () => Promise.resolve(),
    });
  },
};
