/**
 * The verdict of one run, from hand-made evidence: each rule of `bench/verdicts/judge.ts` with the
 * history it must catch and the one it must let pass. No run, no thread, no server.
 */
import { describe, expect, it } from 'vitest';
import type { CriticalSectionRecord } from '../bench/evidence/event-log.ts';
import { PrintLog } from '../bench/evidence/print-log.ts';
import type { ClientOutcome } from '../bench/workloads/workload.ts';
import { earlyAnswers, faultFigures, judge, judgedInServer, mismatchedAnswers, recoveryAfter, serverClaimRefused, staleWrites, uncoveredPurchases, victimRefused, victimRetried, type Promises, type RunEvidence } from '../bench/verdicts/judge.ts';

const lock: Promises = { guarantee: 'mutual exclusion', order: 'unspecified' };
const serverSide: Promises = { guarantee: 'serializable commits', order: 'unspecified', runsIn: 'server', stateStore: 'redis' };

/** Client `slot`'s critical section, one after another 10 ms apart: asked at 0, inside [10·slot, 10·slot + 8], answered at 10·slot + 9. */
function cs(slot: number, fields: Partial<CriticalSectionRecord> = {}): CriticalSectionRecord {
  const enter = 10 * slot;
  return { slot, client: slot, thread: 1, request: 0, enter, exit: enter + 8, nominal: 8, attempts: 1, aborts: 0, input: 0, body: 1, complete: enter + 9, outcome: 1, ...fields };
}

/** What a client that was told `bought` (1) or not (0) reports. */
function outcome(clientId: number, bought: number): ClientOutcome {
  return { clientId, thread: 1, requests: 1, successes: bought, tornReadsOutside: 0, tornReadsInside: 0, end: 10 * clientId + 9 };
}

/**
 * A ticket-rush run's evidence from its records: the clients report what their records say they
 * were told (a slot never answered reports nothing), and the store holds `finalCount`.
 */
function ticketRush(records: readonly CriticalSectionRecord[], tickets: number, finalCount: number, more: Partial<RunEvidence> = {}): RunEvidence {
  return {
    workload: 'ticket-rush',
    strategy: lock,
    tickets,
    clients: records.length,
    fault: null,
    records,
    outcomes: records.filter((r) => r.outcome === 0 || r.outcome === 1).map((r) => outcome(r.client, r.outcome)),
    finalState: { ok: true, state: { count: finalCount } },
    prints: PrintLog.create(0),
    ...more,
  };
}

/** n clients served one after another from `tickets` tickets, honestly. */
function serial(n: number, tickets: number): CriticalSectionRecord[] {
  return Array.from({ length: n }, (_, i) => cs(i, { body: i < tickets ? 1 : 0, outcome: i < tickets ? 1 : 0 }));
}

describe('judge: an honest run', () => {
  it('is correct, with no reasons', () => {
    const verdict = judge(ticketRush(serial(4, 3), 3, 0));
    expect(verdict.reasons).toEqual([]);
    expect(verdict.verdict).toBe('correct');
    expect(verdict.linearizable?.verdict).toBe('yes');
    expect(verdict.inServer).toBe(false);
  });
});

