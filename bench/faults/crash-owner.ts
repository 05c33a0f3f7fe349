/**
 * `crash-owner`: the strategy's owner (the thread or process its clients send their requests to:
 * queue-owner's queue owner, message-channel's token desk) is killed while the clients wait.
 *
 * What strikes, and when: client 0 (the victim) runs its critical section (in the owner, or in
 * its own client holding the token) and, its change stored and its exit stamped by the harness,
 * stays there before its answer leaves (before an owner acknowledges the request to its broker:
 * the deterministic kill point, announced through the fault gate by the harness's executor, which
 * the owner's own code cannot forge); every other client asks for its own; then
 * the owner is killed: under the processes runner its thread is stopped at once (no finally runs,
 * its sockets close), the stamps it made are read, and its process is sent SIGKILL; under the
 * threads runner its thread is terminated. The victim's section then goes on where it still can
 * (a holder of message-channel's token). Healing: a strategy whose owner a supervisor restarts
 * says so (`recoversFromOwnerCrash`), and the harness starts a new owner in its place
 * (`RunOwner.restart`: the same task, its state loaded from the store; a broker redelivers what the
 * dead one had not acknowledged); the others get "no recovery" in their row, and the state after a
 * restart is the state they persisted (what a restarted owner would load).
 *
 * What the clients see: a request that throws is recorded as an error, one not answered within
 * {@link OWNER_CRASH_REQUEST_TIMEOUT_MS} as a time-out; both are outcomes nobody knows (Jepsen's
 * `info`, see `runners/outcome-unknown.ts`: the owner may have applied it before it died), and the
 * client goes on to its end: the run ends, degraded, instead of failing on the first client that
 * lost its owner. The table keeps errors and time-outs apart (the event log's outcomes -1 and
 * {@link TIMED_OUT}).
 *
 * Applies to strategies with an owner (`onOwnerCrash`); the others' rows are "not applicable".
 */
import type { Strategy } from '../../strategies/strategy.ts';
import type { CriticalSectionRecord } from '../evidence/event-log.ts';
import type { RunResult } from '../runners/run.ts';
import { everyClientWaits } from './every-client-waits.ts';
import type { Fault } from './fault.ts';

/**
 * How long a client waits for an answer under crash-owner before it gives up (a time-out), ms.
 * Long enough for a restarted owner (a process forked, its broker connection made) to answer what
 * its broker redelivers on a loaded machine: at 5 s, with the load average at 36 on 2 cores, every
 * client of a rabbitmq-owner run gave up before the new owner consumed, and the run ended with the
 * redelivered sale not yet applied.
 */
export const OWNER_CRASH_REQUEST_TIMEOUT_MS = 15_000;

export const crashOwner: Fault = {
  name: 'crash-owner',
  description:
    "the strategy's owner (the thread or process the clients send their requests to) is killed after it stored the victim's change and before its answer (and a broker's acknowledgement) left, while every other client waits: its process sent SIGKILL (processes runner; its thread stopped first so its stamps can be read) or its thread terminated (threads runner); restarted where the strategy's owner has a supervisor",
  strikes: 'owner',
  heading: '# Faults: the owner dies while its clients wait',
  // The whole legend of its own table (see `suites/fault-suite.ts`): none of the holder faults' columns.
  legend:
    'runs ended: runs in which every client got an answer, an error or a time-out (' + `${OWNER_CRASH_REQUEST_TIMEOUT_MS / 1000} s` + ') and the run ended, degraded or not. ' +
    'what the clients see: per run, requests answered (bought or sold out), failed with an error, timed out (errors and time-outs are outcomes nobody knows: applied or not), never answered; and purchases the store shows that no client was told of. ' +
    'acknowledged purchases lost: clients told "bought" beyond the tickets gone from the store, summed over the runs. ' +
    'applied twice: bodies committed more than once, or tickets gone beyond every request that may have been applied. ' +
    'state after a restart: "no recovery" where the strategy restarts no owner, with the persisted state a restarted owner would load. ' +
    'state consistent: no acknowledged purchase lost, none applied twice, nothing oversold, and the store parses.',
  victimHolds: 'until-told',
  // The owner dies, not the victim: it takes part to the end.
  victimFinishes: true,
  needs: [],
  fencingBothWays: false,
  keepsHistory: true,
  notApplicable: (strategy) => crashOwnerLimit(strategy),
  when: everyClientWaits,
  async strike(context) {
    const owners = context.owners();
    if (owners.length === 0) throw new Error('crash-owner: the strategy started no owner the harness can kill (see strategies/support/owner-endpoints.ts)');
    const at = context.now();
    await Promise.all(owners.map((o) => o.kill()));
    return at;
  },
  // Once the owner is gone the victim's section goes on where it can (a holder of message-channel's
  // token); a strategy that restarts its owner gets a new one, as a supervisor would start it.
  async heal(context) {
    context.victim.proceed();
    if (context.strategy.recoversFromOwnerCrash === true) await Promise.all(context.owners().map((o) => o.restart?.() ?? Promise.resolve()));
  },
};

