/**
 * The finish line: each client, once its work is done and its end time stamped, waits here until
 * every client of the run has finished, and only then returns its outcome to the main thread.
 * While the run is in progress no client hands a result to piscina, so neither its own thread nor
 * the main thread does that work in the middle of other clients' handoffs (on 2 cores, the main
 * thread woken for each result took CPU from the threads passing the lock). The last client to
 * arrive releases the others; nobody is woken before that.
 *
 * Wall time is unaffected: it runs to the latest end stamp, taken before the wait.
 */
import { waitWhileEquals } from './atomics-wait.ts';

const ARRIVED = 0;
const RELEASED = 1;

export class FinishLine {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(): FinishLine {
    return new FinishLine(new SharedArrayBuffer(2 * 4));
  }

  /** Counts this client in; resolves once `expected` clients have. */
  async arriveAndWait(expected: number): Promise<void> {
    if (Atomics.add(this.cells, ARRIVED, 1) + 1 >= expected) {
      Atomics.store(this.cells, RELEASED, 1);
      Atomics.notify(this.cells, RELEASED);
      return;
    }
    await waitWhileEquals(this.cells, RELEASED, 0);
  }
}
