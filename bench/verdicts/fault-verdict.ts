/**
 * The fault table's judgement of one strategy under one fault: a pure function of its runs'
 * results (see `runners/run.ts`), apart from the suite that runs them (`suites/fault-suite.ts`),
 * so that hand-made results test it (`test/fault-verdict.test.ts`).
 */
import { max, median, min } from 'simple-statistics';
import type { Guarantee } from '../../strategies/strategy.ts';
import { faults, type FaultName } from '../faults/registry.ts';
import type { CompletedRun, RunResult } from '../runners/run.ts';
import { UNCOVERED_PURCHASES } from './judge.ts';

/** A central figure with its spread over repetitions. */
interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** What the fault table says of one strategy's runs under one fault. */
export interface FaultVerdict {
  /** Repetitions in which every client but the victim finished. */
  readonly othersFinished: number;
  /** Kill → the next critical section entered by another client, ms; null if none did in any run. */
  readonly recoveryMs: Spread | null;
  /** Whether every finished run's state is consistent (see {@link consistent}): every check passed; null if none finished. */
  readonly consistent: boolean | null;
  /** Finished runs in which committed critical sections overlapped (see {@link exclusionHeld}); null if the strategy does not promise mutual exclusion, or none finished. */
  readonly exclusionBroken: number | null;
  /** Finished runs whose final state was not intact (see {@link stateIntact}); null if none finished. */
  readonly stateBroken: number | null;
  /** What a user of the strategy would see, per distinct outcome. */
  readonly userSees: readonly string[];
  /** A fault that holds the victim before its write and runs with and without fencing (pause-in-cs, partition): runs whose victim's stale write was accepted; null for the other faults. */
  readonly staleWrites: number | null;
}

/** Sales the db shows beyond the survivors' own: 1 if the victim's purchase went through; null if the db does not parse. */
export function unclaimedSales(run: CompletedRun, tickets: number): number | null {
  const figures = run.check.figures;
  return figures.workload === 'ticket-rush' && figures.finalCount !== null ? tickets - figures.finalCount - figures.sold : null;
}

/**
 * Whether a finished run left its state consistent: the run's verdict found no problem (the judge
 * already forgives a crashed victim's purchase it never heard of: see `judge.ts`), the db parses,
 * no ticket is oversold, the db shows exactly the survivors' sales (plus at most the victim's
 * own), and no committed critical sections overlapped (for a strategy that promises mutual exclusion).
 */
export function consistent(run: CompletedRun, guarantee: Guarantee, tickets: number): boolean {
  const figures = run.check.figures;
  const unclaimed = unclaimedSales(run, tickets);
  const overlap = guarantee === 'mutual exclusion' && run.log.violations > 0;
  // A request whose outcome is unknown may have been applied: as many more sales may show.
  const unknown = figures.workload === 'ticket-rush' ? (figures.unknown ?? 0) : 0;
  return run.problems.length === 0 && figures.workload === 'ticket-rush' && figures.oversold === 0 && unclaimed !== null && unclaimed >= 0 && unclaimed <= 1 + unknown && !overlap;
}

/**
 * Whether a finished run kept mutual exclusion: no two critical sections that the log saw entered
 * overlapped. Null for a strategy that does not promise it (its commits, not its sections, are judged).
 */
export function exclusionHeld(run: CompletedRun, guarantee: Guarantee): boolean | null {
  return guarantee === 'mutual exclusion' ? run.log.violations === 0 : null;
}

/**
 * Whether a finished run's final state is intact, whatever happened inside the critical sections:
 * the db parses, nothing is oversold, it shows the survivors' sales plus at most the victim's and
 * the unknown outcomes', the workload's own check of the store kept no problem (a lost update), and
 * no client was told "bought" for a sale the store does not show.
 */
export function stateIntact(run: CompletedRun, tickets: number): boolean {
  const figures = run.check.figures;
  if (figures.workload !== 'ticket-rush') return false;
  const unclaimed = unclaimedSales(run, tickets);
  const unknown = figures.unknown ?? 0;
  // The check's problems the judge kept (it forgives a crashed victim's own sale).
  const kept = run.check.problems.filter((p) => run.problems.includes(p));
  // Purchases acknowledged that the store does not show: written, answered, lost.
  const lost = run.problems.some((p) => p.endsWith(UNCOVERED_PURCHASES));
  return figures.oversold === 0 && unclaimed !== null && unclaimed >= 0 && unclaimed <= 1 + unknown && kept.length === 0 && !lost;
}

/** What a user of the strategy would see in one run, with the run's own problems when it has any. */
export function userSees(run: RunResult, tickets: number): string {
  if (run.status === 'failed') return `run failed: ${run.error}`;
  const problems = run.problems.length === 0 ? '' : `; the run is incorrect: ${run.problems.join('; ')}`;
  return `${faultOutcome(run, tickets)}${problems}`;
}

function faultOutcome(run: CompletedRun, tickets: number): string {
  const fault = run.fault === null ? undefined : faults[run.fault.name];
  if (fault?.userSees !== undefined) return fault.userSees(run, tickets);
  if (run.fault?.name === 'pause-in-cs') {
    // The paused victim finishes: its answer is among the clients'.
    if (run.fault.staleWrites === 1) return "every client finished; the victim's write after its pause was accepted over a newer holder's (a lost update)";
    if (run.fault.victimRetried === true) return "every client finished; the victim's write after its pause was refused, and it asked for the lock again";
    if (run.fault.victimRefused === true) return "every client finished; the victim's write after its pause was refused, and it did not ask for the lock again";
    return 'every client finished; the victim kept its lock while stopped, and the others waited for it';
  }
  const victim = (unclaimedSales(run, tickets) ?? 0) > 0 ? "the victim's purchase was applied" : "the victim's purchase was not applied";
  return `every other client finished; ${victim}`;
}

/** What the runs of one fault-table row were: the fault, the strategy's guarantee, the tickets each run started with. */
export interface FaultRowSettings {
  readonly fault: FaultName;
  readonly guarantee: Guarantee;
  readonly tickets: number;
}

/** The fault table's cells of one strategy from its `runs` under one fault. */
export function judgeFaultRuns(runs: readonly RunResult[], { fault, guarantee, tickets }: FaultRowSettings): FaultVerdict {
  const finished = runs.flatMap((r) => (r.status === 'completed' ? [r] : []));
  const recoveries = finished.flatMap((r) => (r.fault?.recoveryMs != null ? [r.fault.recoveryMs] : []));
  // Faults that hold the victim before its write and run both ways: its write may land stale.
  const paused = faults[fault].victimHolds === 'before-write' && faults[fault].fencingBothWays;
  return {
    othersFinished: finished.length,
    recoveryMs: recoveries.length === 0 ? null : { median: median(recoveries), min: min(recoveries), max: max(recoveries) },
    consistent: finished.length === 0 ? null : finished.every((r) => consistent(r, guarantee, tickets)),
    exclusionBroken: finished.length === 0 || guarantee !== 'mutual exclusion' ? null : finished.filter((r) => exclusionHeld(r, guarantee) === false).length,
    stateBroken: finished.length === 0 ? null : finished.filter((r) => !stateIntact(r, tickets)).length,
    userSees: [...new Set(runs.map((r) => userSees(r, tickets)))],
    staleWrites: paused ? finished.reduce((sum, r) => sum + (r.fault?.staleWrites ?? 0), 0) : null,
  };
}