describe('judge: the log', () => {
  it('overlapping critical sections of a lock are violations', () => {
    const records = [cs(0), cs(1, { enter: 5, exit: 13, complete: 14 })];
    const verdict = judge(ticketRush(records, 2, 0));
    expect(verdict.verdict).toBe('incorrect');
    expect(verdict.reasons).toContain('1 mutual-exclusion violations');
  });

  it('overlaps of a strategy promising serializable commits are not violations', () => {
    const records = [cs(0), cs(1, { enter: 5, exit: 13, complete: 14 })];
    const verdict = judge(ticketRush(records, 2, 0, { strategy: { guarantee: 'serializable commits', order: 'unspecified' } }));
    expect(verdict.reasons.join('\n')).not.toMatch(/violations/);
  });

  it('a body that never committed, and one that committed twice', () => {
    const records = [cs(0, { attempts: 2 }), cs(1, { attempts: 0, enter: Number.NaN, exit: Number.NaN, body: Number.NaN, outcome: Number.NaN, complete: Number.NaN })];
    const reasons = judge(ticketRush(records, 2, 1)).reasons;
    expect(reasons).toContain('1 critical sections never committed');
    expect(reasons).toContain('1 critical sections committed more than once');
  });

  it('an answer other than what the body returned', () => {
    const records = [cs(0), cs(1, { body: 0, outcome: 1 })];
    expect(judge(ticketRush(records, 2, 0)).reasons).toContain('1 clients told something other than what their critical section returned');
  });

  it('an answer between the enter and the exit', () => {
    const records = [cs(0), cs(1, { complete: 12 })];
    expect(judge(ticketRush(records, 2, 0)).reasons).toContain('1 clients answered before their critical section ended');
  });

  it('an answer before the body even began, and one whose body never ended', () => {
    const records = [cs(0, { request: -2, complete: -1 }), cs(1, { exit: Number.NaN, body: 1 }), cs(2)];
    expect(judge(ticketRush(records, 3, 0)).reasons).toContain('2 clients answered before their critical section ended');
  });

  it('an answer at the very exit stamp is not early; a "sold out" one is judged the same', () => {
    expect(judge(ticketRush([cs(0, { complete: 8 })], 1, 0)).reasons).toEqual([]);
    expect(judge(ticketRush([cs(0), cs(1, { body: 0, outcome: 0, complete: 17 })], 1, 0)).reasons).toContain('1 clients answered before their critical section ended');
  });

  it('a section entered and never left', () => {
    const records = [cs(0), cs(1, { exit: Number.NaN, body: Number.NaN, outcome: Number.NaN, complete: Number.NaN })];
    expect(judge(ticketRush(records, 2, 1)).reasons).toContain('1 critical sections entered and never left');
  });

  it('a section whose client timed out waiting for its write (partition-drop) is open, not a problem; one whose client threw is', () => {
    const gaveUp = (outcome: number) => [cs(0), cs(1, { exit: Number.NaN, body: Number.NaN, outcome, complete: 40 })];
    expect(judge(ticketRush(gaveUp(-2), 2, 1)).reasons).not.toContain('1 critical sections entered and never left');
    expect(judge(ticketRush(gaveUp(-1), 2, 1)).reasons).toContain('1 critical sections entered and never left');
  });

  it('a hold shorter than the simulated latency by more than the tolerance, not one within it', () => {
    expect(judge(ticketRush([cs(0, { nominal: 9 })], 1, 0)).reasons).toEqual([]);
    expect(judge(ticketRush([cs(0, { nominal: 9.01 })], 1, 0)).reasons).toContain('1 critical sections shorter than the simulated latency they must take');
  });

  it('a history that cannot be linearized: sold out before a ticket was bought, one after the other', () => {
    const records = [cs(0, { body: 0, outcome: 0 }), cs(1, { request: 9.5 })];
    const verdict = judge(ticketRush(records, 1, 0));
    expect(verdict.linearizable?.verdict).toBe('no');
    expect(verdict.reasons.join('\n')).toMatch(/^not linearizable: client 0 buy sold out/m);
  });

  it("passes on the workload's own problems", () => {
    expect(judge(ticketRush(serial(2, 2), 2, 1)).reasons).toContain('1 lost updates');
  });

  it('judges ordered-print by its prints', () => {
    const prints = PrintLog.create(4);
    for (const [client, kind] of [[0, 'running'], [1, 'running'], [0, 'done'], [1, 'done']] as const) prints.print(client, kind);
    const verdict = judge({ ...ticketRush([cs(0), cs(1)], 0, 0), workload: 'ordered-print', outcomes: [], prints });
    expect(verdict.linearizable).toBeNull();
    expect(verdict.reasons).toContain('2 of 2 clients interleaved');
  });
});

