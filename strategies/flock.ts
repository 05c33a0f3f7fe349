import type { Strategy } from './strategy.ts';
import { OFD_FALLBACK_POLL_MS, OfdLock } from './support/ofd-lock.ts';

/**
 * `flock`: a kernel lock on the db file, held by an open file description: Linux's OFD locks
 * (`fcntl(F_OFD_SETLK)`), through the npm package fs-native-extensions (its prebuilt binaries
 * ship inside the package). Each client opens the file itself, so its lock excludes the other
 * clients of its own process as well as other processes; closing another descriptor of the file
 * (the store's own writes) does not drop it, unlike a classic `fcntl` record lock, which belongs
 * to the process.
 *
 * A client never waits inside the kernel (`F_OFD_SETLKW` blocks a libuv pool thread that nothing
 * can stop: a run with a hung holder, or interrupted, could never end). It tries, and a waiter
 * tries again when the holder announces its release (see `support/ofd-lock.ts`): the waiters of
 * a thread queue in order and only the head tries.
 *
 * The lock is freed at once when the holder's open file description closes: when its process
 * dies (the kernel closes its descriptors), and when its worker thread is terminated (Node closes
 * the descriptors a worker opened with `fs.open`: the Worker option `trackUnmanagedFds`, on by
 * default); a dead holder announces nothing, so its waiters see the lock free at their next poll.
 */
export const flock: Strategy = {
  name: 'flock',
  description: `kernel OFD lock (fcntl F_OFD_SETLK) on the db file, one open file description per client (fs-native-extensions); waiters retry on its announced release, or every ${OFD_FALLBACK_POLL_MS} ms`,
  paradigm: 'shared state + lock',
  guarantee: 'mutual exclusion',
  order: 'unspecified',
  onHolderCrash:
    `the lock is freed as soon as the holder's descriptor closes: by the kernel when its process dies, by Node when its worker thread is terminated (trackUnmanagedFds); waiters see it within ${OFD_FALLBACK_POLL_MS} ms`,
  stateLocation: 'db file (disk)',
  reach: 'processes of one machine',

  setup() {
    return Promise.resolve({ forClient: () => ({ data: null, transfer: [] }), teardown: () => Promise.resolve() });
  },

  connect(env) {
    const lock = new OfdLock(env.store.path, env.note);
    return Promise.resolve({
      run: (op) =>
        lock.acquire(async () => {
          try {
            return await env.execute(op, env.store);
          } finally {
            lock.release();
          }
        }),
      close() {
        lock.close();
        return Promise.resolve();
      },
    });
  },
};
