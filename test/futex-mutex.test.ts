import { describe, expect, it } from 'vitest';
import { OwnerDeadError, OWNER_DEAD_AFTER_MS, RobustFutexMutex } from '../strategies/atomics-mutex.ts';

/** A mutex locked by a holder in thread slot 7, which no thread ever heartbeats (as if its thread had died), opened in slot 8. */
function heldByDeadThread(): { cells: Int32Array; mutex: RobustFutexMutex } {
  const buffer = RobustFutexMutex.allocate();
  const cells = new Int32Array(buffer);
  cells[0] = 1;
  cells[1] = 7;
  cells[2] = 8;
  return { cells, mutex: new RobustFutexMutex(buffer) };
}

describe('RobustFutexMutex in one thread', () => {
  it('keeps 200 async lockers on one thread mutually exclusive, and ends unlocked', async () => {
    const buffer = RobustFutexMutex.allocate();
    const mutex = new RobustFutexMutex(buffer);
    let inside = 0;
    let maxInside = 0;
    let entries = 0;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const { ownerDied } = await mutex.lock();
        expect(ownerDied).toBe(false);
        inside++;
        entries++;
        maxInside = Math.max(maxInside, inside);
        // Yield inside the critical section so that others really contend.
        for (let k = 0; k < (i % 3) + 1; k++) await new Promise<void>((r) => setImmediate(r));
        inside--;
        mutex.unlock();
      }),
    );
    mutex.close();
    expect(entries).toBe(200);
    expect(maxInside).toBe(1);
    expect(new Int32Array(buffer)[0]).toBe(0);
    // A liveness bound, not a speed target: it takes tens of ms; an unlock that never wakes a
    // waiter still ends, on the waiters' periodic re-check, but only after tens of seconds.
  }, 5_000);

  it('does not take the mutex from a live holder that holds it longer than the dead-owner limit', async () => {
    const mutex = new RobustFutexMutex(RobustFutexMutex.allocate());
    await mutex.lock();
    let waiterIn = false;
    const waiter = mutex.lock().then((r) => {
      waiterIn = true;
      return r;
    });
    // This thread's heartbeat keeps running, so the holder is alive however long it holds.
    await new Promise((r) => setTimeout(r, OWNER_DEAD_AFTER_MS + 500));
    expect(waiterIn).toBe(false);
    mutex.unlock();
    expect(await waiter).toEqual({ ownerDied: false });
    mutex.unlock();
    mutex.close();
  });

  it('lets a waiter take over, told the owner died, when the holder\'s heartbeat stops', async () => {
    const { cells, mutex } = heldByDeadThread();
    const started = Date.now();
    expect(await mutex.lock()).toEqual({ ownerDied: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(OWNER_DEAD_AFTER_MS);
    mutex.unlock();
    expect(cells[0]).toBe(0);
    mutex.close();
  });

  it('refuses to unlock for a holder whose mutex was taken over, leaving the new holder in place', async () => {
    const buffer = RobustFutexMutex.allocate();
    const cells = new Int32Array(buffer);
    const mutex = new RobustFutexMutex(buffer);
    await mutex.lock();
    // A waiter on another thread (slot 42) took the mutex over, believing this holder dead.
    cells[1] = 42;
    expect(() => mutex.unlock()).toThrow(OwnerDeadError);
    expect(cells[0]).not.toBe(0);
    expect(cells[1]).toBe(42);
    mutex.close();
  });
});

describe('RobustFutexMutex: heartbeats and contention', () => {
  const HEARTBEATS = 4;
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("keeps its thread's heartbeat while any client of the thread has a session, and stops it with the last", async () => {
    const buffer = RobustFutexMutex.allocate();
    const cells = new Int32Array(buffer);
    const a = new RobustFutexMutex(buffer);
    const b = new RobustFutexMutex(buffer);
    // One slot per thread, whatever the number of its clients.
    expect(cells[2]).toBe(1);
    b.close();
    const before = cells[HEARTBEATS] ?? 0;
    await tick(350);
    expect(cells[HEARTBEATS]).toBeGreaterThan(before);
    a.close();
    const stopped = cells[HEARTBEATS];
    await tick(350);
    expect(cells[HEARTBEATS]).toBe(stopped);
    // A client opened after the last one closed starts a new heartbeat, in a slot of its own.
    const c = new RobustFutexMutex(buffer);
    expect(cells[2]).toBe(2);
    c.close();
  });

  it('refuses a thread beyond the last heartbeat slot, naming the limit', () => {
    const buffer = RobustFutexMutex.allocate();
    new Int32Array(buffer)[2] = 1024;
    expect(() => new RobustFutexMutex(buffer)).toThrow('atomics-mutex: more than 1024 threads');
  });

  it('marks the mutex contended while a client waits, so that the unlock wakes it, and unlocked after the last', async () => {
    const buffer = RobustFutexMutex.allocate();
    const cells = new Int32Array(buffer);
    const mutex = new RobustFutexMutex(buffer);
    await mutex.lock();
    expect(cells[0]).toBe(1);
    expect(cells[1]).toBe(0);
    const waiter = mutex.lock();
    expect(cells[0]).toBe(2);
    mutex.unlock();
    expect(await waiter).toEqual({ ownerDied: false });
    mutex.unlock();
    expect(cells[0]).toBe(0);
    expect(cells[1]).toBe(-1);
    mutex.close();
  });

  it('takes over from a dead owner only after its heartbeat has stood still the whole limit', async () => {
    const { cells, mutex } = heldByDeadThread();
    // The dead owner's heartbeat moves once, at 0.6 of the limit (between two of the waiter's
    // looks, every 250 ms): the limit starts again from the look that sees it, so the takeover
    // comes after 1.6 limits or more; without the beat it would come after about 1.25.
    const beat = setTimeout(() => Atomics.add(cells, HEARTBEATS + 7, 1), 0.6 * OWNER_DEAD_AFTER_MS);
    const started = Date.now();
    expect(await mutex.lock()).toEqual({ ownerDied: true });
    clearTimeout(beat);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1.5 * OWNER_DEAD_AFTER_MS);
    // The new holder's slot: the next free one.
    expect(cells[1]).toBe(8);
    mutex.unlock();
    mutex.close();
  });
});
