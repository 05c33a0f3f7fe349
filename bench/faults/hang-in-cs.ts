import type { Fault } from './fault.ts';
import { everyClientWaits } from './every-client-waits.ts';
import { noClientSection } from './server-side.ts';

/** The victim stays inside its critical section for ever, alive: a stuck holder. Nothing heals it. */
export const hangInCs: Fault = {
  name: 'hang-in-cs',
  description: 'the victim never leaves its critical section, though its thread stays alive: a stuck holder',
  strikes: 'holder',
  heading: '# Faults: a lock holder dies inside its critical section',
  victimHolds: 'forever',
  victimFinishes: false,
  needs: [],
  fencingBothWays: false,
  notApplicable: (strategy) => noClientSection('hang-in-cs', strategy),
  when: everyClientWaits,
  // The victim holds already: nothing is killed, so no recovery is measured from a kill.
  strike: () => Promise.resolve(null),
};
