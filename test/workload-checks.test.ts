import { describe, expect, it } from 'vitest';
import { orderedPrint } from '../bench/workloads/ordered-print.ts';
import { PrintLog, type PrintKind } from '../bench/evidence/print-log.ts';
import { ticketRush } from '../bench/workloads/ticket-rush.ts';
import type { ClientOutcome, Evidence } from '../bench/workloads/workload.ts';

function printed(lines: [number, PrintKind][]): PrintLog {
  const log = PrintLog.create(lines.length);
  for (const [client, kind] of lines) log.print(client, kind);
  return log;
}

function outcome(clientId: number, success: boolean, tornReadsInside = 0, tornReadsOutside = 0): ClientOutcome {
  return { clientId, thread: 1, requests: 1, successes: success ? 1 : 0, tornReadsInside, tornReadsOutside, end: 0 };
}

const evidence = (overrides: Partial<Evidence>): Evidence => ({
  tickets: 1,
  clients: 3,
  outcomes: [],
  finalState: { ok: true, state: { count: 0 } },
  prints: PrintLog.create(1),
  ...overrides,
});

describe('ordered-print check', () => {
  it('accepts adjacent running/done pairs', () => {
    const prints = printed([[2, 'running'], [2, 'done'], [0, 'running'], [0, 'done'], [1, 'running'], [1, 'done']]);
    const { figures, problems } = orderedPrint.check(evidence({ prints }));
    expect(figures).toEqual({ workload: 'ordered-print', interleaved: 0 });
    expect(problems).toEqual([]);
  });

  it('flags an interleaved print', () => {
    const prints = printed([[0, 'running'], [1, 'running'], [0, 'done'], [1, 'done'], [2, 'running'], [2, 'done']]);
    const { figures, problems } = orderedPrint.check(evidence({ prints }));
    expect(figures).toEqual({ workload: 'ordered-print', interleaved: 2 });
    expect(problems).toContain('2 of 3 clients interleaved');
  });

  it('flags a client that never printed "done"', () => {
    const prints = printed([[0, 'running'], [0, 'done'], [1, 'running'], [1, 'done'], [2, 'running']]);
    expect(orderedPrint.check(evidence({ prints })).problems).toContain('client 2 printed no "done"');
  });
});

describe('ticket-rush check', () => {
  it('accepts one sale of one ticket', () => {
    const outcomes = [outcome(0, true), outcome(1, false), outcome(2, false)];
    const { figures, problems } = ticketRush.check(evidence({ outcomes }));
    expect(figures).toEqual({ workload: 'ticket-rush', sold: 1, oversold: 0, finalCount: 0, lostUpdates: 0, tornReads: 0, tornReadsInside: 0 });
    expect(problems).toEqual([]);
  });

  it('counts oversold tickets and lost updates from the outcomes and the final db', () => {
    const outcomes = [outcome(0, true), outcome(1, true), outcome(2, true)];
    const { figures } = ticketRush.check(evidence({ outcomes }));
    expect(figures).toMatchObject({ sold: 3, oversold: 2, finalCount: 0, lostUpdates: 2 });
  });

  it('counts a lost update even when nothing is oversold', () => {
    const outcomes = [outcome(0, true), outcome(1, true)];
    const { figures, problems } = ticketRush.check(evidence({ tickets: 5, outcomes, finalState: { ok: true, state: { count: 4 } } }));
    expect(figures).toMatchObject({ sold: 2, oversold: 0, finalCount: 4, lostUpdates: 1 });
    expect(problems).toContain('1 lost updates');
  });

  it('counts torn reads, including a final db that does not parse, without throwing', () => {
    const outcomes = [outcome(0, false, 1), outcome(1, true)];
    const { figures, problems } = ticketRush.check(evidence({ outcomes, finalState: { ok: false, text: '{"cou' } }));
    expect(figures).toMatchObject({ finalCount: null, lostUpdates: null, tornReads: 2, tornReadsInside: 1 });
    expect(problems).toContain('final db does not parse');
    expect(problems).toContain('1 torn reads inside critical sections');
  });

  it('counts a torn read in search but does not blame the strategy for it', () => {
    const outcomes = [outcome(0, true, 0, 1), outcome(1, false)];
    const { figures, problems } = ticketRush.check(evidence({ outcomes }));
    expect(figures).toMatchObject({ tornReads: 1, tornReadsInside: 0 });
    expect(problems).toEqual([]);
  });
});

describe('ordered-print check, several requests per client', () => {
  const made = (clients: number, each: number): ClientOutcome[] => Array.from({ length: clients }, (_, clientId) => ({ ...outcome(clientId, true), requests: each }));

  it('accepts every pair adjacent, the clients in any order', () => {
    const prints = printed([[1, 'running'], [1, 'done'], [0, 'running'], [0, 'done'], [1, 'running'], [1, 'done'], [0, 'running'], [0, 'done']]);
    const { figures, problems } = orderedPrint.check(evidence({ clients: 2, outcomes: made(2, 2), prints }));
    expect(figures).toEqual({ workload: 'ordered-print', interleaved: 0 });
    expect(problems).toEqual([]);
  });

  it('flags a pair split by another client\'s print, even after adjacent ones', () => {
    const prints = printed([[0, 'running'], [0, 'done'], [1, 'running'], [1, 'done'], [0, 'running'], [1, 'running'], [0, 'done'], [1, 'done']]);
    const { figures, problems } = orderedPrint.check(evidence({ clients: 2, outcomes: made(2, 2), prints }));
    expect(figures).toEqual({ workload: 'ordered-print', interleaved: 2 });
    expect(problems).toContain('2 of 2 clients interleaved');
  });

  it('flags a request whose prints are missing', () => {
    const prints = printed([[0, 'running'], [0, 'done'], [1, 'running'], [1, 'done'], [0, 'running'], [0, 'done'], [1, 'running']]);
    const { problems } = orderedPrint.check(evidence({ clients: 2, outcomes: made(2, 2), prints }));
    expect(problems).toContain('7 lines printed, expected 8');
    expect(problems).toContain('1 clients printed "running" and "done" different numbers of times');
  });
});
