import type { Strategy } from './strategy.ts';

// The mutex's buffer: Int32Array cells.
const STATE = 0;
/** Heartbeat slot of the thread whose client holds the mutex; NO_OWNER between holders. */
const OWNER = 1;
/** Next free heartbeat slot. */
const NEXT_SLOT = 2;
/** Identifies the buffer across the copies structured cloning makes of it, one per message. */
const ID = 3;
const HEARTBEATS = 4;
/** Threads that can hold the mutex in one run. */
const MAX_THREADS = 1024;

const UNLOCKED = 0;
/** Locked, no waiter known. */
const LOCKED = 1;
/** Locked, and some client may be waiting: the unlocker must wake one. */
const CONTENDED = 2;
const NO_OWNER = -1;

/** Each thread with a session on the mutex bumps its heartbeat this often, ms. */
const HEARTBEAT_MS = 100;
/** An owner whose thread's heartbeat has not moved for this long is dead, ms. */
export const OWNER_DEAD_AFTER_MS = 1_000;
/** A waiter looks at the owner's heartbeat this often, ms. */
const CHECK_MS = 250;

/** This thread's heartbeat in each mutex it has sessions on, by buffer id. */
const heartbeats = new Map<number, { slot: number; sessions: number; timer: NodeJS.Timeout }>();

/**
 * A robust three-state futex mutex on a SharedArrayBuffer.
 *
 * The lock is "Mutex, Take 3" from Ulrich Drepper, "Futexes Are Tricky" (2011), with
 * `Atomics.waitAsync`/`Atomics.notify` in place of FUTEX_WAIT/FUTEX_WAKE: uncontended, `lock` is
 * one compare-exchange and `unlock` one subtraction; a waiter marks the cell CONTENDED before it
 * sleeps, so an unlock never misses it (no lost wake-up). Waiting never blocks the thread, so a
 * thread that runs many clients keeps running the holder. Not fair: a newcomer can take the lock
 * before a woken waiter (barging), as with a futex.
 *
 * Robustness, after Linux's robust futexes: the holder records its thread's slot in OWNER, and
 * every thread with a session bumps a heartbeat cell every {@link HEARTBEAT_MS}. A waiter that
 * sees the owner's heartbeat stand still for {@link OWNER_DEAD_AFTER_MS} takes the mutex over
 * (one compare-exchange on OWNER decides among waiters) and is told, like EOWNERDEAD, that the
 * previous owner died inside its critical section. A live holder that is merely slow is never
 * taken over; a thread that cannot run a timer for a whole second would be (the same trade-off as
 * proper-lockfile's `stale`).
 */
export class RobustFutexMutex {
  private readonly cells: Int32Array;
  private readonly slot: number;
  private readonly id: number;

  /** A fresh mutex's buffer. */
  static allocate(): SharedArrayBuffer {
    const buffer = new SharedArrayBuffer((HEARTBEATS + MAX_THREADS) * 4);
    const cells = new Int32Array(buffer);
    cells[OWNER] = NO_OWNER;
    cells[ID] = Math.floor(Math.random() * 2 ** 31);
    return buffer;
  }

