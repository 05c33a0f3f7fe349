import { describe, expect, it } from 'vitest';
import { FutexMutex } from '../strategies/atomics-mutex.ts';

describe('FutexMutex in one thread', () => {
  it('keeps 200 async lockers on one thread mutually exclusive, and ends unlocked', async () => {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const mutex = new FutexMutex(cell);
    let inside = 0;
    let maxInside = 0;
    let entries = 0;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        await mutex.lock();
        inside++;
        entries++;
        maxInside = Math.max(maxInside, inside);
        // Yield inside the critical section so that others really contend.
        for (let k = 0; k < (i % 3) + 1; k++) await new Promise<void>((r) => setImmediate(r));
        inside--;
        mutex.unlock();
      }),
    );
    expect(entries).toBe(200);
    expect(maxInside).toBe(1);
    expect(Atomics.load(cell, 0)).toBe(0);
  });
});