/** The event log's outcome of a request given up after {@link OWNER_CRASH_REQUEST_TIMEOUT_MS}. */
export const TIMED_OUT = -2;

/** Why `strategy` has no crash-owner row, or null if it has one. */
export function crashOwnerLimit(strategy: Strategy): string | null {
  if (strategy.onOwnerCrash === undefined) return 'not applicable to crash-owner: no owner (no thread or process serves its clients\' requests; they coordinate directly, or through a server)';
  return null;
}

/** What one crash-owner run shows, from its history and final state. */
export interface OwnerCrashFigures {
  /** Requests answered: bought, sold out. */
  readonly answered: number;
  readonly errors: number;
  readonly timedOut: number;
  /** Requests with no answer at all when the run ended. */
  readonly unanswered: number;
  /** Clients told "bought". */
  readonly acknowledged: number;
  /** Tickets gone from the store (null: it does not parse). */
  readonly applied: number | null;
  /** Acknowledged purchases the store does not show. */
  readonly acknowledgedLost: number;
  /** Purchases applied more than once: bodies committed twice, or sales beyond every request that may have been applied. */
  readonly appliedTwice: number;
  /** Sales the store shows beyond the acknowledged ones: requests whose client was not told (an error, a time-out, no answer) but applied. */
  readonly appliedUnacknowledged: number;
}

/** The figures of one completed crash-owner run; its records must have been kept (`keepHistory`). */
export function ownerCrashFigures(records: readonly CriticalSectionRecord[], tickets: number, finalCount: number | null): OwnerCrashFigures {
  const count = (outcome: number) => records.filter((r) => r.outcome === outcome).length;
  const acknowledged = count(1);
  const errors = count(-1);
  const timedOut = count(TIMED_OUT);
  const answered = acknowledged + count(0);
  const unanswered = records.filter((r) => Number.isFinite(r.client) && !Number.isFinite(r.outcome)).length;
  const applied = finalCount === null ? null : tickets - finalCount;
  const mayHaveApplied = acknowledged + errors + timedOut + unanswered;
  const committedTwice = records.filter((r) => r.attempts - r.aborts > 1).length;
  return {
    answered,
    errors,
    timedOut,
    unanswered,
    acknowledged,
    applied,
    acknowledgedLost: applied === null ? acknowledged : Math.max(0, acknowledged - applied),
    appliedTwice: Math.max(committedTwice, applied === null ? 0 : applied - mayHaveApplied),
    appliedUnacknowledged: applied === null ? 0 : Math.max(0, applied - acknowledged),
  };
}

/** The cells of one strategy's crash-owner row, from its runs. */
export interface OwnerCrashVerdict {
  /** Runs that ended (completed), degraded or not. */
  readonly ended: number;
  /** Per distinct outcome, what the clients saw. */
  readonly clientsSee: readonly string[];
  /** Summed over the completed runs. */
  readonly acknowledgedLost: number;
  readonly appliedTwice: number;
  /** "no recovery: …" or what the restart showed, per distinct outcome. */
  readonly afterRestart: readonly string[];
  /** No acknowledged purchase lost, none applied twice, nothing oversold, the store parses: null if no run completed. */
  readonly consistent: boolean | null;
}

/** Judges a strategy's crash-owner runs (each kept its history). `restarts`: the strategy restarts its owner. */
export function judgeOwnerCrashRuns(runs: readonly RunResult[], tickets: number, restarts: boolean): OwnerCrashVerdict {
  const clientsSee: string[] = [];
  const afterRestart: string[] = [];
  let acknowledgedLost = 0;
  let appliedTwice = 0;
  let ended = 0;
  let consistent = true;
  for (const run of runs) {
    if (run.status === 'failed') {
      clientsSee.push(`run failed: ${run.error}`);
      continue;
    }
    ended++;
    const figures = run.check.figures;
    const finalCount = figures.workload === 'ticket-rush' ? figures.finalCount : null;
    const f = ownerCrashFigures(run.history ?? [], tickets, finalCount);
    acknowledgedLost += f.acknowledgedLost;
    appliedTwice += f.appliedTwice;
    const oversold = figures.workload === 'ticket-rush' ? figures.oversold : 0;
    if (f.acknowledgedLost > 0 || f.appliedTwice > 0 || oversold > 0 || finalCount === null) consistent = false;
    clientsSee.push(
      `${f.answered} answered, ${f.errors} errors, ${f.timedOut} timed out${f.unanswered > 0 ? `, ${f.unanswered} never answered` : ''}` +
        (f.appliedUnacknowledged > 0 ? `; ${f.appliedUnacknowledged} applied though the client was not told` : ''),
    );
    const kept = finalCount === null ? 'a db that does not parse' : `${finalCount} of ${tickets} tickets left`;
    afterRestart.push(restarts ? `restarted: ${kept}` : `no recovery: the persisted state (what a restarted owner would load) has ${kept}`);
  }
  return { ended, clientsSee: [...new Set(clientsSee)], acknowledgedLost, appliedTwice, afterRestart: [...new Set(afterRestart)], consistent: ended === 0 ? null : consistent };
}
