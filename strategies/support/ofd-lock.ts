import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { tryLock, unlock } from 'fs-native-extensions';
import { lockWaitQueue, type Attempt, type LockWaitQueue } from './lock-wait-queue.ts';

/**
 * A waiter tries the lock again when a release is announced (see {@link OfdLock}), or after this
 * long without one, ms: a holder that died (the kernel frees its lock and announces nothing), a
 * file system without change events.
 */
export const OFD_FALLBACK_POLL_MS = 10;

const ONE_BYTE = Buffer.from([0]);

/**
 * One client's OFD lock (Linux's open-file-description lock, `fcntl(F_OFD_SETLK)`, through
 * fs-native-extensions' `tryLock`) on the file at `path`, taken without ever blocking a thread.
 *
 * The blocking form (`F_OFD_SETLKW`, `waitForLock`) waits on a libuv pool thread inside the
 * kernel, where nothing can stop it: a worker thread that is being terminated waits for its pool
 * requests to end first, so a waiter whose lock never comes (a holder that hangs, a holder of the
 * same thread being terminated, another program) holds its worker, and the whole process, for
 * ever; a Ctrl-C, a watchdog or a second Ctrl-C could not end a run.
 *
 * Here a client only ever tries (`F_OFD_SETLK`, one system call that never waits). A waiter that
 * finds the lock held queues in its thread's {@link LockWaitQueue} and tries again when a release
 * is announced: after unlocking, the holder writes one byte into `<path>.released` (one `pwrite`,
 * no size change), which every waiting thread and process sees through `fs.watch` on the folder
 * (inotify), or directly for a release by a client of its own thread; or after
 * {@link OFD_FALLBACK_POLL_MS} without one. While it waits its thread runs other work and can be
 * terminated at any moment. The lock itself is still the kernel's: freed when the holder's open
 * file description closes (its process dies, or Node closes its worker's descriptors).
 */
export class OfdLock {
  private readonly fd: number;
  private readonly signal: number;
  private readonly queue: LockWaitQueue;

  /**
   * Opens `path` (created if absent) and its release signal, and starts this thread's waiting
   * queue; `note` is told if its waiters can only poll (see {@link LockWaitQueue.open}).
   */
  constructor(path: string, note?: (text: string) => void) {
    // Read-write (a write lock needs it), not append: Linux's `pwrite` appends under O_APPEND.
    this.fd = openSync(path, constants.O_RDWR | constants.O_CREAT);
    this.signal = openSync(`${path}.released`, constants.O_WRONLY | constants.O_CREAT);
    // Any change to the signal file is a release.
    this.queue = lockWaitQueue(`${path}.released`, OFD_FALLBACK_POLL_MS, () => true);
    this.queue.open(note);
  }

  /** Takes the lock, runs `then` while holding it, and resolves with its result; `then` must call {@link release}. */
  acquire<R>(then: () => Promise<R>): Promise<R> {
    return this.queue.acquire((): Attempt<null> => (tryLock(this.fd) ? { acquired: true, value: null } : { acquired: false }), then);
  }

  /** Releases the lock and announces it to the waiters of every thread and process. */
  release(): void {
    unlock(this.fd);
    this.queue.released();
    writeSync(this.signal, ONE_BYTE, 0, 1, 0);
  }

  /** Closes the descriptors (freeing the lock if held) and leaves this thread's queue. */
  close(): void {
    this.queue.close();
    closeSync(this.signal);
    closeSync(this.fd);
  }
}
