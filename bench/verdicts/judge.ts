/**
 * The verdict of one run: a pure function of the evidence the harness gathered (its own stamps
 * around the bodies and the answers, the clients' reports, the final state and the prints), never
 * of what the strategy says it did beyond the promises it is held to. The run loop
 * (`runners/run.ts`) builds a {@link RunEvidence} and calls {@link judge}; nothing here reads a
 * clock, a file or a server, so hand-made evidence tests every rule (`test/judge.test.ts`).
 */
import type { Strategy } from '../../strategies/strategy.ts';
import type { CriticalSectionRecord } from '../evidence/event-log.ts';
import { analyseAnswers, analyseLog, arrivalInversions, type LogAnalysis } from '../evidence/log-analysis.ts';
import type { Prints } from '../evidence/print-log.ts';
import { checkTicketRush, type LinearizabilityFigure } from '../histories/run-history.ts';
import { VICTIM } from '../faults/fault-gate.ts';
import { faults, victimFinishes, type FaultName } from '../faults/registry.ts';
import { workloads, type WorkloadName } from '../workloads/registry.ts';
import type { ClientOutcome, Evidence, WorkloadCheck } from '../workloads/workload.ts';

/** The promises of a strategy the verdict holds it to: what it guarantees, where it says its critical section runs, and the store that would run it. */
export type Promises = Pick<Strategy, 'guarantee' | 'order' | 'runsIn' | 'stateStore'>;

/** Everything one run's verdict is drawn from. Times in ms on the run's clock. */
export interface RunEvidence {
  readonly workload: WorkloadName;
  readonly strategy: Promises;
  readonly tickets: number;
  readonly clients: number;
  /** The fault injected into client {@link VICTIM}; null: none. */
  readonly fault: FaultName | null;
  /** The event log, every slot (the victim's included), one per critical section asked for. */
  readonly records: readonly CriticalSectionRecord[];
  /** What the clients reported (a crashed victim reports nothing). */
  readonly outcomes: readonly ClientOutcome[];
  /** The store as read once the last client answered. */
  readonly finalState: Evidence['finalState'];
  readonly prints: Prints;
  /**
   * For a strategy that says its critical section runs inside a server: the request turns its
   * clients took to that server from their release to their last answer (see
   * `evidence/server-round-trips.ts`); null or absent: not counted (the strategy says no such thing).
   */
  readonly serverTurns?: number | null;
}

/** What {@link judge} concludes: the verdict, its reasons, and the figures it read them from. */
export interface Judgement {
  readonly verdict: 'correct' | 'incorrect';
  /** Why the run is incorrect; empty when it is correct. */
  readonly reasons: readonly string[];
  readonly log: LogAnalysis;
  readonly check: WorkloadCheck;
  /** ticket-rush: whether what the clients were told is linearizable; null for other workloads. */
  readonly linearizable: LinearizabilityFigure | null;
  /** Whether the run was judged as one whose critical sections ran inside a server (no stamps). */
  readonly inServer: boolean;
}

/** A body can take longer than its simulated latency, never less: this much less is a hold the strategy shortened, ms. */
export const SHORT_HOLD_TOLERANCE_MS = 1;

/**
 * Clients told something other than what their critical section's body returned: a success for
 * a failure or a failure for a success. Compared per slot, from the harness's own stamps, where a
 * body returned; an answer with no body behind it is an early answer (see {@link earlyAnswers}).
 */
export function mismatchedAnswers(records: readonly CriticalSectionRecord[]): number {
  return records.filter((r) => (r.outcome === 1 || r.outcome === 0) && (r.body === 1 || r.body === 0) && r.outcome !== r.body).length;
}

/** Whether a run is judged as one whose critical sections ran inside a server: the strategy says so, and no body ran in a client. */
export function judgedInServer(strategy: Promises, records: readonly CriticalSectionRecord[]): boolean {
  return strategy.runsIn === 'server' && records.every((r) => r.attempts === 0);
}

