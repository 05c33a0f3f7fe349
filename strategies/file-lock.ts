import lockfile from 'proper-lockfile';
import type { OpResult } from '../bench/workloads/operation.ts';
import type { Strategy } from './strategy.ts';
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
 * If proper-lockfile reports the lock compromised (its mtime refresh failed or another process
 * took it over as stale), the critical section's run fails with that error. A stale lock is
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
    /** `compromised`: set by proper-lockfile if it finds the lock compromised while this client holds it. */
    const lock: { compromised: Error | null; releasing: boolean } = { compromised: null, releasing: false };
    const options: lockfile.LockOptions = {
      stale: STALE_MS,
      update: UPDATE_MS,
      realpath: false,
      fs: syncFs({ staleMs: STALE_MS, releasing: () => lock.releasing }),
      // One attempt per call: the wait queue decides when to try again. The run's watchdog, not the
      // lock, bounds a wait.
      retries: 0,
      onCompromised: (error) => {
        lock.compromised = error;
      },
    };
    const queue = lockWaitQueue(`${env.store.path}.lock`, FALLBACK_POLL_MS);
    queue.open();
    const attempt = (): Attempt<() => void> => {
      try {
        return { acquired: true, value: lockfile.lockSync(env.store.path, options) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return { acquired: false };
        throw error;
      }
    };
    return Promise.resolve({
      run: (op) =>
        queue.acquire(attempt, async (release) => {
          let result: OpResult;
          try {
            result = await env.execute(op, env.store);
          } finally {
            // A compromised lock is no longer ours to release.
            if (lock.compromised === null) {
              lock.releasing = true;
              try {
                release();
                queue.released();
              } finally {
                lock.releasing = false;
              }
            }
          }
          if (lock.compromised !== null) throw new Error(`file lock compromised: ${lock.compromised.message}`);
          return result;
        }),
      close: () => {
        queue.close();
        return Promise.resolve();
      },
    });
  },
};
