import { describe, expect, it } from 'vitest';
import { plural, tableTitle } from '../bench/reports/columns.ts';
import { faultTitle, type FaultSuiteSettings } from '../bench/suites/fault-suite.ts';
import { contendedNote } from '../bench/commands/micro.ts';
import type { ResultRow } from '../bench/suites/summary.ts';
import { defaultSweep, type SweepAxis } from '../bench/suites/sweep.ts';
import type { SweepRow } from '../bench/suites/sweep-row.ts';
import { renderSweepTerminal } from '../bench/reports/sweep-report.ts';

const none = { p50: null, p99: null, max: null, samples: 0 };

/** A ticket-rush row whose counts (clients, threads, tickets, repetitions) are all `n`. */
function resultRow(n: number): ResultRow {
  return {
    workload: 'ticket-rush', strategy: 'none', paradigm: '', guarantee: 'none', covered: false, stateLocation: '', latency: 'zero', runner: 'threads', clients: n, threads: n, processes: null, programWallMs: null, clientsPerThread: 1,
    tickets: n, repetitions: n, wallMs: null, throughput: null, cpuMs: null, firstEnterMs: null, slowdown: null, waitMs: none, handoffGapMs: none, holdMs: none,
    holdOvershootMs: none, verdict: 'correct', linearizable: null, reasons: [], violations: 0, commits: n, aborts: 0, maxRetries: 0, inversions: 0, runs: [],
  };
}

/** A sweep row on `axis` with `n` clients on `n` threads. */
function sweepRow(axis: SweepAxis, n: number): SweepRow {
  return {
    axis, x: n, strategy: 'none', guarantee: 'none', covered: false, clients: n, threads: n, insideUs: 2, outsideUs: 200, repetitions: n,
    throughput: null, waitMs: none, holdMs: none, jainClients: null, jainThreads: null, perClient: null, perThread: null, cpuPerOpUs: null,
    verdict: 'correct', reasons: [], runs: [],
  };
}

/** Counts written with the wrong number: "1 threads", or "2 thread" not followed by more of a word. */
const disagreeing = /\b1 (clients|threads|tickets|repetitions|handoffs|overlaps)\b|\b[02-9] (client|thread|ticket|repetition|handoff|overlap)\b/;

describe('plural', () => {
  it('agrees in number with the count', () => {
    expect(plural(1, 'thread')).toBe('1 thread');
    expect(plural(2, 'thread')).toBe('2 threads');
    expect(plural(0, 'thread')).toBe('0 threads');
    expect(plural(1, 'repetition')).toBe('1 repetition');
    expect(plural(3, 'index', 'indices')).toBe('3 indices');
  });
});

describe('titles built from counts agree in number', () => {
  it('tableTitle', () => {
    const one = tableTitle([resultRow(1)]);
    expect(one).toContain('1 client on 1 thread (up to 1 per thread) · 1 ticket · 1 repetition');
    expect(one).not.toMatch(disagreeing);
    const two = tableTitle([resultRow(2)]);
    expect(two).toContain('2 clients on 2 threads (up to 1 per thread) · 2 tickets · 2 repetitions');
    expect(two).not.toMatch(disagreeing);
  });

  it('faultTitle', () => {
    // The victim runs alone; the others (clients − 1) get at most one thread each.
    const settings = (n: number): FaultSuiteSettings => ({ fault: 'crash-in-cs', strategies: ['none'], latency: 'quick', runners: ['threads'], clients: n + 1, threads: n, processes: null, tickets: n, repeat: n, services: { redis: 'redis://127.0.0.1:6379', postgres: 'postgres://127.0.0.1:5432/test', rabbitmq: 'amqp://guest:guest@127.0.0.1:5672', nats: 'nats://127.0.0.1:4222' }, skipped: {} });
    const one = faultTitle(settings(1));
    expect(one).toContain('2 clients (the victim alone on its own thread, the others on 1 thread) · 1 ticket · 1 repetition');
    expect(one).not.toMatch(disagreeing);
    const two = faultTitle(settings(2));
    expect(two).toContain('3 clients (the victim alone on its own thread, the others on 2 threads) · 2 tickets · 2 repetitions');
    expect(two).not.toMatch(disagreeing);
  });

  it('the sweep tables, every axis', () => {
    const one = renderSweepTerminal([sweepRow('clients', 1), sweepRow('threads', 1), sweepRow('cs', 1)], { ...defaultSweep, repeat: 1 });
    expect(one).toContain('ticket-rush at latency zero, 1 thread, no busy work;');
    expect(one).toContain('ticket-rush at latency zero, 1 client, no busy work;');
    expect(one).toContain('ticket-rush at latency zero, 1 client on 1 thread, 200 µs');
    expect(one).toContain('1 repetition');
    expect(one).not.toMatch(disagreeing);
    const two = renderSweepTerminal([sweepRow('clients', 2), sweepRow('threads', 2), sweepRow('cs', 2)], { ...defaultSweep, repeat: 2 });
    expect(two).toContain('ticket-rush at latency zero, 2 threads, no busy work;');
    expect(two).toContain('ticket-rush at latency zero, 2 clients, no busy work;');
    expect(two).toContain('ticket-rush at latency zero, 2 clients on 2 threads, 200 µs');
    expect(two).toContain('2 repetitions');
    expect(two).not.toMatch(disagreeing);
  });

  it("the micro table's contended-handoff note", () => {
    const note = (n: number) => contendedNote({ perOpNs: 1000, handoff: { p50: 0.001, p99: null, max: 0.001, samples: n }, violations: n });
    expect(note(1)).toBe('handoff p50 1.00 µs, p99 – µs (1 handoff); 1.00 µs per op overall; 1 overlap');
    expect(note(2)).toBe('handoff p50 1.00 µs, p99 – µs (2 handoffs); 1.00 µs per op overall; 2 overlaps');
  });
});
