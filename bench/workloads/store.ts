import { readFileSync, writeFileSync } from 'node:fs';
import type { ReadResult, StateAccess } from './operation.ts';
import { sleepExact } from '../coordination/sleep.ts';

/** The simulated latencies a store applies: ms. */
export interface StoreLatency {
  readonly readMs: number;
  readonly writeMs: number;
}

/**
 * The workload's persistent state: a JSON file, like the seed document's `db`.
 *
 * `read`/`write` are the accesses a critical section makes, with the simulated network latencies
 * in the document's order: read the file, then wait `readMs`; wait `writeMs`, then write the file.
 * `load`/`save` are the bare file operations, without latency.
 *
 * File I/O is synchronous, like the document's Python (`open(...).read()`, `json.dump`): a few
 * microseconds that never wait behind other threads' requests in libuv's thread pool, so a hold
 * time is the simulated latency plus the file access itself. Writes are plain truncate-and-write,
 * as in the document: a reader in another thread that runs concurrently with a writer can see an
 * empty or half-written file. Such a read is returned as
 * torn (`ok: false`), never thrown, so the harness can count it.
 */
export class FileStore implements StateAccess {
  constructor(
    readonly path: string,
    readonly latency: StoreLatency,
  ) {}

  get readLatencyMs(): number {
    return this.latency.readMs;
  }

  get writeLatencyMs(): number {
    return this.latency.writeMs;
  }

  load(): Promise<ReadResult> {
    const text = readFileSync(this.path, 'utf8');
    try {
      return Promise.resolve({ ok: true, state: JSON.parse(text) as unknown });
    } catch {
      return Promise.resolve({ ok: false, text });
    }
  }

  save(state: unknown): Promise<void> {
    writeFileSync(this.path, JSON.stringify(state));
    return Promise.resolve();
  }

  async read(): Promise<ReadResult> {
    const result = await this.load();
    await sleepExact(this.latency.readMs);
    return result;
  }

  async write(state: unknown): Promise<void> {
    await sleepExact(this.latency.writeMs);
    await this.save(state);
  }
}

/**
 * State held in memory by whoever owns it (a token holder, an owner thread), written through to
 * `store` on every change. Reads cost nothing: that is the point of keeping state in memory.
 * Writes persist with the store's write latency before they return.
 */
export class MemoryState implements StateAccess {
  constructor(
    public current: unknown,
    private readonly store: FileStore,
  ) {}

  readonly readLatencyMs = 0;

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  read(): Promise<ReadResult> {
    return Promise.resolve({ ok: true, state: structuredClone(this.current) });
  }

  async write(state: unknown): Promise<void> {
    await this.store.write(state);
    this.current = structuredClone(state);
  }
}
