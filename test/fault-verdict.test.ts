/**
 * The fault table's judgement, from hand-made run results: "consistent" must take in the run's
 * own problems, and "asked for the lock again" must come from a retry that committed.
 */
import { describe, expect, it } from 'vitest';
import type { CompletedRun, FaultOutcome, RunResult } from '../bench/runners/run.ts';
import { faults } from '../bench/faults/registry.ts';
import { consistent, exclusionHeld, judgeFaultRuns, stateIntact, userSees } from '../bench/verdicts/fault-verdict.ts';
import { UNCOVERED_PURCHASES } from '../bench/verdicts/judge.ts';

/** A finished ticket-rush run on 6 tickets: 5 survivors bought, the store shows `finalCount`. */
function run(finalCount: number, problems: string[] = [], fault: Partial<FaultOutcome> = {}, violations = 0): CompletedRun {
  return {
    status: 'completed',
    runner: 'threads',
    programWallMs: null,
    workDir: '',
    wallMs: 10,
    cpuMs: 1,
    firstEnterMs: 0,
    firstRequestMs: 0,
    clientsPerThread: [6],
    log: { violations, violationExamples: [], missing: 0, repeated: 0, aborts: 0, maxRetries: 0, waitsMs: [], holdsMs: [], holdOvershootsMs: [], handoffGapsMs: [], inversions: 0 },
    check: { figures: { workload: 'ticket-rush', sold: 5, oversold: 0, finalCount, lostUpdates: 5 - (6 - finalCount), tornReads: 0, tornReadsInside: 0 }, problems: [] },
    fault: { name: 'crash-in-cs', killedAt: 1, staleWrites: null, victimRetried: null, recoveryMs: 2, ...fault },
    window: null,
    linearizable: null,
    history: null,
    problems,
  };
}
const failed: RunResult = { status: 'failed', workDir: '', error: 'no progress for 10 s' };
const crash = { fault: 'crash-in-cs' as const, guarantee: 'mutual exclusion' as const, tickets: 6 };

describe('consistent', () => {
  it("the survivors' sales, plus or minus the victim's, and nothing else wrong", () => {
    expect(consistent(run(1), 'mutual exclusion', 6)).toBe(true);
    expect(consistent(run(0), 'mutual exclusion', 6)).toBe(true);
    expect(consistent(run(2), 'mutual exclusion', 6)).toBe(false);
    expect(consistent(run(1, [], {}, 1), 'mutual exclusion', 6)).toBe(false);
    expect(consistent(run(1, [], {}, 1), 'serializable commits', 6)).toBe(true);
  });

  it("is not when the run has problems of its own, whatever the store shows", () => {
    for (const problem of ['1 critical sections never committed', '2 buyers turned away while 1 tickets remained (undersold)', '1 clients told something other than what their critical section returned', 'not linearizable: …', '1 clients answered before their critical section ended']) {
      expect(consistent(run(1, [problem]), 'mutual exclusion', 6)).toBe(false);
    }
  });
});

describe('mutual exclusion and the final state, judged apart', () => {
  it('an overlap breaks mutual exclusion and leaves the final state intact (a partition whose server refused the stale write)', () => {
    const overlapped = run(1, ['1 mutual-exclusion violations'], {}, 1);
    expect(exclusionHeld(overlapped, 'mutual exclusion')).toBe(false);
    expect(stateIntact(overlapped, 6)).toBe(true);
    expect(judgeFaultRuns([overlapped, run(1)], crash)).toMatchObject({ exclusionBroken: 1, stateBroken: 0, consistent: false });
  });

  it('a lost update, an oversale or a lost acknowledged purchase breaks the final state and leaves mutual exclusion held', () => {
    const lost = { ...run(1, ['1 lost updates']), check: { ...run(1).check, problems: ['1 lost updates'] } };
    const oversold = { ...run(1), check: { ...run(1).check, figures: { ...run(1).check.figures, oversold: 1 } } };
    const unacknowledged = run(1, [`1 ${UNCOVERED_PURCHASES}`]);
    for (const broken of [lost, oversold, unacknowledged, run(2), run(-1)]) {
      expect(stateIntact(broken, 6)).toBe(false);
      expect(exclusionHeld(broken, 'mutual exclusion')).toBe(true);
    }
    expect(judgeFaultRuns([lost, run(1), oversold], crash)).toMatchObject({ exclusionBroken: 0, stateBroken: 2 });
  });

  it("a problem of the check's that the judge forgave (the crashed victim's own sale) leaves the state intact", () => {
    const forgiven = { ...run(1), check: { ...run(1).check, problems: ['1 lost updates'] } };
    expect(stateIntact(forgiven, 6)).toBe(true);
  });

  it('unknown outcomes may each have been applied', () => {
    const withUnknown = (finalCount: number, unknown: number) => ({ ...run(finalCount), check: { ...run(finalCount).check, figures: { ...run(finalCount).check.figures, unknown } } });
    expect(stateIntact(withUnknown(-1, 1), 6)).toBe(true);
    expect(stateIntact(withUnknown(-2, 1), 6)).toBe(false);
  });

  it('a strategy that promises only serializable commits is not judged on overlaps', () => {
    expect(exclusionHeld(run(1, [], {}, 1), 'serializable commits')).toBeNull();
    expect(judgeFaultRuns([run(1, [], {}, 1)], { ...crash, guarantee: 'serializable commits' }).exclusionBroken).toBeNull();
    expect(judgeFaultRuns([failed], crash)).toMatchObject({ exclusionBroken: null, stateBroken: null });
  });
});