describe('judge: first come, first served, for a strategy that promises it', () => {
  const fifo: Promises = { guarantee: 'mutual exclusion', order: 'arrival' };
  // Client 1 asked at 1, client 2 at 2, on one thread; client 2 entered first.
  const inverted = [cs(0), cs(1, { request: 1, enter: 20, exit: 28, complete: 29 }), cs(2, { request: 2, enter: 10, exit: 18, complete: 19 })];
  const onThreads = (...threads: number[]) => inverted.map((r, i) => ({ ...outcome(r.client, 1), thread: threads[i] ?? 0 }));

  it('an inversion between requests made on one thread is a problem, named with its clients', () => {
    const verdict = judge(ticketRush(inverted, 3, 0, { strategy: fifo, outcomes: onThreads(1, 1, 1) }));
    expect(verdict.verdict).toBe('incorrect');
    expect(verdict.reasons).toEqual([
      '1 FIFO inversions: a client entered before one that asked earlier on its thread or process (client 2 asked 1.000 ms after client 1 on its thread and entered 10.000 ms before it)',
    ]);
  });

  it('is not a problem for a strategy that does not promise arrival order', () => {
    expect(judge(ticketRush(inverted, 3, 0, { outcomes: onThreads(1, 1, 1) })).reasons).toEqual([]);
  });

  it('requests of different threads or processes, or of a client that reported nothing, are not ordered', () => {
    expect(judge(ticketRush(inverted, 3, 0, { strategy: fifo, outcomes: onThreads(1, 1, 2) })).reasons).toEqual([]);
    const silent = onThreads(1, 1, 1).filter((o) => o.clientId !== 2);
    expect(judge(ticketRush(inverted, 3, 0, { strategy: fifo, outcomes: silent })).reasons).not.toContainEqual(expect.stringMatching(/FIFO/));
  });

  it('a crashed victim is not judged for its order', () => {
    const victimLate = [cs(0, { request: 0, enter: 30, exit: Number.NaN, nominal: Number.NaN, body: Number.NaN, outcome: Number.NaN, complete: Number.NaN }), cs(1, { request: 1, enter: 10 }), cs(2, { request: 2, enter: 20 })];
    const outcomes = [1, 2].map((c) => outcome(c, 1));
    const reasons = judge(ticketRush(victimLate, 2, 0, { strategy: fifo, fault: 'crash-in-cs', outcomes: [{ ...outcome(0, 1), thread: 1 }, ...outcomes] })).reasons;
    expect(reasons.join('\n')).not.toMatch(/FIFO/);
  });
});

describe('judge: a strategy whose critical section runs in a server', () => {
  const answered = (slot: number, bought: number) => cs(slot, { enter: Number.NaN, exit: Number.NaN, nominal: Number.NaN, attempts: 0, body: Number.NaN, outcome: bought });

  it('is judged by its answers when no body ran in a client', () => {
    const verdict = judge(ticketRush([answered(0, 1), answered(1, 0)], 1, 0, { strategy: serverSide }));
    expect(verdict.inServer).toBe(true);
    expect(verdict.reasons).toEqual([]);
  });

  it('a client never answered', () => {
    const silent = { ...answered(1, 0), outcome: Number.NaN, complete: Number.NaN };
    expect(judge(ticketRush([answered(0, 1), silent], 1, 0, { strategy: serverSide })).reasons).toContain('1 clients never answered');
  });

  it('one round trip per answered operation is taken as run inside the server; one more is refused', () => {
    const records = [answered(0, 1), answered(1, 0)];
    expect(judge(ticketRush(records, 1, 0, { strategy: serverSide, serverTurns: 2 })).reasons).toEqual([]);
    expect(judge(ticketRush(records, 1, 0, { strategy: serverSide, serverTurns: 3 })).reasons).toEqual([
      'claims its critical section runs inside the server, but its 2 operations took 3 round trips to the server (one each for an operation the server runs whole)',
    ]);
    // A client never answered is no operation the round trips may be spread over.
    const silent = { ...answered(1, 0), outcome: Number.NaN, complete: Number.NaN };
    expect(serverClaimRefused(serverSide, [answered(0, 1), silent], 2)).toMatch(/its 1 operations took 2 round trips/);
    expect(serverClaimRefused(serverSide, records, null)).toBeNull();
    expect(serverClaimRefused(lock, records, 100)).toBeNull();
  });

  it('a store no server holds runs no operation: the claim is refused', () => {
    const verdict = judge(ticketRush([answered(0, 1)], 1, 0, { strategy: { ...serverSide, stateStore: 'sqlite' } }));
    expect(verdict.reasons).toEqual(['claims its critical section runs inside the server, but its state is in an SQLite database, where no server runs an operation']);
    expect(serverClaimRefused({ ...serverSide, stateStore: undefined }, [], null)).toMatch(/its state is in the db file, where no server runs an operation/);
    expect(serverClaimRefused({ ...serverSide, stateStore: 'postgres' }, [], null)).toBeNull();
  });

  it('bodies that ran in a client are judged by the log, and named', () => {
    const verdict = judge(ticketRush([answered(0, 1), cs(1, { body: 0, outcome: 0 })], 1, 0, { strategy: serverSide }));
    expect(verdict.inServer).toBe(false);
    expect(verdict.reasons).toContain('claims its critical section runs inside the server, but 1 bodies ran in the client');
  });
});

