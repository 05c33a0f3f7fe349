/**
 * An answer sent before the server's COMMIT: caught only when the client dies between the two.
 * `crash-after-answer` stops the victim's thread the moment its answer is stamped and terminates
 * it; a strategy that commits after answering loses the purchase it acknowledged (the server rolls
 * back the dead client's open transaction), and the judge's rule that every "bought" is covered
 * by a ticket gone from the store must catch it. The honest `pg-row-lock` commits first and stays
 * correct. Real threads, a real PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { outOfReach } from '../bench/runners/reach.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { strategies, type StrategyName } from '../strategies/registry.ts';
import { judgeFaultRuns } from '../bench/verdicts/fault-verdict.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { completed } from './helpers/completed.ts';
import { canRun } from './fixtures/services.ts';

const settings: RunSettings = { workload: 'ticket-rush', strategy: 'pg-row-lock', runner: 'threads', clients: 6, threads: 2, tickets: 6, latency: latencyProfiles.quick, seed: 1, staggerMs: 0, fault: 'crash-after-answer', keepHistory: true };

describe.runIf(canRun('pg-row-lock'))('a client killed right after its answer (crash-after-answer, threads runner)', () => {
  it('pg-row-lock, which commits before it answers: the victim told "bought", its purchase kept, the run correct and consistent', async () => {
    const run = completed(await runOnce(settings));
    expect(run.history?.find((r) => r.slot === 0)?.outcome).toBe(1);
    expect(run.problems).toEqual([]);
    expect(run.check.figures).toMatchObject({ sold: 5, finalCount: 0 });
    expect(judgeFaultRuns([run], { fault: 'crash-after-answer', guarantee: 'mutual exclusion', tickets: 6 })).toMatchObject({ consistent: true, userSees: ['every other client finished; the victim was told "bought" and was killed right after; its purchase was kept'] });
  });

  it('a strategy that answers "bought" before its COMMIT: the acknowledged purchase is lost, and the run incorrect', async () => {
    const run = completed(await runOnce({ ...settings, strategy: 'commits-after-answer' as StrategyName, strategyModule: brokenModule('commits-after-answer') }));
    expect(run.history?.find((r) => r.slot === 0)?.outcome).toBe(1);
    expect(run.problems).toContain('1 clients told "bought" with no ticket gone from the store for them');
    expect(run.check.figures).toMatchObject({ sold: 5, finalCount: 1 });
    expect(judgeFaultRuns([run], { fault: 'crash-after-answer', guarantee: 'mutual exclusion', tickets: 6 }).consistent).toBe(false);
  });

  it('is not applicable under processes, naming why', () => {
    expect(outOfReach(strategies['pg-row-lock'], 'processes', 'ticket-rush', 'crash-after-answer')).toMatch(/^not applicable to crash-after-answer under processes: a process's stamps reach the runner only with its log/);
  });
});
