/**
 * Client thread pools of the `threads` runner kept between the repetitions of a row, so that a
 * suite pays for starting worker threads (each loads the harness's client and every strategy
 * module through the TypeScript loader: about 1.5 s for two threads on a quiet 2-core machine, 9 s
 * at a load average of 25) about twice per row rather than at every repetition.
 *
 * A pool is kept under a key that names everything that shapes it (the strategy, the threads, the
 * clients it holds in flight), so a worker only ever runs the repetitions of one row: no strategy
 * runs in a thread another strategy's code ran in (the order bias that "fresh pools per strategy"
 * guards against). A run takes an idle pool of its key ({@link ThreadPool.take}) or starts one, and
 * gives it back ({@link ThreadPool.give}) only when every client's session closed cleanly and the
 * pool reported no error during the run. Every run still gets its own state from scratch: a new run
 * folder and db, the strategy's setup, and new event log, barrier, finish line, stop signal, fault
 * gate and session hold (all in the run's config, which every task carries), and new sessions; only
 * the threads and the modules they loaded are kept. What a strategy keeps per thread (a shared
 * connection, a lock's wait queue) is keyed by the run's folder, socket or server URL and let go
 * when the last session of the run closes (see `strategies/support/`). A pool whose run failed, had
 * a thread die, was a fault's victim, or whose sessions did not close in time is never given back:
 * it is destroyed, and the next run starts a fresh one.
 */
import type { Piscina } from 'piscina';
import { destroyForGood } from './pool-end.ts';

/** A client pool of piscina workers and where its errors go now (the run that holds it). */
export interface KeptPool<Task, Result> {
  readonly pool: Piscina<Task, Result>;
  /** The pool's `'error'` events go to the run that holds it; set by each run that takes it. */
  onError: (error: Error) => void;
  /** Whether it has run clients of an earlier run (false for a pool just started); set by {@link ThreadPool.take}. */
  reused: boolean;
}

/** Idle client pools by key, reused from one run to the next; see the module's docstring. */
export class ThreadPool {
  private readonly idle = new Map<string, KeptPool<never, never>>();
  /** Idle pools that reported an error while idle (a thread that died): destroyed, never lent. */
  private readonly spoiled = new Set<KeptPool<never, never>>();
  private closed = false;
  /** Pools started by runs that hold this keeper, over its life. */
  started = 0;

  /**
   * The idle pool kept under `key`, marked reused, or one made now with `make` (counted in
   * {@link started}); an idle pool that reported an error while it waited is destroyed, and one
   * made in its place. Rejects once closed.
   */
  async take<Task, Result>(key: string, make: () => KeptPool<Task, Result>): Promise<KeptPool<Task, Result>> {
    if (this.closed) throw new Error('the thread pool keeper is closed');
    const kept = this.idle.get(key);
    this.idle.delete(key);
    if (kept !== undefined && !this.spoiled.delete(kept)) {
      kept.reused = true;
      return kept;
    }
    if (kept !== undefined) await destroyForGood(kept.pool).catch(() => undefined);
    this.started++;
    return make();
  }

  /**
   * Keeps `kept` under `key` for the next run; one already idle under the key, or any once the
   * keeper is closed, is destroyed instead. An error it reports while idle spoils it (see
   * {@link take}). Resolves once kept or destroyed.
   */
  async give<Task, Result>(key: string, kept: KeptPool<Task, Result>): Promise<void> {
    if (this.closed || this.idle.has(key)) {
      await destroyForGood(kept.pool);
      return;
    }
    const idle = kept as unknown as KeptPool<never, never>;
    idle.onError = () => this.spoiled.add(idle);
    this.idle.set(key, idle);
  }

  /** Idle pools now. */
  get size(): number {
    return this.idle.size;
  }

  /** Destroys every idle pool and waits until their threads are gone; later gives destroy what they give. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = [...this.idle.values()];
    this.idle.clear();
    this.spoiled.clear();
    await Promise.allSettled(idle.map((kept) => destroyForGood(kept.pool)));
  }
}
