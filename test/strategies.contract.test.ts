/**
 * The contract every registered strategy must keep. It runs over the registry, so a new strategy
 * is tested as soon as it is registered. Exclusion is judged from the harness's event log and the
 * final db, never from what the strategy reports.
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { runOnce, type CompletedRun, type RunResult, type RunSettings } from '../bench/runners/run.ts';
import { completed } from './helpers/completed.ts';
import { strategies, strategyNames, type StrategyName } from '../strategies/registry.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { canRun } from './fixtures/services.ts';
import { mostWaiting } from './fixtures/waiters.ts';

const osThreads = () => (existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : 0);

/**
 * The first-come-first-served scenario: 12 clients on one thread, released at once by the start
 * barrier (no stagger, no sleep), each asking once its read of the db outside the critical section
 * returns, in the thread pool's order rather than the clients' (the order the per-client ports of
 * an owner were once taken in, which reordered requests on a loaded machine). The first one holds
 * its 30 ms section while the others ask. A thread's requests are in its program order, so the
 * verdict's arrival check is exact here, at any load: it must find nothing, and the run must have
 * had at least two clients waiting at once, or there was nothing to order.
 */
async function fifoRun(base: RunSettings): Promise<CompletedRun> {
  return completed(await runOnce({ ...base, clients: 12, tickets: 12, threads: 1, latency: latencyProfiles.quick, staggerMs: 0, keepHistory: true }));
}

/** The FIFO problems of a run's verdict, and how many clients waited at once at most. */
function fifoFigures(run: CompletedRun) {
  return { fifo: run.problems.filter((p) => p.includes('FIFO')), waitedTogether: mostWaiting(run.history ?? []) >= 2 };
}

describe('the first-come-first-served check', () => {
  it('finds the inversions of a lock that serves its newest waiter first', async () => {
    const run = await fifoRun({
      workload: 'ticket-rush', strategy: 'serves-last-first' as StrategyName, strategyModule: brokenModule('serves-last-first'),
      clients: 1, threads: 1, tickets: 1, latency: latencyProfiles.zero, seed: 1, staggerMs: 0, fault: null,
    });
    expect(run.check.figures).toMatchObject({ sold: 12, oversold: 0 });
    expect(fifoFigures(run).fifo).toEqual([expect.stringMatching(/^\d+ FIFO inversions: a client entered before one that asked earlier on its thread or process/)]);
  });
});