describe('judge: a fault', () => {
  const dead = cs(0, { exit: Number.NaN, body: Number.NaN, outcome: Number.NaN, complete: Number.NaN, nominal: Number.NaN });

  it("a crashed victim's slot is not judged", () => {
    const records = [dead, cs(1), cs(2)];
    const verdict = judge({ ...ticketRush(records, 3, 1), fault: 'crash-in-cs' });
    expect(verdict.log.missing).toBe(0);
    expect(verdict.reasons).toEqual([]);
  });

  it("a crashed victim's applied purchase it never heard of is no lost update; one it was told of is", () => {
    const records = [dead, cs(1), cs(2)];
    expect(judge({ ...ticketRush(records, 3, 0), fault: 'crash-in-cs' }).reasons).toEqual([]);
    expect(judge({ ...ticketRush(records, 3, 0), fault: null }).reasons).toContain('-1 lost updates');
    const told = [{ ...dead, outcome: 0, complete: 1 }, cs(1), cs(2)];
    expect(judge({ ...ticketRush(told, 3, 0), fault: 'crash-in-cs', outcomes: [outcome(1, 1), outcome(2, 1)] }).reasons).toContain('-1 lost updates');
    expect(judge({ ...ticketRush(records, 3, 1), fault: 'crash-in-cs' }).reasons).toEqual([]);
  });

  it('a victim killed right after its answer "bought" (crash-after-answer): its sale in the store is the one it was told of; its sale missing is an acknowledged purchase lost', () => {
    // The victim's record is whole (its body ended, then it was answered); only its report died with it.
    const records = [cs(0), cs(1), cs(2)];
    const others = [outcome(1, 1), outcome(2, 1)];
    expect(judge({ ...ticketRush(records, 3, 0), fault: 'crash-after-answer', outcomes: others }).reasons).toEqual([]);
    expect(judge({ ...ticketRush(records, 3, 1), fault: 'crash-after-answer', outcomes: others }).reasons).toEqual(['1 clients told "bought" with no ticket gone from the store for them']);
    // Told "sold out", yet the store shows its sale: the report it could not make does not excuse the answer.
    const soldOut = [cs(0, { outcome: 0 }), cs(1), cs(2)];
    expect(judge({ ...ticketRush(soldOut, 3, 0), fault: 'crash-after-answer', outcomes: others }).reasons).toContain('-1 lost updates');
  });

  it('a crashed victim told "bought" before its body, which never ended: an early answer with no ticket behind it', () => {
    const records = [{ ...dead, request: -2, outcome: 1, complete: -1 }, cs(1), cs(2)];
    const reasons = judge({ ...ticketRush(records, 3, 1), fault: 'crash-in-cs', outcomes: [outcome(1, 1), outcome(2, 1)] }).reasons;
    expect(reasons).toContain('1 clients answered before their critical section ended');
    expect(reasons).toContain('1 clients told "bought" with no ticket gone from the store for them');
  });

  it('a crashed victim told "bought" with no body at all: an answer with no critical section behind it, so an early one', () => {
    const never = { ...dead, attempts: 0, enter: Number.NaN, outcome: 1, complete: 1 };
    const reasons = judge({ ...ticketRush([never, cs(1), cs(2)], 3, 1), fault: 'crash-in-cs', outcomes: [outcome(1, 1), outcome(2, 1)] }).reasons;
    expect(reasons).toContain('1 clients answered before their critical section ended');
    expect(reasons.join('\n')).not.toMatch(/told something other/);
    expect(reasons).toContain('1 clients told "bought" with no ticket gone from the store for them');
  });

  it("a paused victim's slot is", () => {
    const records = [dead, cs(1), cs(2)];
    expect(judge({ ...ticketRush(records, 3, 1), fault: 'pause-in-cs' }).reasons).toContain('1 critical sections entered and never left');
  });
});

