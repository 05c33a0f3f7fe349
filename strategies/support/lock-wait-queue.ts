import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * How a lock attempt ended: acquired (with what it returned), or the lock is held by someone else.
 */
export type Attempt<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * The waiters of one thread for one lock file, in a FIFO queue, woken by the lock's release
 * instead of polling alone.
 *
 * A client with no waiter of its thread ahead tries at once. Otherwise it queues, and only the
 * head of the queue tries the lock. The head tries again as soon as the lock directory disappears
 * (`fs.watch` on its parent directory: inotify on Linux, FSEvents on macOS, so a release by any
 * thread or process is seen within an event-loop turn; a release by a client of this thread is
 * told directly, see {@link released}), or after `fallbackPollMs` if nothing was seen (a file
 * system without change events, a missed event, or a dead holder whose lock must go stale before
 * anyone may take it). When the head acquires, the next waiter becomes head.
 *
 * So one release wakes one attempt per thread, not one per waiting client: with every client
 * polling every 2 ms, 49 waiters of the tutorial's ticket-rush spent 3.3 s of CPU in a 5.3 s run,
 * and the holder's own thread ran their polls while its sleeps were due. Across threads and
 * processes the heads race for the lock; within a thread they are served in order.
 *
 * The watcher runs while any session of this thread has the queue open ({@link open},
 * {@link close}), so it is set up before a run starts, not on a client's first wait. Where it
 * cannot run (`fs.watch` throws or fails: inotify instances or watches exhausted, a file system
 * without events) the waiters only poll, and each session that opened the queue with a `note` is
 * told so once, with the reason.
 */
export class LockWaitQueue {
  /** Each waiter's turn: called with the change count at which the previous head acquired, or null. */
  private readonly waiters: ((takenAt: number | null) => void)[] = [];
  private watcher: FSWatcher | null = null;
  private sessions = 0;
  /** Times the lock was seen freed so far, and the head's wake-up for the next one. */
  private changes = 0;
  private wake: (() => void) | null = null;
  /** Why the lock's changes are not watched (the waiters only poll); null while they are. */
  private unwatched: string | null = null;
  /** The notes of the sessions that have the queue open, told when the watcher cannot run. */
  private readonly notes = new Set<(text: string) => void>();

  /**
   * `lockPath`: the entry whose changes may mean a release (watched in its parent directory).
   * `freed`: whether a change to it freed the lock; by default, whether the entry is gone (a lock
   * directory or file removed by its release).
   */
  constructor(
    private readonly lockPath: string,
    private readonly fallbackPollMs: number,
    private readonly freed: () => boolean = () => !existsSync(lockPath),
    private readonly watchFor: typeof watch = watch,
  ) {}

  /**
   * A session of this thread starts using the queue. `note`: told (once, now or later) when the
   * lock's changes cannot be watched and its waiters only poll, with the reason.
   */
  open(note?: (text: string) => void): void {
    if (note !== undefined) this.notes.add(note);
    if (this.sessions++ === 0) this.startWatching();
    else if (this.unwatched !== null) note?.(this.unwatched);
  }

  /** A session of this thread is done with the queue; the last one stops the watcher. */
  close(): void {
    if (--this.sessions === 0) {
      this.stopWatching();
      this.notes.clear();
    }
  }

  /**
   * Takes the lock, then runs `then` with what the acquiring attempt returned, in the same turn
   * of the event loop (no other client of the thread runs between the two), and resolves with its
   * result. `attempt` is called only by a client at the head of the queue, or with nobody
   * queued; it throws for anything but "held by another".
   */
  async acquire<T, R>(attempt: () => Attempt<T>, then: (value: T) => Promise<R>): Promise<R> {
    let seen = this.changes;
    let tried = false;
    if (this.waiters.length === 0) {
      const first = attempt();
      if (first.acquired) return then(first.value);
      tried = true;
    }
    let turn!: (takenAt: number | null) => void;
    const myTurn = new Promise<number | null>((resolve) => (turn = resolve));
    this.waiters.push(turn);
    if (this.waiters.length === 1) turn(null);
    let handedOver = false;
    const handOver = (acquired: boolean) => {
      if (handedOver) return;
      handedOver = true;
      this.waiters.shift();
      this.waiters[0]?.(acquired ? this.changes : null);
    };
    try {
      const takenAt = await myTurn;
      // The previous head has just acquired: an attempt before the next release would only find the lock held.
      if (takenAt !== null) {
        seen = takenAt;
        tried = true;
      }
      for (;;) {
        if (tried && this.changes === seen) await this.nextChange();
        seen = this.changes;
        const result = attempt();
        tried = true;
        if (result.acquired) {
          handOver(true);
          return then(result.value);
        }
      }
    } catch (error) {
      handOver(false);
      throw error;
    }
  }

  /**
   * Tells the queue that a client of this thread has just released the lock: the head tries at
   * once, without waiting for the change event to come back through the event loop.
   */
  released(): void {
    this.changes++;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Resolves at the next change to the lock's entry, or after the fallback poll interval. */
  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.fallbackPollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private startWatching(): void {
    const name = basename(this.lockPath);
    this.unwatched = null;
    try {
      this.watcher = this.watchFor(dirname(this.lockPath), { persistent: false }, (_event, filename) => {
        // A change that leaves the lock in place (its creation, an mtime refresh) frees nothing.
        if ((filename === null || filename === name) && this.freed()) this.released();
      });
      // Without events the fallback poll still serves.
      this.watcher.on('error', (error) => {
        this.stopWatching();
        this.pollOnly(error);
      });
    } catch (error) {
      this.watcher = null;
      this.pollOnly(error);
    }
  }

  /** The waiters only poll from now on: every session's note is told why. */
  private pollOnly(error: unknown): void {
    const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
    this.unwatched = `file-change events unavailable (fs.watch: ${reason}): waiters polled the lock every ${this.fallbackPollMs} ms instead of waking at its release`;
    for (const note of this.notes) note(this.unwatched);
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}

const queues = new Map<string, LockWaitQueue>();

/** This thread's wait queue for the lock at `lockPath` (see the {@link LockWaitQueue} constructor). */
export function lockWaitQueue(lockPath: string, fallbackPollMs: number, freed?: () => boolean, watchFor?: typeof watch): LockWaitQueue {
  let queue = queues.get(lockPath);
  if (queue === undefined) {
    queue = new LockWaitQueue(lockPath, fallbackPollMs, freed, watchFor);
    queues.set(lockPath, queue);
  }
  return queue;
}
