import type { Fault } from './fault.ts';
import { everyClientWaits } from './every-client-waits.ts';
import { noClientSection } from './server-side.ts';

/** The victim dies inside its critical section: no finally, no release. */
export const crashInCs: Fault = {
  name: 'crash-in-cs',
  description:
    "the victim's thread is terminated (threads runner), or its process sent SIGKILL (processes runner), inside its critical section once every other client waits: no finally, no release",
  strikes: 'holder',
  heading: '# Faults: a lock holder dies inside its critical section',
  victimHolds: 'until-killed',
  victimFinishes: false,
  needs: ['kill'],
  fencingBothWays: false,
  notApplicable(strategy) {
    const inServer = noClientSection('crash-in-cs', strategy);
    if (inServer !== null) return inServer;
    if (strategy.recoversFromCrash === false) return `not applicable to crash-in-cs: it does not recover from a holder's crash (${strategy.onHolderCrash})`;
    return null;
  },
  when: everyClientWaits,
  async strike(context) {
    const at = context.now();
    await context.victim.kill?.();
    return at;
  },
};
