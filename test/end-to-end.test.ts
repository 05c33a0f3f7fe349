/**
 * The seed document's claims, end to end at the quick latency profile (doc scaled by 1/10):
 * without coordination the last ticket is sold many times and prints interleave; with any
 * strategy it is sold exactly once and nothing overlaps.
 */
import { describe, expect, it } from 'vitest';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { runOnce, type RunResult, type RunSettings } from '../bench/runners/run.ts';
import { completed } from './helpers/completed.ts';
import { strategies, strategyNames, type StrategyName } from '../strategies/registry.ts';
import { canRun } from './fixtures/services.ts';

const ticketRush: RunSettings = {
  workload: 'ticket-rush',
  strategy: 'none',
  clients: 16,
  threads: 2,
  tickets: 1,
  latency: latencyProfiles.quick,
  seed: 1,
  staggerMs: 0,
  fault: null,
};

/**
 * One run per strategy, made by the first test that needs it: the optimistic strategy's aborts are
 * read from the run that showed it sells the ticket once, not from a second run.
 */
const runs = new Map<StrategyName, Promise<RunResult>>();
function runOf(strategy: StrategyName): Promise<RunResult> {
  const run = runs.get(strategy) ?? runOnce({ ...ticketRush, strategy });
  runs.set(strategy, run);
  return run;
}

describe('ticket-rush, 16 clients, 1 ticket, quick latency', () => {
  it('none oversells: every client reads count 1 inside the 10 ms read window', async () => {
    const run = completed(await runOnce(ticketRush));
    expect(run.check.figures).toMatchObject({ oversold: 15, lostUpdates: 15 });
    // Every client was in flight at once: all 16 critical sections overlap the first.
    expect(run.log.violations).toBe(15);
  });

  it.each(strategyNames.filter((s) => s !== 'none' && canRun(s)))('%s sells the ticket exactly once, with no violation', async (strategy) => {
    const run = completed(await runOf(strategy));
    expect(run.check.figures).toMatchObject({ sold: 1, oversold: 0, finalCount: 0, lostUpdates: 0, tornReadsInside: 0 });
    if (strategies[strategy].guarantee === 'mutual exclusion') expect(run.log.violations).toBe(0);
    expect(run.problems).toEqual([]);
  });

  it('optimistic works without waiting: the 15 losers abort once each and re-read an empty db', async () => {
    const run = completed(await runOf('optimistic'));
    expect(run.log.aborts).toBe(15);
    expect(run.log.maxRetries).toBe(1);
  });
});

describe('ordered-print, 3 clients, quick latency', () => {
  it('none interleaves the prints', async () => {
    const run = completed(await runOnce({ ...ticketRush, workload: 'ordered-print', clients: 3 }));
    expect(run.check.figures.workload === 'ordered-print' && run.check.figures.interleaved).toBeGreaterThan(0);
  });
});
