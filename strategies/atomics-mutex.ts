import type { Strategy } from './strategy.ts';

const UNLOCKED = 0;
/** Locked, no waiter known. */
const LOCKED = 1;
/** Locked, and some client may be waiting: the unlocker must wake one. */
const CONTENDED = 2;

/**
 * A three-state futex mutex on one `Int32Array` cell of a SharedArrayBuffer: "Mutex, Take 3"
 * from Ulrich Drepper, "Futexes Are Tricky" (2011), with `Atomics.waitAsync`/`Atomics.notify`
 * in place of FUTEX_WAIT/FUTEX_WAKE.
 *
 * Uncontended, `lock` is one compare-exchange and `unlock` one subtraction, with no system call.
 * A waiter marks the cell CONTENDED before it sleeps, so an unlock can never miss it (no lost
 * wake-up). Waiting is `Atomics.waitAsync`, never `Atomics.wait`: a thread that runs many
 * clients keeps running the holder while others wait. Not fair: a newcomer can take the lock
 * before a woken waiter (barging), as with a futex.
 */
export class FutexMutex {
  constructor(private readonly cell: Int32Array) {}

  /** Resolves once this caller holds the mutex. */
  async lock(): Promise<void> {
    let c = Atomics.compareExchange(this.cell, 0, UNLOCKED, LOCKED);
    if (c === UNLOCKED) return;
    if (c !== CONTENDED) c = Atomics.exchange(this.cell, 0, CONTENDED);
    while (c !== UNLOCKED) {
      const wait = Atomics.waitAsync(this.cell, 0, CONTENDED);
      if (wait.async) await wait.value;
      c = Atomics.exchange(this.cell, 0, CONTENDED);
    }
  }

  /** Releases the mutex; wakes one waiter if any may be waiting. Call only as the holder. */
  unlock(): void {
    if (Atomics.sub(this.cell, 0, 1) !== LOCKED) {
      Atomics.store(this.cell, 0, UNLOCKED);
      Atomics.notify(this.cell, 0, 1);
    }
  }
}

/**
 * `atomics-mutex`: the db file stays on disk, guarded by a {@link FutexMutex} in a
 * SharedArrayBuffer shared by every client thread of the process.
 */
export const atomicsMutex: Strategy = {
  name: 'atomics-mutex',
  description: 'three-state futex mutex in a SharedArrayBuffer (Atomics CAS + waitAsync/notify)',
  paradigm: 'shared state + lock',
  guarantee: 'mutual exclusion',
  order: 'unspecified',
  stateLocation: 'db file (disk)',
  reach: 'threads of one process',

  setup() {
    const buffer = new SharedArrayBuffer(4);
    return Promise.resolve({
      forClient: () => ({ data: buffer, transfer: [] }),
      teardown: () => Promise.resolve(),
    });
  },

  connect(env) {
    const mutex = new FutexMutex(new Int32Array(env.share as SharedArrayBuffer));
    return Promise.resolve({
      async run(op) {
        await mutex.lock();
        try {
          return await env.execute(op, env.store);
        } finally {
          mutex.unlock();
        }
      },
      close: () => Promise.resolve(),
    });
  },
};
