/**
 * Fault injection: one client, the victim, fails inside its critical section while the others
 * wait for theirs.
 *
 * The victim (client 0) runs alone in a thread of its own, so that killing it kills nobody else.
 * Every other client waits until the victim is inside its critical section before asking for its
 * own, so they are all waiting when the fault strikes.
 */

import { waitWhileEquals } from '../coordination/atomics-wait.ts';
import { crashOwner } from '../faults/crash-owner.ts';

/** The faults the harness can inject. */
export type FaultName = 'crash-in-cs' | 'hang-in-cs' | 'pause-in-cs' | 'crash-owner';

export const faults: Record<FaultName, string> = {
  'crash-in-cs':
    "the victim's thread is terminated (threads runner), or its process sent SIGKILL (processes runner), inside its critical section once every other client waits: no finally, no release",
  'hang-in-cs': 'the victim never leaves its critical section, though its thread stays alive: a stuck holder',
  'pause-in-cs':
    "the victim's process is stopped (SIGSTOP) inside its critical section, after its read and before its write, until another client has entered its critical section or 3 s passed, then resumed (SIGCONT): a holder that stalls (a GC pause, a swapped-out VM) and writes what it read before; processes runner only",
  'crash-owner': crashOwner.description,
};

/** How long a paused victim stays stopped when no other client enters meanwhile, ms. */
export const PAUSE_LIMIT_MS = 3_000;

/** Whether the victim of `fault` is part of the run to its end: a paused one resumes and finishes, and under crash-owner it is not the one that dies; a crashed or stuck one never does. */
export function victimFinishes(fault: FaultName | null): boolean {
  return fault === null || fault === 'pause-in-cs' || fault === 'crash-owner';
}

export const faultNames = Object.keys(faults) as FaultName[];

/** The client that fails. */
export const VICTIM = 0;

const INSIDE = 0;
const KILLED = 1;
const ANOTHER = 2;

/** Shared between the victim, the other clients and the main thread of one run. */
export class FaultGate {
  private readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(): FaultGate {
    return new FaultGate(new SharedArrayBuffer(3 * 4));
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

  /** The main thread: the victim's thread has been terminated (or, paused, it may go on). */
  markKilled(): void {
    Atomics.store(this.cells, KILLED, 1);
    Atomics.notify(this.cells, KILLED);
  }

  /** Resolves once the victim's thread has been terminated. */
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
}

/** Never resolves: where the victim stays until its thread is terminated (or forever). */
export function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}
