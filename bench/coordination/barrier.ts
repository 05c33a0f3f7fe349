/**
 * The start barrier: every client arrives (after its pool thread is up and its strategy session
 * is open), the main thread waits until all have arrived, then releases them at one instant.
 * Built on `Atomics.waitAsync`, so waiting never blocks a thread that runs other clients.
 */
import { waitWhileEquals } from './atomics-wait.ts';

const ARRIVED = 0;
const RELEASED = 1;

export class StartBarrier {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(): StartBarrier {
    return new StartBarrier(new SharedArrayBuffer(2 * 4));
  }

  /** Client side: counts this client in, then resolves when the main thread releases everyone. */
  async arriveAndWait(): Promise<void> {
    Atomics.add(this.cells, ARRIVED, 1);
    Atomics.notify(this.cells, ARRIVED);
    await waitWhileEquals(this.cells, RELEASED, 0);
  }

  /**
   * Main side: resolves once `count` clients have arrived. Rejects with a `BarrierTimeoutError`
   * after `timeoutMs` (for example when the pool cannot hold every client at once).
   */
  async allArrived(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const arrived = Atomics.load(this.cells, ARRIVED);
      if (arrived >= count) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new BarrierTimeoutError(arrived, count, timeoutMs);
      const wait = Atomics.waitAsync(this.cells, ARRIVED, arrived, left);
      if (wait.async) await wait.value;
    }
  }

  /** Main side: releases every waiting client. */
  release(): void {
    Atomics.store(this.cells, RELEASED, 1);
    Atomics.notify(this.cells, RELEASED);
  }
}

export class BarrierTimeoutError extends Error {
  readonly code = 'EBARRIER';
  constructor(arrived: number, expected: number, timeoutMs: number) {
    super(`only ${arrived} of ${expected} clients reached the start barrier within ${timeoutMs} ms`);
  }
}