/**
 * Answers given before their critical section ended: a client told a result ("bought" or "sold
 * out") while its body had not ended, had not begun, or never ran at all (no enter stamp stands
 * behind the answer: the answer first, the body afterwards or never). An answer counts as behind
 * its section only when the slot holds an enter, an exit of that same attempt (not before the
 * enter), and the exit at or before the answer. Only for runs whose bodies run in a client.
 */
export function earlyAnswers(records: readonly CriticalSectionRecord[]): number {
  const behind = (r: CriticalSectionRecord) => Number.isFinite(r.enter) && r.enter <= r.exit && r.exit <= r.complete;
  return records.filter((r) => (r.outcome === 1 || r.outcome === 0) && Number.isFinite(r.complete) && !behind(r)).length;
}

/**
 * What the stamps around client-side bodies show against the answers: each a problem of the run.
 * `answered` holds every slot a client was answered in, a crashed victim's included (an answer
 * is a promise to a user whatever happened to the client next); `judged` the slots whose bodies
 * must have run.
 */
export function bodyProblems(judged: readonly CriticalSectionRecord[], answered: readonly CriticalSectionRecord[], analysis: LogAnalysis): string[] {
  const problems: string[] = [];
  const answers = mismatchedAnswers(answered);
  if (answers > 0) problems.push(`${answers} clients told something other than what their critical section returned`);
  const early = earlyAnswers(answered);
  if (early > 0) problems.push(`${early} clients answered before their critical section ended`);
  // A client that timed out (-2) gave its request up with its body still waiting on the server: open, not wrong.
  const open = judged.filter((r) => Number.isFinite(r.enter) && !Number.isFinite(r.exit) && r.outcome !== -2).length;
  if (open > 0) problems.push(`${open} critical sections entered and never left`);
  const short = analysis.holdOvershootsMs.filter((ms) => ms < -SHORT_HOLD_TOLERANCE_MS).length;
  if (short > 0) problems.push(`${short} critical sections shorter than the simulated latency they must take`);
  return problems;
}

/**
 * For a strategy that promises arrival order, its departures from it that the log shows: pairs of
 * one client thread's (or process's) requests entered in the other order (see
 * `arrivalInversions`), the thread of each client read from its own report. Null when nothing
 * is promised or none was found.
 */
export function arrivalProblem(strategy: Promises, judged: readonly CriticalSectionRecord[], outcomes: readonly ClientOutcome[]): string | null {
  if (strategy.order !== 'arrival') return null;
  const threads = new Map(outcomes.map((o) => [o.clientId, o.thread]));
  const found = arrivalInversions(judged, (client) => threads.get(client));
  return found.count === 0 ? null : `${found.count} FIFO inversions: a client entered before one that asked earlier on its thread or process (${found.examples.join('; ')})`;
}

/**
 * ticket-rush: answers "bought" in the log beyond the tickets that left the store (`tickets` −
 * the final count), counted only where the clients' own reports (`sold`) do not already show it
 * as lost updates: a crashed victim told "bought" reports nothing, but its answer is in the log.
 * 0 when the final count is unknown.
 */
export function uncoveredPurchases(records: readonly CriticalSectionRecord[], tickets: number, check: WorkloadCheck): number {
  const figures = check.figures;
  if (figures.workload !== 'ticket-rush' || figures.finalCount === null) return 0;
  const told = records.filter((r) => r.outcome === 1).length;
  const gone = tickets - figures.finalCount;
  return told > figures.sold && told > gone ? told - Math.max(gone, figures.sold) : 0;
}

/**
 * Why a strategy's claim that its critical section runs inside a server (`runsIn` `server`) is
 * refused by the evidence, or null when it is not refused (or not made). A store no server holds
 * (the db file, SQLite) runs no operation; an operation a server runs whole is one round trip, so
 * more request turns than answered operations is a protocol of several steps run in the client,
 * spared the simulated latencies and faults a client-side critical section is put through.
 */
