/**
 * Outcomes nobody knows: which errors make a request's outcome unknown, and how ticket-rush's
 * final-state check counts such requests (possibly applied, never sold nor turned away).
 */
import { describe, expect, it } from 'vitest';
import { outcomeUnknown } from '../bench/runners/outcome-unknown.ts';
import { PrintLog } from '../bench/evidence/print-log.ts';
import { ticketRush } from '../bench/workloads/ticket-rush.ts';
import type { ClientOutcome } from '../bench/workloads/workload.ts';

describe('outcomeUnknown', () => {
  it('takes a dead connection or a time-out for an unknown outcome, and anything else for the strategy\'s error', () => {
    expect(outcomeUnknown(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(outcomeUnknown(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(outcomeUnknown(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    // The server ends a session it gave up on as idle (the partition fault's PostgreSQL sessions).
    expect(outcomeUnknown(Object.assign(new Error('terminating connection due to idle-in-transaction timeout'), { code: '25P03' }))).toBe(true);
    expect(outcomeUnknown(Object.assign(new Error('terminating connection due to idle-session timeout'), { code: '57P05' }))).toBe(true);
    expect(outcomeUnknown(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(outcomeUnknown(new Error('Connection is closed.'))).toBe(true);
    expect(outcomeUnknown(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'EPIPE' }) }))).toBe(true);
    expect(outcomeUnknown(Object.assign(new Error('late'), { name: 'TimeoutError' }))).toBe(true);
    expect(outcomeUnknown(new Error('the strategy lost its way'))).toBe(false);
    expect(outcomeUnknown(Object.assign(new Error('unique violation'), { code: '23505' }))).toBe(false);
    expect(outcomeUnknown('ECONNRESET')).toBe(false);
  });
});

describe('ticket-rush check with unknown outcomes', () => {
  // Two clients told "bought", two whose outcome is unknown, one turned away; 5 tickets.
  const outcomes: ClientOutcome[] = [
    { clientId: 0, thread: 1, requests: 1, successes: 1, tornReadsInside: 0, tornReadsOutside: 0, end: 0 },
    { clientId: 1, thread: 1, requests: 1, successes: 1, tornReadsInside: 0, tornReadsOutside: 0, end: 0 },
    { clientId: 2, thread: 1, requests: 1, successes: 0, tornReadsInside: 0, tornReadsOutside: 0, end: 0, unknown: 1 },
    { clientId: 3, thread: 1, requests: 1, successes: 0, tornReadsInside: 0, tornReadsOutside: 0, end: 0, unknown: 1 },
  ];
  const check = (count: number) => ticketRush.check({ tickets: 5, clients: 4, outcomes, finalState: { ok: true, state: { count } }, prints: PrintLog.create(1) });

  it('accepts a final state that shows the acknowledged sales plus up to the unknown ones, and says how many were unknown', () => {
    for (const count of [3, 2, 1]) {
      const { figures, problems } = check(count);
      expect(figures).toMatchObject({ sold: 2, unknown: 2, lostUpdates: 0 });
      // Unknown outcomes are not buyers turned away: nothing is undersold.
      expect(problems).toEqual([]);
    }
  });

  it('finds an acknowledged sale the final state lost, and a sale beyond every possible one', () => {
    expect(check(4)).toMatchObject({ figures: { lostUpdates: 1 }, problems: ['1 lost updates'] });
    expect(check(0)).toMatchObject({ figures: { lostUpdates: -1 }, problems: ['-1 lost updates'] });
  });

  it('without unknown outcomes, is the check it was: the db must show exactly the acknowledged sales', () => {
    const known = ticketRush.check({ tickets: 5, clients: 2, outcomes: outcomes.slice(0, 2), finalState: { ok: true, state: { count: 2 } }, prints: PrintLog.create(1) });
    expect(known.figures).toEqual({ workload: 'ticket-rush', sold: 2, oversold: 0, finalCount: 2, lostUpdates: -1, tornReads: 0, tornReadsInside: 0 });
  });
});