describe('the answer rules one by one', () => {
  it('earlyAnswers: answered slots with no finished critical section behind the answer', () => {
    const noBody = { enter: Number.NaN, exit: Number.NaN, body: Number.NaN, attempts: 0 };
    expect(earlyAnswers([cs(0, noBody)])).toBe(1);
    expect(earlyAnswers([cs(0, { ...noBody, outcome: 0 })])).toBe(1);
    expect(earlyAnswers([cs(0, { ...noBody, outcome: Number.NaN, complete: Number.NaN })])).toBe(0);
    // Every attempt aborted (its exit stamped, its enter forgotten), then "sold out": no section behind it.
    expect(earlyAnswers([cs(0, { enter: Number.NaN, attempts: 1, aborts: 1, body: Number.NaN, outcome: 0 })])).toBe(1);
    // A retry entered after the aborted attempt's exit and had not left when the client was answered.
    expect(earlyAnswers([cs(0, { enter: 5, exit: 4, attempts: 2, aborts: 1, complete: 6 })])).toBe(1);
    expect(earlyAnswers([cs(0, { complete: 8 })])).toBe(0);
    expect(earlyAnswers([cs(0, { exit: Number.NaN, outcome: -1 })])).toBe(0);
    expect(earlyAnswers([cs(0, { exit: Number.NaN, outcome: Number.NaN })])).toBe(0);
    expect(earlyAnswers([cs(0, { exit: Number.NaN, complete: Number.NaN })])).toBe(0);
    expect(earlyAnswers([cs(0, { exit: Number.NaN, outcome: 0 })])).toBe(1);
  });

  it('mismatchedAnswers: "sold out" for a purchase counts as much as "bought" for none; a throw does not', () => {
    expect(mismatchedAnswers([cs(0, { outcome: 0 })])).toBe(1);
    expect(mismatchedAnswers([cs(0, { outcome: -1 })])).toBe(0);
    expect(mismatchedAnswers([cs(0, { body: 0 })])).toBe(1);
    // No body returned: an early answer, not this one.
    expect(mismatchedAnswers([cs(0, { enter: Number.NaN, exit: Number.NaN, body: Number.NaN, attempts: 0 })])).toBe(0);
  });

  it('judgedInServer: only for a strategy that says so', () => {
    const noBody = cs(0, { enter: Number.NaN, exit: Number.NaN, body: Number.NaN, attempts: 0 });
    expect(judgedInServer(lock, [noBody])).toBe(false);
    expect(judgedInServer(serverSide, [noBody])).toBe(true);
  });
});

describe('uncoveredPurchases', () => {
  const check = (sold: number, finalCount: number | null) => ({ figures: { workload: 'ticket-rush' as const, sold, oversold: 0, finalCount, lostUpdates: null, tornReads: 0, tornReadsInside: 0 }, problems: [] });

  it('counts answers "bought" in the log beyond both the reports and the tickets gone', () => {
    const three = [cs(0), cs(1), cs(2)];
    expect(uncoveredPurchases(three, 3, check(2, 1))).toBe(1);
    expect(uncoveredPurchases(three, 3, check(2, 0))).toBe(0);
    expect(uncoveredPurchases(three, 3, check(3, 1))).toBe(0);
    expect(uncoveredPurchases(three, 3, check(1, 2))).toBe(2);
    expect(uncoveredPurchases(three, 3, check(1, 1))).toBe(1);
    expect(uncoveredPurchases(three, 3, check(2, null))).toBe(0);
    expect(uncoveredPurchases(three, 2, check(1, null))).toBe(0);
    expect(uncoveredPurchases(three, 3, { figures: { workload: 'noop' }, problems: [] })).toBe(0);
  });
});