export function serverClaimRefused(strategy: Promises, records: readonly CriticalSectionRecord[], serverTurns: number | null): string | null {
  if (strategy.runsIn !== 'server') return null;
  if (strategy.stateStore !== 'redis' && strategy.stateStore !== 'postgres') {
    return `claims its critical section runs inside the server, but its state is in ${strategy.stateStore === 'sqlite' ? 'an SQLite database' : 'the db file'}, where no server runs an operation`;
  }
  const operations = records.filter((r) => Number.isFinite(r.complete)).length;
  if (serverTurns !== null && serverTurns > operations) {
    return `claims its critical section runs inside the server, but its ${operations} operations took ${serverTurns} round trips to the server (one each for an operation the server runs whole)`;
  }
  return null;
}

/**
 * 1 if the victim's committed critical section is the one it was stopped in (entered by `pausedAt`) and wrote (its body succeeded) while another client's
 * committed one entered inside it: the victim's write came from a read another holder had since
 * changed. A fenced-off write aborts its attempt, so the committed one is a fresh attempt.
 */
export function staleWrites(records: readonly CriticalSectionRecord[], pausedAt: number | null): number {
  const victim = records.find((r) => r.slot === VICTIM);
  if (victim === undefined || victim.body !== 1 || !Number.isFinite(victim.enter) || !Number.isFinite(victim.exit)) return 0;
  if (pausedAt === null || victim.enter > pausedAt) return 0;
  const overlapped = records.some((r) => r.slot !== VICTIM && r.attempts - r.aborts > 0 && r.enter > victim.enter && r.enter < victim.exit);
  return overlapped ? 1 : 0;
}

/** Whether the victim's write after its pause was refused (fenced off): one of its attempts aborted. */
export function victimRefused(records: readonly CriticalSectionRecord[]): boolean {
  return (records.find((r) => r.slot === VICTIM)?.aborts ?? 0) > 0;
}

/**
 * Whether the victim, refused, asked for the lock again and that retry committed: an attempt
 * aborted, exactly one committed after it, and its body returned. A victim fenced off and then
 * simply answered (no attempt committed) did not retry, whatever it was told.
 */
export function victimRetried(records: readonly CriticalSectionRecord[]): boolean {
  const victim = records.find((r) => r.slot === VICTIM);
  return victim !== undefined && victim.aborts > 0 && victim.attempts - victim.aborts === 1 && (victim.body === 0 || victim.body === 1);
}

/** From `killedAt` to the first enter by another client after it, ms. */
export function recoveryAfter(killedAt: number | null, records: readonly CriticalSectionRecord[]): number | null {
  if (killedAt === null) return null;
  const after = records.filter((r) => r.client !== VICTIM && r.enter > killedAt).map((r) => r.enter);
  return after.length === 0 ? null : Math.min(...after) - killedAt;
}

/** The fault table's figures of one run, from its log (see `FaultOutcome` in `runners/run.ts`). */
export interface FaultFigures {
  readonly recoveryMs: number | null;
  readonly staleWrites: number | null;
  readonly victimRetried: boolean | null;
  readonly victimRefused: boolean | null;
}

/**
 * The fault figures of one run under `fault`, struck at `killedAt`: the recovery for every fault;
 * whether the victim's write landed stale, was refused, and was retried only for a fault that
 * holds the victim before its write (null for the others: they say nothing of it).
 */
export function faultFigures(fault: FaultName, records: readonly CriticalSectionRecord[], killedAt: number | null): FaultFigures {
  const recoveryMs = recoveryAfter(killedAt, records);
  if (faults[fault].victimHolds !== 'before-write') return { recoveryMs, staleWrites: null, victimRetried: null, victimRefused: null };
  return { recoveryMs, staleWrites: staleWrites(records, killedAt), victimRetried: victimRetried(records), victimRefused: victimRefused(records) };
}

