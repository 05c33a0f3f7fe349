/**
 * Runs long enough to measure: at the zero profile the suite gives each client several requests
 * one after another (see `suites/run-length.ts`), every one in the event log and judged.
 */
import { describe, expect, it } from 'vitest';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { requestsPerClient, ZERO_CRITICAL_SECTIONS } from '../bench/suites/run-length.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { completed } from './helpers/completed.ts';

/** Two threads, or two client processes (not one per client: each costs a Node start, and the layout is not what is tested here). */
const base: RunSettings = { workload: 'ticket-rush', strategy: 'flock', clients: 6, threads: 2, processes: 2, tickets: 12, latency: latencyProfiles.zero, seed: 1, staggerMs: 0, fault: null };

describe('run length', () => {
  it('keeps the tutorial\'s one request per client at doc and quick, and makes zero runs reach the critical sections it names', () => {
    for (const runner of ['threads', 'processes'] as const) {
      expect(requestsPerClient('doc', 50, runner)).toBe(1);
      expect(requestsPerClient('quick', 3, runner)).toBe(1);
      expect(requestsPerClient('zero', 50, runner) * 50).toBeGreaterThanOrEqual(ZERO_CRITICAL_SECTIONS[runner]);
      expect(requestsPerClient('zero', 3, runner) * 3).toBeGreaterThanOrEqual(ZERO_CRITICAL_SECTIONS[runner]);
    }
  });

  it.each(['threads', 'processes'] as const)('judges every request of a run with several per client (%s): all tickets sold once, none missing', async (runner) => {
    const run = completed(await runOnce({ ...base, runner, requestsPerClient: 5 }));
    expect(run.problems).toEqual([]);
    expect(run.check.figures).toMatchObject({ sold: 12, oversold: 0, finalCount: 0, lostUpdates: 0 });
    expect(run.log.missing).toBe(0);
    expect(run.log.repeated).toBe(0);
    expect(run.linearizable?.verdict).toBe('yes');
  });

  it('catches a strategy without coordination in a run with several requests per client', async () => {
    const run = completed(await runOnce({ ...base, strategy: 'none', tickets: 1, latency: latencyProfiles.quick, requestsPerClient: 3 }));
    expect(run.check.figures).toMatchObject({ oversold: 5 });
    expect(run.linearizable?.verdict).toBe('no');
  });

  it('keeps an owner thread\'s bodies in the run\'s numbering when processes claim their slots (queue-owner)', async () => {
    const run = completed(await runOnce({ ...base, strategy: 'queue-owner', runner: 'processes', processes: 2, requestsPerClient: 4 }));
    expect(run.problems).toEqual([]);
    expect(run.log.missing).toBe(0);
    expect(run.check.figures).toMatchObject({ sold: 12, oversold: 0 });
  });

  it('judges every pair of prints of an ordered-print run with several per client', async () => {
    const run = completed(await runOnce({ ...base, workload: 'ordered-print', clients: 3, runner: 'threads', requestsPerClient: 20 }));
    expect(run.problems).toEqual([]);
    const unsafe = completed(await runOnce({ ...base, workload: 'ordered-print', strategy: 'none', clients: 3, latency: latencyProfiles.quick, requestsPerClient: 3 }));
    expect(unsafe.problems.join('; ')).toMatch(/clients interleaved/);
  });

  it('refuses several requests per client with a fault', async () => {
    await expect(runOnce({ ...base, fault: 'crash-in-cs', requestsPerClient: 2 })).rejects.toThrow(/neither timed nor faulted/);
  });
});
