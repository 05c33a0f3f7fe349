import type { Piscina } from 'piscina';

/**
 * Destroys a piscina pool for good. piscina 5.3's `destroy` resets its "destroying" flag when it
 * resolves, so a worker that died just before it (an uncaught error whose handling comes later)
 * is replaced by a fresh worker that nobody ends: a thread leaked per failed run, seen on a
 * loaded machine. Every worker the pool announces after this call (`workerCreate`, once ready)
 * is destroyed too. Rejects as `destroy` does.
 */
export async function destroyForGood(pool: Piscina): Promise<void> {
  // One destroy at a time: piscina clears its flag when any destroy ends, even while another waits.
  let ending = pool.destroy();
  pool.on('workerCreate', () => {
    ending = ending.catch(() => undefined).then(() => pool.destroy());
    ending.catch(() => undefined);
  });
  await ending;
}