describe('fault figures from the log', () => {
  it('a stale write: the victim wrote while another committed section entered inside its own', () => {
    expect(staleWrites([cs(0, { exit: 30 }), cs(1)], 5)).toBe(1);
    expect(staleWrites([cs(0, { exit: 30, body: 0 }), cs(1)], 5)).toBe(0);
    expect(staleWrites([cs(0), cs(1)], 5)).toBe(0);
    expect(staleWrites([cs(0, { exit: 30 }), cs(1, { attempts: 1, aborts: 1 })], 5)).toBe(0);
    expect(staleWrites([cs(1)], 5)).toBe(0);
    // Only the attempt the victim was stopped in: a retry entered after the pause is a fresh read.
    expect(staleWrites([cs(0, { exit: 30 }), cs(1)], -1)).toBe(0);
    expect(staleWrites([cs(0, { exit: 30 }), cs(1)], null)).toBe(0);
    expect(staleWrites([cs(0, { exit: 30 }), cs(1)], 0)).toBe(1);
  });

  it('recovery: from the kill to the first enter by another client after it', () => {
    expect(recoveryAfter(null, [cs(0), cs(1)])).toBeNull();
    expect(recoveryAfter(5, [cs(0), cs(1), cs(2)])).toBe(5);
    expect(recoveryAfter(25, [cs(0), cs(1)])).toBeNull();
  });

  it('a victim whose attempt aborted asked again', () => {
    expect(victimRetried([cs(0, { attempts: 2, aborts: 1 }), cs(1)])).toBe(true);
    expect(victimRetried([cs(0), cs(1)])).toBe(false);
    expect(victimRefused([cs(0, { attempts: 2, aborts: 1 })])).toBe(true);
    expect(victimRefused([cs(0)])).toBe(false);
    expect(victimRefused([cs(1)])).toBe(false);
  });

  it('a victim fenced off and then simply answered did not retry, whatever it was told', () => {
    const answeredAnyway = cs(0, { attempts: 1, aborts: 1, enter: Number.NaN, body: Number.NaN, outcome: 0 });
    expect(victimRetried([answeredAnyway, cs(1)])).toBe(false);
    expect(victimRefused([answeredAnyway, cs(1)])).toBe(true);
    expect(victimRetried([cs(0, { attempts: 3, aborts: 1 })])).toBe(false);
    expect(victimRetried([cs(0, { attempts: 2, aborts: 1, body: 0 })])).toBe(true);
    expect(victimRetried([cs(1, { attempts: 2, aborts: 1 })])).toBe(false);
  });
});

describe('judge: answers whose outcome the client was told is unknown', () => {
  const never = { attempts: 0, enter: Number.NaN, exit: Number.NaN, body: Number.NaN, outcome: Number.NaN, complete: Number.NaN };
  const refused = { attempts: 1, aborts: 1, enter: Number.NaN, body: Number.NaN };

  it('a client told "unknown" (its connection died: -1; it timed out: -2) after no attempt committed was answered as truly as it could be', () => {
    for (const unknown of [-1, -2]) {
      const reasons = judge(ticketRush([cs(0), cs(1, { ...refused, outcome: unknown })], 2, 1)).reasons;
      expect(reasons.join('\n')).not.toMatch(/never committed/);
    }
  });

  it('"unknown" never said, or said of a section that committed, excuses no other section that never committed', () => {
    expect(judge(ticketRush([cs(0), cs(1, { ...refused, outcome: -1, complete: Number.NaN })], 2, 1)).reasons).toContain('1 critical sections never committed');
    expect(judge(ticketRush([cs(0, never), cs(1, { outcome: -1 })], 2, 1)).reasons).toContain('1 critical sections never committed');
  });

  it('in a server: a client told "unknown" was answered', () => {
    const answered = (slot: number, told: number) => cs(slot, { enter: Number.NaN, exit: Number.NaN, nominal: Number.NaN, attempts: 0, body: Number.NaN, outcome: told });
    expect(judge(ticketRush([answered(0, 1), answered(1, -1)], 2, 1, { strategy: serverSide })).reasons).toEqual([]);
  });
});

