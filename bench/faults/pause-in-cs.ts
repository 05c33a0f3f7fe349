import type { Fault } from './fault.ts';
import { everyClientWaits } from './every-client-waits.ts';
import { noClientSection } from './server-side.ts';

/** How long a paused victim stays stopped when no other client enters meanwhile, ms. */
export const PAUSE_LIMIT_MS = 3_000;

/**
 * The victim's process is stopped between its read and its write, and resumed once another client
 * has entered (or the limit passed): its write then lands as a stale one unless a fencing check
 * refuses it.
 */
export const pauseInCs: Fault = {
  name: 'pause-in-cs',
  description:
    "the victim's process is stopped (SIGSTOP) inside its critical section, after its read and before its write, until another client has entered its critical section or 3 s passed, then resumed (SIGCONT): a holder that stalls (a GC pause, a swapped-out VM) and writes what it read before; processes runner only",
  strikes: 'holder',
  heading: '# Faults: a lock holder stalls inside its critical section',
  legend:
    'pause: the victim is stopped after its read and before its write, until another client enters its critical section or 3 s pass, then resumed; recovery runs from the stop. ' +
    'stale writes accepted: runs in which the resumed victim\'s write was accepted although another client had entered and committed inside its critical section (it had lost its lock). ' +
    'fencing: each write carries the grant\'s fencing token and the store refuses any but the latest granted (a stale holder is refused even before the new holder has written); the refused holder asks for the lock again.',
  victimHolds: 'before-write',
  victimFinishes: true,
  needs: ['pause'],
  fencingBothWays: true,
  notApplicable: (strategy) => noClientSection('pause-in-cs', strategy),
  when: everyClientWaits,
  strike(context) {
    const at = context.now();
    context.victim.pause?.stop();
    return Promise.resolve(at);
  },
  // Stopped until another client enters its critical section (the victim's lock passed on while it
  // still holds it) or the limit: resumed then, its write lands before the new holder's, as a
  // stale write that a fencing check must refuse even though nobody newer has written yet.
  async heal(context) {
    await Promise.race([context.anotherEntered(), context.sleep(PAUSE_LIMIT_MS)]);
    context.victim.proceed();
    context.victim.pause?.resume();
  },
};