// A strategy whose server does not answer here is skipped (see `fixtures/services.ts`).
describe.each(strategyNames.filter(canRun))('strategy %s', (name) => {
  const { guarantee } = strategies[name];
  const exclusive = guarantee === 'mutual exclusion';
  const coordinated = guarantee !== 'none';
  const base: RunSettings = {
    workload: 'ticket-rush',
    strategy: name,
    clients: 200,
    threads: 1,
    tickets: 120,
    latency: latencyProfiles.zero,
    seed: 1,
    staggerMs: 0,
    fault: null,
  };

  /** The run of `base` (200 clients, one thread), made once by the first test that needs it. */
  let baseRun: Promise<RunResult> | undefined;
  const runBase = () => (baseRun ??= runOnce(base));

  /**
   * The run of `base` on two threads, made once by the first test that needs it, after the run of
   * `base` (which also starts libuv's pool threads, started on first use and kept): the process's
   * threads are counted before it and again once it is over, polled for up to 5 s since worker
   * threads end asynchronously after terminate(). The contention test judges the run; the clean-up
   * test reads the counts and the run's folder.
   */
  let twoThreadRun: Promise<{ run: RunResult; threadsBefore: number; threadsAfter: number }> | undefined;
  const runTwoThreads = () =>
    (twoThreadRun ??= (async () => {
      await runBase();
      const threadsBefore = osThreads();
      const run = await runOnce({ ...base, threads: 2 });
      let threadsAfter = osThreads();
      for (const deadline = Date.now() + 5_000; threadsAfter !== threadsBefore && Date.now() < deadline; threadsAfter = osThreads()) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { run, threadsBefore, threadsAfter };
    })());

  it('runs 200 clients on one thread to the end (no deadlock)', async () => {
    const run = completed(await runBase());
    expect(run.clientsPerThread).toEqual([200]);
    expect(run.log.missing).toBe(0);
    expect(run.log.repeated).toBe(0);
  });

  it.runIf(coordinated)('sells every ticket exactly once under contention, on one thread and on two', async () => {
    for (const threads of [1, 2]) {
      const run = completed(await (threads === base.threads ? runBase() : runTwoThreads().then((made) => made.run)));
      expect(run.check.figures).toMatchObject({ sold: 120, oversold: 0, finalCount: 0, lostUpdates: 0, tornReadsInside: 0 });
      expect(run.log.missing).toBe(0);
      expect(run.log.repeated).toBe(0);
      expect(run.problems).toEqual([]);
      if (exclusive) {
        expect(run.log.violations, run.log.violationExamples.join('\n')).toBe(0);
        expect(run.log.handoffGapsMs.length).toBeGreaterThan(0);
      }
    }
  });

  it.runIf(exclusive)('keeps mutual exclusion with latency inside the critical section', async () => {
    // With latency, a strategy that ran two bodies at once would overlap them for milliseconds.
    const run = completed(await runOnce({ ...base, clients: 40, tickets: 25, threads: 2, latency: latencyProfiles.quick }));
    expect(run.log.violations, run.log.violationExamples.join('\n')).toBe(0);
    expect(run.check.figures).toMatchObject({ sold: 25, oversold: 0, finalCount: 0, lostUpdates: 0 });
  });

  it.runIf(strategies[name].order === 'arrival')('lets clients in first come, first served', async () => {
    const run = await fifoRun(base);
    expect(fifoFigures(run)).toEqual({ fifo: [], waitedTogether: true });
    expect(run.log.inversions).toBe(0);
  });

  it.runIf(exclusive && strategies[name].workloads?.includes('ordered-print') !== false)('keeps every ordered-print pair adjacent with random sleeps', async () => {
    const run = completed(
      await runOnce({ ...base, workload: 'ordered-print', clients: 12, threads: 2, latency: latencyProfiles.quick }),
    );
    expect(run.check.figures).toEqual({ workload: 'ordered-print', interleaved: 0 });
    expect(run.log.violations).toBe(0);
  });

  it('keeps its guarantee in a timed run where 64 clients on 2 threads buy again and again', async () => {
    const run = completed(
      await runOnce({ ...base, clients: 64, threads: 2, tickets: 1e9, timed: { warmupMs: 50, measureMs: 300 }, work: { insideUs: 20, outsideUs: 20 } }),
    );
    const { window } = run;
    if (window === null) throw new Error('a timed run reports its window');
    expect(run.log.missing).toBe(0);
    expect(run.log.repeated).toBe(0);
    expect(window.commits).toBeGreaterThan(0);
    expect(window.perClient).toHaveLength(64);
    expect(window.perClient.reduce((a, b) => a + b, 0)).toBe(window.commits);
    if (exclusive) expect(run.log.violations, run.log.violationExamples.join('\n')).toBe(0);
    if (coordinated) {
      expect(run.problems).toEqual([]);
      expect(run.check.figures).toMatchObject({ oversold: 0, lostUpdates: 0, tornReadsInside: 0 });
    }
  });

  it('leaves no temporary directory and no thread behind', async () => {
    // The two-thread run of `base` (200 clients), counted after the one-thread run as a warm-up.
    const { run, threadsBefore, threadsAfter } = await runTwoThreads();
    expect(existsSync(completed(run).workDir)).toBe(false);
    expect(threadsAfter).toBe(threadsBefore);
  });
});
