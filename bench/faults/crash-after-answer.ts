import type { CompletedRun } from '../runners/run.ts';
import { VICTIM } from './fault-gate.ts';
import type { Fault } from './fault.ts';
import { STRIKE_WAIT_MS } from './every-client-waits.ts';

/** How long the victim may take to be answered before the fault gives up waiting and kills it anyway, ms. */
export const ANSWER_WAIT_MS = 2 * STRIKE_WAIT_MS;

/**
 * The victim's client is killed right after its answer: a strategy that tells its client "bought"
 * and only then commits (a `COMMIT` sent after returning, a write flushed later) loses the
 * purchase it acknowledged, since the server rolls back what a dead client left open. The
 * victim's thread stops synchronously the moment the harness stamps its answer (see
 * `FaultGate.markAnsweredAndStop`), so nothing the strategy scheduled after returning runs; then
 * the thread is terminated. The check that catches the lost purchase is the judge's: every answer
 * "bought" must be covered by a ticket gone from the store (see `verdicts/judge.ts`).
 */
export const crashAfterAnswer: Fault = {
  name: 'crash-after-answer',
  description:
    "the victim's thread is terminated right after the harness stamped its answer, before its session commits or closes anything the strategy left for later (threads runner only): an answer given before the server's COMMIT is a purchase acknowledged and lost",
  strikes: 'holder',
  heading: '# Faults: a client dies right after its answer',
  victimHolds: 'after-answer',
  victimFinishes: false,
  needs: ['kill-after-answer'],
  fencingBothWays: false,
  notApplicable: () => null,
  // What the victim was told is read from the run's records.
  keepsHistory: true,
  async when(context) {
    await Promise.race([context.victimAnswered(), context.sleep(ANSWER_WAIT_MS)]);
  },
  async strike(context) {
    const at = context.now();
    await context.victim.kill?.();
    return at;
  },
  userSees(run: CompletedRun, tickets: number) {
    const told = run.history?.find((r) => r.slot === VICTIM)?.outcome;
    const figures = run.check.figures;
    // Sales the store shows beyond the survivors' own: the victim's, if its purchase was kept.
    const kept = figures.workload === 'ticket-rush' && figures.finalCount !== null && tickets - figures.finalCount - figures.sold > 0;
    const answer = told === 1 ? 'was told "bought"' : told === 0 ? 'was told "sold out"' : 'was told nothing';
    return `every other client finished; the victim ${answer} and was killed right after; its purchase was ${kept ? 'kept' : 'not kept'}`;
  },
};