describe('judge: boundaries of the rules', () => {
  it('a section whose exit is stamped at its enter (nothing held) and answered after it is no early answer', () => {
    expect(earlyAnswers([cs(0, { exit: 0, complete: 1 })])).toBe(0);
  });

  it('several FIFO inversions are each named, apart', () => {
    const fifo: Promises = { guarantee: 'mutual exclusion', order: 'arrival' };
    // Asked in the order 1, 2, 3, entered in the order 3, 2, 1, all on one thread.
    const records = [cs(1, { request: 1, enter: 30, exit: 38, complete: 39 }), cs(2, { request: 2, enter: 20, exit: 28, complete: 29 }), cs(3, { request: 3, enter: 10, exit: 18, complete: 19 })];
    const [reason] = judge(ticketRush(records, 3, 0, { strategy: fifo })).reasons;
    expect(reason).toMatch(/^\d+ FIFO inversions: .*\((client \d asked [^;]*); (client \d asked [^;]*)(; client \d asked [^;]*)*\)$/);
  });

  it('uncoveredPurchases: fewer "bought" answers than the clients report is none uncovered (the reports speak for themselves)', () => {
    const check = { figures: { workload: 'ticket-rush' as const, sold: 2, oversold: 0, finalCount: 1, lostUpdates: null, tornReads: 0, tornReadsInside: 0 }, problems: [] };
    expect(uncoveredPurchases([cs(0), cs(1, { outcome: 0 })], 3, check)).toBe(0);
  });

  it("staleWrites: another client entering at the victim's exit did not overlap it", () => {
    expect(staleWrites([cs(0, { exit: 10 }), cs(1)], 5)).toBe(0);
  });

  it('victimRetried: a committed retry whose body never returned is no retry that committed', () => {
    expect(victimRetried([cs(0, { attempts: 2, aborts: 1, body: Number.NaN })])).toBe(false);
  });

  it("recoveryAfter: the victim's own enter is no recovery, and an enter at the kill's instant is not after it", () => {
    expect(recoveryAfter(5, [cs(0, { enter: 7 }), cs(1)])).toBe(5);
    expect(recoveryAfter(10, [cs(0), cs(1), cs(2)])).toBe(10);
  });

  it('a paused victim finishes and reports: a sale of its that no report shows is a lost update, not forgiven as a crashed one is', () => {
    const records = [cs(0), cs(1), cs(2)];
    const others = [outcome(1, 1), outcome(2, 1)];
    expect(judge({ ...ticketRush(records, 3, 0), fault: 'pause-in-cs', outcomes: others }).reasons).toContain('-1 lost updates');
  });
});

describe('faultFigures: the fault table\'s figures of one run', () => {
  it('a fault that holds the victim before its write: the recovery, and whether its write landed stale, was refused, was retried', () => {
    expect(faultFigures('pause-in-cs', [cs(0, { exit: 30 }), cs(1)], 5)).toEqual({ recoveryMs: 5, staleWrites: 1, victimRetried: false, victimRefused: false });
    expect(faultFigures('pause-in-cs', [cs(0, { attempts: 2, aborts: 1 }), cs(1)], 5)).toEqual({ recoveryMs: 5, staleWrites: 0, victimRetried: true, victimRefused: true });
  });

  it('any other fault: the recovery only; the rest says nothing of it', () => {
    expect(faultFigures('crash-in-cs', [cs(0, { exit: 30, attempts: 2, aborts: 1 }), cs(1)], 5)).toEqual({ recoveryMs: 5, staleWrites: null, victimRetried: null, victimRefused: null });
    expect(faultFigures('hang-in-cs', [cs(0), cs(1)], null)).toEqual({ recoveryMs: null, staleWrites: null, victimRetried: null, victimRefused: null });
  });
});