  /** Opens the mutex in `buffer` for one client of this thread; starts the thread's heartbeat. */
  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
    this.id = Atomics.load(this.cells, ID);
    let beat = heartbeats.get(this.id);
    if (beat === undefined) {
      const slot = Atomics.add(this.cells, NEXT_SLOT, 1);
      if (slot >= MAX_THREADS) throw new RangeError(`atomics-mutex: more than ${MAX_THREADS} threads`);
      const timer = setInterval(() => Atomics.add(this.cells, HEARTBEATS + slot, 1), HEARTBEAT_MS);
      timer.unref();
      beat = { slot, sessions: 0, timer };
      heartbeats.set(this.id, beat);
    }
    beat.sessions++;
    this.slot = beat.slot;
  }

  /** This client is done with the mutex; the thread's heartbeat stops with its last client. */
  close(): void {
    const beat = heartbeats.get(this.id);
    if (beat === undefined || --beat.sessions > 0) return;
    clearInterval(beat.timer);
    heartbeats.delete(this.id);
  }

  /**
   * Resolves once this caller holds the mutex, with `ownerDied: true` if it took the mutex over
   * from a holder whose thread died (the state it guards may be half-changed).
   */
  async lock(): Promise<{ ownerDied: boolean }> {
    let c = Atomics.compareExchange(this.cells, STATE, UNLOCKED, LOCKED);
    if (c !== UNLOCKED) {
      if (c !== CONTENDED) c = Atomics.exchange(this.cells, STATE, CONTENDED);
      const watch = new OwnerWatch(this.cells);
      while (c !== UNLOCKED) {
        const wait = Atomics.waitAsync(this.cells, STATE, CONTENDED, CHECK_MS);
        if (wait.async) await wait.value;
        const dead = watch.deadOwner();
        if (dead !== null && Atomics.compareExchange(this.cells, OWNER, dead, this.slot) === dead) {
          // Ours now, still locked and marked CONTENDED so our unlock wakes the next waiter.
          Atomics.store(this.cells, STATE, CONTENDED);
          return { ownerDied: true };
        }
        c = Atomics.exchange(this.cells, STATE, CONTENDED);
      }
    }
    Atomics.store(this.cells, OWNER, this.slot);
    return { ownerDied: false };
  }

  /**
   * Releases the mutex; wakes one waiter if any may be waiting. Call only as the holder. Throws
   * {@link OwnerDeadError}, releasing nothing, if this holder was declared dead and its mutex
   * taken over (its thread could not run a timer for OWNER_DEAD_AFTER_MS): the mutex is the new
   * holder's, and this one's critical section may have overlapped it.
   */
  unlock(): void {
    if (Atomics.compareExchange(this.cells, OWNER, this.slot, NO_OWNER) !== this.slot) {
      throw new OwnerDeadError('atomics-mutex: this holder was declared dead and its mutex taken over while it held it');
    }
    if (Atomics.sub(this.cells, STATE, 1) !== LOCKED) {
      Atomics.store(this.cells, STATE, UNLOCKED);
      Atomics.notify(this.cells, STATE, 1);
    }
  }
}

/** The holder lost the mutex to a waiter that took it for dead. */
export class OwnerDeadError extends Error {
  readonly code = 'EOWNERDEAD';
}

/** A waiter's view of the owner's heartbeat. */
class OwnerWatch {
  private owner = NO_OWNER;
  private beat = 0;
  private since = Date.now();

  constructor(private readonly cells: Int32Array) {}

  /** The owner's slot if its heartbeat has stood still for OWNER_DEAD_AFTER_MS; otherwise null. */
  deadOwner(): number | null {
    const owner = Atomics.load(this.cells, OWNER);
    const beat = owner === NO_OWNER ? 0 : Atomics.load(this.cells, HEARTBEATS + owner);
    if (owner !== this.owner || beat !== this.beat) {
      this.owner = owner;
      this.beat = beat;
      this.since = Date.now();
      return null;
    }
    return owner !== NO_OWNER && Date.now() - this.since >= OWNER_DEAD_AFTER_MS ? owner : null;
  }
}

/**
 * `atomics-mutex`: the db file stays on disk, guarded by a {@link RobustFutexMutex} in a
 * SharedArrayBuffer shared by every client thread of the process.
 */
export const atomicsMutex: Strategy = {
  name: 'atomics-mutex',
  description: 'robust three-state futex mutex in a SharedArrayBuffer (Atomics CAS + waitAsync/notify, owner heartbeat)',
  paradigm: 'shared state + lock',
  guarantee: 'mutual exclusion',
  order: 'unspecified',
  onHolderCrash:
    `robust mutex: a waiter that sees the owner thread's heartbeat stand still for ${OWNER_DEAD_AFTER_MS / 1000} s takes over, told the owner died (EOWNERDEAD)`,
  stateLocation: 'db file (disk)',
  reach: 'threads of one process',
  reachLimit:
    "V8's Atomics.wait/notify wait list lives inside one process, and Node cannot share a SharedArrayBuffer between processes: there is no futex between processes from JavaScript",

  setup() {
    const buffer = RobustFutexMutex.allocate();
    return Promise.resolve({
      forClient: () => ({ data: buffer, transfer: [] }),
      teardown: () => Promise.resolve(),
    });
  },

  connect(env) {
    const mutex = new RobustFutexMutex(env.share as SharedArrayBuffer);
    return Promise.resolve({
      async run(op) {
        await mutex.lock();
        try {
          return await env.execute(op, env.store);
        } finally {
          mutex.unlock();
        }
      },
      close() {
        mutex.close();
        return Promise.resolve();
      },
    });
  },
};