/**
 * The workload's problem that only says a crashed or stuck victim's purchase went through: it
 * reports nothing, so the store may show one sale more than the clients report ("-1 lost
 * updates"). That is no problem when its client never heard back, or was told "bought" (killed
 * after its answer: the sale is the one it was told of). Null when there is no such victim, it was
 * told "sold out", or the figure is another.
 */
function victimSale(evidence: RunEvidence, check: WorkloadCheck): string | null {
  if (victimFinishes(evidence.fault) || check.figures.workload !== 'ticket-rush' || check.figures.lostUpdates !== -1) return null;
  const victim = evidence.records.find((r) => r.slot === VICTIM);
  return victim?.outcome === 0 ? null : '-1 lost updates';
}

/** The end of the problem that says acknowledged purchases the store does not show (after their count). */
export const UNCOVERED_PURCHASES = 'clients told "bought" with no ticket gone from the store for them';

/**
 * The verdict of one run. A crashed or stuck victim's slot is not judged (its body never ends); a
 * paused one's is (its write after the pause is the point). A critical section inside a server
 * has no stamps: only the answers, the final state and the history judge it; a strategy that says
 * so but ran bodies in a client is judged by the log like any other.
 */
export function judge(evidence: RunEvidence): Judgement {
  const { strategy } = evidence;
  // A crashed or stuck victim's slot is not judged; a paused one's is (its write after the pause is the point).
  const judged = evidence.records.filter((r) => victimFinishes(evidence.fault) || r.slot !== VICTIM);
  const bodiesHere = judged.filter((r) => r.attempts > 0).length;
  const inServer = judgedInServer(strategy, judged);
  const analysis = inServer ? analyseAnswers(judged) : analyseLog(judged);
  const check = workloads[evidence.workload].check({ tickets: evidence.tickets, clients: evidence.clients, outcomes: evidence.outcomes, finalState: evidence.finalState, prints: evidence.prints });
  const problems: string[] = [];
  if (strategy.guarantee !== 'serializable commits' && analysis.violations > 0) {
    problems.push(`${analysis.violations} mutual-exclusion violations`);
  }
  // A client told its request's outcome is unknown (-1: its connection or its owner died; -2: it timed out) was answered as truthfully as it could be: its section may or may not have committed.
  const unknown = judged.filter((r) => r.outcome < 0 && Number.isFinite(r.complete) && (inServer || r.attempts - r.aborts === 0)).length;
  const missing = analysis.missing - unknown;
  if (missing > 0) problems.push(inServer ? `${missing} clients never answered` : `${missing} critical sections never committed`);
  if (analysis.repeated > 0) problems.push(`${analysis.repeated} critical sections committed more than once`);
  problems.push(...check.problems.filter((p) => p !== victimSale(evidence, check)));
  if (!inServer) problems.push(...bodyProblems(judged, evidence.records, analysis));
  const unordered = inServer ? null : arrivalProblem(strategy, judged, evidence.outcomes);
  if (unordered !== null) problems.push(unordered);
  const uncovered = uncoveredPurchases(evidence.records, evidence.tickets, check);
  if (uncovered > 0) problems.push(`${uncovered} ${UNCOVERED_PURCHASES}`);
  if (strategy.runsIn === 'server' && bodiesHere > 0) problems.push(`claims its critical section runs inside the server, but ${bodiesHere} bodies ran in the client`);
  const refused = bodiesHere > 0 ? null : serverClaimRefused(strategy, evidence.records, evidence.serverTurns ?? null);
  if (refused !== null) problems.push(refused);
  const linearizable = evidence.workload === 'ticket-rush' ? checkTicketRush(evidence.records, evidence.tickets) : null;
  if (linearizable?.verdict === 'no') problems.push(`not linearizable: ${linearizable.window.join('; ')}`);
  return { verdict: problems.length === 0 ? 'correct' : 'incorrect', reasons: problems, log: analysis, check, linearizable, inServer };
}
