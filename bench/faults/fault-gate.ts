/**
 * The victim and the gate it shares with the other clients and the runner: one client, the
 * victim, is where a fault that strikes a holder strikes (see `fault.ts`).
 *
 * The victim (client {@link VICTIM}) runs alone in a thread (threads runner) or process
 * (processes runner) of its own, so that killing it kills nobody else. Every other client waits
 * until the victim is inside its critical section before asking for its own, so they are all
 * waiting when the fault strikes.
 */

import { waitWhileEquals } from '../coordination/atomics-wait.ts';

/** The client that fails. */
export const VICTIM = 0;

const INSIDE = 0;
const KILLED = 1;
const ANOTHER = 2;
const ANSWERED = 3;

/** Shared between the victim, the other clients and the main thread of one run. */
export class FaultGate {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(): FaultGate {
    return new FaultGate(new SharedArrayBuffer(4 * 4));
  }

  /** The victim: it is inside its critical section now. */
  markInside(): void {
    Atomics.store(this.cells, INSIDE, 1);
    Atomics.notify(this.cells, INSIDE);
  }

  /** Resolves once the victim is inside its critical section. */
  victimInside(): Promise<void> {
    return waitWhileEquals(this.cells, INSIDE, 0);
  }

  /** The main thread: the victim's thread has been terminated, or (a victim held before its write) it may go on. */
  markKilled(): void {
    Atomics.store(this.cells, KILLED, 1);
    Atomics.notify(this.cells, KILLED);
  }

  /** Resolves once the victim's thread has been terminated, or the victim may go on with its write. */
  victimKilled(): Promise<void> {
    return waitWhileEquals(this.cells, KILLED, 0);
  }

  /** The harness, around a body of a client other than the victim: it entered its critical section. */
  markAnotherEntered(): void {
    if (Atomics.exchange(this.cells, ANOTHER, 1) === 0) Atomics.notify(this.cells, ANOTHER);
  }

  /** Resolves once a client other than the victim has entered its critical section (in a thread that writes this gate). */
  anotherEntered(): Promise<void> {
    return waitWhileEquals(this.cells, ANOTHER, 0);
  }

  /**
   * The victim's client, right after the harness stamped its answer: says so, then blocks its
   * thread (`Atomics.wait`, synchronous) until the thread is terminated. Nothing the strategy
   * scheduled after returning its answer (a `setImmediate`, a later promise) runs any more.
   */
  markAnsweredAndStop(): void {
    Atomics.store(this.cells, ANSWERED, 1);
    Atomics.notify(this.cells, ANSWERED);
    while (Atomics.load(this.cells, KILLED) === 0) Atomics.wait(this.cells, KILLED, 0);
  }

  /** Resolves once the victim's client has been answered and has stopped (see {@link markAnsweredAndStop}). */
  victimAnswered(): Promise<void> {
    return waitWhileEquals(this.cells, ANSWERED, 0);
  }
}

/** Never resolves: where the victim stays until its thread is terminated (or forever). */
export function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}