describe('judgeFaultRuns', () => {
  it('folds repetitions: finished, recovery spread, consistent only if every finished one is', () => {
    const verdict = judgeFaultRuns([run(1, [], { recoveryMs: 4 }), failed, run(0, [], { recoveryMs: 2 })], crash);
    expect(verdict).toMatchObject({ othersFinished: 2, recoveryMs: { median: 3, min: 2, max: 4 }, consistent: true, staleWrites: null });
    expect(verdict.userSees).toEqual([
      "every other client finished; the victim's purchase was not applied",
      'run failed: no progress for 10 s',
      "every other client finished; the victim's purchase was applied",
    ]);
    expect(judgeFaultRuns([run(1), run(1, ['x'])], crash).consistent).toBe(false);
    expect(judgeFaultRuns([failed], crash)).toMatchObject({ othersFinished: 0, consistent: null, recoveryMs: null });
    expect(judgeFaultRuns([run(1, [], { recoveryMs: null }), run(1, [], { recoveryMs: 5 })], crash).recoveryMs).toEqual({ median: 5, min: 5, max: 5 });
    expect(judgeFaultRuns([{ ...run(1), fault: null }], crash).recoveryMs).toBeNull();
  });

  it("says the run's problems in what the user sees", () => {
    expect(userSees(run(1, ['a', 'b']), 6)).toBe("every other client finished; the victim's purchase was not applied; the run is incorrect: a; b");
    expect(userSees({ ...run(1), fault: null }, 6)).toBe("every other client finished; the victim's purchase was not applied");
  });

  it('pause: a retry that committed is "asked again"; a refusal answered without one is not', () => {
    const pause = { ...crash, fault: 'pause-in-cs' as const };
    const outcome = (fault: Partial<FaultOutcome>) => judgeFaultRuns([run(1, [], { name: 'pause-in-cs', staleWrites: 0, ...fault })], pause);
    expect(outcome({ victimRetried: true, victimRefused: true }).userSees[0]).toMatch(/refused, and it asked for the lock again$/);
    expect(outcome({ victimRetried: false, victimRefused: true }).userSees[0]).toMatch(/refused, and it did not ask for the lock again$/);
    expect(outcome({ victimRetried: false, victimRefused: false }).userSees[0]).toMatch(/kept its lock while stopped/);
    expect(outcome({ staleWrites: 1 }).userSees[0]).toMatch(/accepted over a newer holder's/);
    expect(outcome({ staleWrites: 1 }).staleWrites).toBe(1);
    expect(judgeFaultRuns([failed], pause).staleWrites).toBe(0);
  });
});

describe('consistent: the store against the reports', () => {
  /** `base` with its ticket-rush figures changed. */
  const withFigures = (base: CompletedRun, figures: Partial<Extract<CompletedRun['check']['figures'], { workload: 'ticket-rush' }>>): CompletedRun => {
    const current = base.check.figures;
    if (current.workload !== 'ticket-rush') throw new Error('a ticket-rush run expected');
    return { ...base, check: { ...base.check, figures: { ...current, ...figures } } };
  };

  it('a store that does not parse, or a ticket oversold, is not consistent', () => {
    expect(consistent(withFigures(run(1), { finalCount: null }), 'mutual exclusion', 6)).toBe(false);
    expect(consistent(withFigures(run(1), { oversold: 1 }), 'mutual exclusion', 6)).toBe(false);
  });

  it('each request whose outcome a client was told is unknown may show as one sale more, no further', () => {
    // 4 survivors bought; the store shows 6 sales: the victim's and one more.
    const twoMore = withFigures(run(0), { sold: 4 });
    expect(consistent(twoMore, 'mutual exclusion', 6)).toBe(false);
    expect(consistent(withFigures(twoMore, { unknown: 1 }), 'mutual exclusion', 6)).toBe(true);
    expect(consistent(withFigures(run(0), { sold: 3, unknown: 1 }), 'mutual exclusion', 6)).toBe(false);
  });
});

describe('judgeFaultRuns: what each fault says', () => {
  it('stale writes are counted only for a fault that holds the victim before its write and runs with and without fencing', () => {
    // crash-server holds the victim before its write but does not run both ways: it has no such figure.
    const server = { ...crash, fault: 'crash-server' as const };
    expect(judgeFaultRuns([run(1, [], { name: 'crash-server', staleWrites: 1 })], server).staleWrites).toBeNull();
    const pause = { ...crash, fault: 'pause-in-cs' as const };
    expect(judgeFaultRuns([run(1, [], { name: 'pause-in-cs', staleWrites: 1 }), run(1, [], { name: 'pause-in-cs', staleWrites: 1 })], pause).staleWrites).toBe(2);
  });

  it("a fault that says what a user sees in its own words is taken at them, the run's problems added", () => {
    const answered = run(1, ['p'], { name: 'crash-after-answer' });
    const own = faults['crash-after-answer'].userSees?.(answered, 6);
    if (own === undefined) throw new Error('crash-after-answer says nothing of what a user sees');
    expect(userSees(answered, 6)).toBe(`${own}; the run is incorrect: p`);
    expect(userSees(answered, 6)).not.toBe(userSees(run(1, ['p']), 6));
  });
});
