import { closeSync, openSync } from 'node:fs';
import { unlock, waitForLock } from 'fs-native-extensions';
import type { Strategy } from './strategy.ts';
import { localTurn } from './support/local-turn.ts';

/**
 * `flock`: a kernel lock on the db file, held by an open file description: Linux's OFD locks
 * (`fcntl(F_OFD_SETLKW)`), through the npm package fs-native-extensions (its prebuilt binaries
 * ship inside the package). Each client opens the file itself, so its lock excludes the other
 * clients of its own process as well as other processes; closing another descriptor of the file
 * (the store's own writes) does not drop it, unlike a classic `fcntl` record lock, which belongs
 * to the process.
 *
 * `waitForLock` blocks a libuv pool thread while it waits (the pool has 4 by default, shared by
 * the whole process). So the clients of a thread first take a turn among themselves
 * (`support/local-turn.ts`) and only the client whose turn it is waits in the kernel; it passes
 * the turn on as soon as the kernel grants it the lock. At most one pool thread per thread waits,
 * and a holder never needs a pool thread to finish.
 *
 * The lock is freed at once when the holder's open file description closes: when its process
 * dies (the kernel closes its descriptors), and when its worker thread is terminated (Node closes
 * the descriptors a worker opened with `fs.open`: the Worker option `trackUnmanagedFds`, on by
 * default).
 */
export const flock: Strategy = {
  name: 'flock',
  description: 'kernel OFD lock (fcntl F_OFD_SETLKW) on the db file, one open file description per client (fs-native-extensions)',
  paradigm: 'shared state + lock',
  guarantee: 'mutual exclusion',
  order: 'unspecified',
  onHolderCrash:
    "the lock is freed as soon as the holder's descriptor closes: by the kernel when its process dies, by Node when its worker thread is terminated (trackUnmanagedFds)",
  stateLocation: 'db file (disk)',
  reach: 'processes of one machine',

  setup() {
    return Promise.resolve({ forClient: () => ({ data: null, transfer: [] }), teardown: () => Promise.resolve() });
  },

  connect(env) {
    const fd = openSync(env.store.path, 'r+');
    const turn = localTurn(`flock:${env.store.path}`);
    return Promise.resolve({
      async run(op) {
        const done = await turn.take();
        try {
          await waitForLock(fd);
        } finally {
          done();
        }
        try {
          return await env.execute(op, env.store);
        } finally {
          unlock(fd);
        }
      },
      close() {
        closeSync(fd);
        return Promise.resolve();
      },
    });
  },
};
