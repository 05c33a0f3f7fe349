import lockfile from 'proper-lockfile';
import type { OpResult } from '../bench/operation.ts';
import type { Strategy } from './strategy.ts';
import { syncFs } from './support/sync-fs.ts';

/**
 * How a waiter polls for the lock: every `POLL_MS`, with no back-off. proper-lockfile's own
 * defaults either fail at once (`retries: 0`, `ELOCKED`) or back off from a whole second, which
 * under contention would dominate every handoff.
 */
const POLL_MS = 2;
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
 * `mkdir`, atomic on every local and network file system; a waiter retries every {@link POLL_MS}.
 * Reaches processes of one machine (and machines sharing the file system).
 *
 * If proper-lockfile reports the lock compromised (its mtime refresh failed or another process
 * took it over as stale), the critical section's run fails with that error. A stale lock is
 * reclaimed by an atomic rename (see `support/sync-fs.ts`), not by proper-lockfile's own
 * `rmdir` + `mkdir`, which lets two waiters both take it over.
 */
export const fileLock: Strategy = {
  name: 'file-lock',
  description: `proper-lockfile (mkdir lock directory) on the db file, polled every ${POLL_MS} ms`,
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
      // `forever`: the run's watchdog, not the lock, bounds a wait. (A finite count makes the retry
      // module precompute one timeout per retry, which at this poll rate is costly on every lock call.)
      retries: { forever: true, factor: 1, minTimeout: POLL_MS, maxTimeout: POLL_MS, randomize: false },
      onCompromised: (error) => {
        lock.compromised = error;
      },
    };
    return Promise.resolve({
      async run(op) {
        const release = await lockfile.lock(env.store.path, options);
        let result: OpResult;
        try {
          result = await env.execute(op, env.store);
        } finally {
          // A compromised lock is no longer ours to release.
          if (lock.compromised === null) {
            lock.releasing = true;
            try {
              await release();
            } finally {
              lock.releasing = false;
            }
          }
        }
        if (lock.compromised !== null) throw new Error(`file lock compromised: ${lock.compromised.message}`);
        return result;
      },
      close: () => Promise.resolve(),
    });
  },
};
