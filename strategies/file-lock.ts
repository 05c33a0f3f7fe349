import lockfile from 'proper-lockfile';
import type { Operation, OpResult } from '../bench/workloads/operation.ts';
import type { Strategy } from './strategy.ts';
import { HeldLockAccess, lockIdentity, lockLost, LockLostError, type LockIdentity } from './support/held-lock-access.ts';
import { lockWaitQueue, type Attempt } from './support/lock-wait-queue.ts';
import { syncFs } from './support/sync-fs.ts';

/**
 * A waiter tries the lock again when the lock directory's entry changes (see
 * `support/lock-wait-queue.ts`), or after this long without a change. proper-lockfile's own
 * retries either fail at once (`retries: 0`, `ELOCKED`) or back off from a whole second, which
 * under contention would dominate every handoff.
 */
const FALLBACK_POLL_MS = 10;
/**
 * A lock whose mtime has not been refreshed for this long is stale: its holder is taken to be
 * dead and a waiter removes it. proper-lockfile's minimum is 2000; its default, 10 s.
 */
export const STALE_MS = 5_000;
/**
 * The holder refreshes the lock's mtime this often. A live holder is declared stale only if its
 * thread cannot run a timer for STALE_MS − UPDATE_MS = 4 s: five missed refreshes.
 */
const UPDATE_MS = 1_000;

/**
 * `file-lock`: proper-lockfile on the db file. The lock is a directory `<db>.lock` created with
 * `mkdir`, atomic on every local and network file system. The waiters of a thread queue in order;
 * the head tries again when the lock directory's entry changes (a release, seen through
 * `fs.watch`) or every {@link FALLBACK_POLL_MS} ms. Reaches processes of one machine (and machines
 * sharing the file system, where change events may not arrive and the fallback poll serves).
 *
 * A holder writes only while it still holds the lock (see `support/held-lock-access.ts`): one
 * that lost it (stopped past the stale threshold, then taken over; or reported compromised by
 * proper-lockfile) has its write refused, the attempt logged as aborted, and asks for the lock
 * again; the write it would have made from a stale read never lands. A stale lock is
 * reclaimed by one waiter at a time under a guard directory (see `support/sync-fs.ts`), not by
 * proper-lockfile's own `rmdir` + `mkdir`, which lets two waiters both take it over.
 */
export const fileLock: Strategy = {
  name: 'file-lock',
  description: `proper-lockfile (mkdir lock directory) on the db file; waiters retry on its release (fs.watch), or every ${FALLBACK_POLL_MS} ms`,
  paradigm: 'shared state + lock',
  guarantee: 'mutual exclusion',
  order: 'unspecified',
  onHolderCrash:
    `stale lock: a lock directory whose mtime is not refreshed for ${STALE_MS / 1000} s is removed by a waiter, who takes the lock`,
  stateLocation: 'db file (disk)',
  reach: 'processes of one machine',

  setup() {
    return Promise.resolve({
      forClient: () => ({ data: null, transfer: [] }),
      teardown: () => Promise.resolve(),
    });
  },

  connect(env) {
    const lockPath = `${env.store.path}.lock`;
    /** `releasing`/`abandoning`: this client is removing its own lock, or dropping one it lost (see `support/sync-fs.ts`). */
    const mode = { releasing: false, abandoning: false };
    const fs = syncFs({ staleMs: STALE_MS, releasing: () => mode.releasing, abandoning: () => mode.abandoning });
    const queue = lockWaitQueue(lockPath, FALLBACK_POLL_MS);
    queue.open(env.note);
    /** One hold of the lock: proper-lockfile's report if it finds it compromised, and the lock directory it made. */
    interface Hold {
      compromised: Error | null;
      identity: LockIdentity | null;
    }
    const holdOnce = (op: Operation): Promise<{ result: OpResult } | { lost: LockLostError }> => {
      const hold: Hold = { compromised: null, identity: null };
      const options: lockfile.LockOptions = {
        stale: STALE_MS,
        update: UPDATE_MS,
        realpath: false,
        fs,
        // One attempt per call: the wait queue decides when to try again. The run's watchdog, not the
        // lock, bounds a wait.
        retries: 0,
        // Reported in proper-lockfile's refresh timer: the next write is refused (see HeldLockAccess).
        onCompromised: (error) => {
          hold.compromised = error;
        },
      };
      const attempt = (): Attempt<() => void> => {
        try {
          return { acquired: true, value: lockfile.lockSync(env.store.path, options) };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return { acquired: false };
          throw error;
        }
      };
      return queue.acquire(attempt, async (release) => {
        let lost: LockLostError | null = null;
        try {
          hold.identity = lockIdentity(lockPath);
          const identity = hold.identity;
          const access = new HeldLockAccess(env.store, () => lockLost(lockPath, identity, STALE_MS, hold.compromised));
          return { result: await env.execute(op, access) };
        } catch (error) {
          if (!(error instanceof LockLostError)) throw error;
          lost = error;
          return { lost };
        } finally {
          // A compromised lock is no longer ours: proper-lockfile has dropped it already. One this
          // client found lost itself is dropped without touching the directory, now another's.
          if (hold.compromised === null) {
            const own = lost === null;
            mode.releasing = own;
            mode.abandoning = !own;
            try {
              release();
              if (own) queue.released();
            } finally {
              mode.releasing = false;
              mode.abandoning = false;
            }
          }
        }
      });
    };
    return Promise.resolve({
      async run(op) {
        for (;;) {
          const outcome = await holdOnce(op);
          if ('result' in outcome) return outcome.result;
        }
      },
      close: () => {
        queue.close();
        return Promise.resolve();
      },
    });
  },
};
