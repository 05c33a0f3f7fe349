/**
 * The threads runner's kept pools (`bench/runners/thread-pool.ts`): a pool is lent to the next
 * run of its row only when its run ended cleanly, and every run on a lent pool is judged on state
 * of its own. Which threads a run used is read from the runs themselves (a strategy that names its
 * thread in the run's notes), never from the keeper's word.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { ThreadPool } from '../bench/runners/thread-pool.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import type { StrategyName } from '../strategies/registry.ts';
import { completed } from './helpers/completed.ts';
import { brokenModule } from './fixtures/broken/support.ts';

const namesItsThread: RunSettings = {
  workload: 'ticket-rush',
  strategy: 'names-its-thread' as StrategyName,
  strategyModule: new URL('./fixtures/names-its-thread.ts', import.meta.url).href,
  runner: 'threads',
  clients: 6,
  threads: 2,
  tickets: 6,
  latency: latencyProfiles.zero,
  seed: 1,
  staggerMs: 0,
  fault: null,
};

/** The worker threads a run's sessions ran in, from its notes. */
function threadsOf(notes: readonly string[] | undefined): string[] {
  return [...(notes ?? [])].filter((n) => n.startsWith('thread ')).sort();
}

describe('the threads runner\'s kept pools', () => {
  it('lends a row\'s pool to its next run, which is judged on its own db, log and hold: sold out, then one ticket for six buyers', async () => {
    const keeper = new ThreadPool();
    onTestFinished(() => keeper.close());
    const first = completed(await runOnce(namesItsThread, undefined, keeper));
    expect(first.problems).toEqual([]);
    expect(keeper.size).toBe(1);
    const again = completed(await runOnce({ ...namesItsThread, tickets: 1 }, undefined, keeper));
    // The same two threads ran it: the pool was lent, not started again.
    expect(threadsOf(again.notes)).toEqual(threadsOf(first.notes));
    expect(threadsOf(again.notes)).toHaveLength(2);
    expect(keeper.started).toBe(1);
    // Its own db (one ticket, sold once), its own log (six requests, none missing or repeated), its own hold (six outcomes).
    expect(again.problems).toEqual([]);
    expect(again.check.figures).toMatchObject({ sold: 1, oversold: 0, finalCount: 0 });
    expect(again.log.missing).toBe(0);
    expect(again.log.repeated).toBe(0);
    expect(again.clientsPerThread.reduce((a, b) => a + b, 0)).toBe(6);
    // Neither started nor ended by the run: no program wall.
    expect(again.programWallMs).toBeNull();
    // A run without the keeper starts its own threads, and has a program wall.
    const alone = completed(await runOnce(namesItsThread));
    expect(threadsOf(alone.notes).some((t) => threadsOf(first.notes).includes(t))).toBe(false);
    expect(alone.programWallMs).toBeGreaterThan(0);
  });

  it('keeps a pool per strategy and shape: another strategy, or more clients, never runs in it', async () => {
    const keeper = new ThreadPool();
    onTestFinished(() => keeper.close());
    const first = completed(await runOnce(namesItsThread, undefined, keeper));
    const other = completed(await runOnce({ ...namesItsThread, strategy: 'flock', strategyModule: null }, undefined, keeper));
    expect(other.problems).toEqual([]);
    const wider = completed(await runOnce({ ...namesItsThread, clients: 8, tickets: 8 }, undefined, keeper));
    expect(threadsOf(wider.notes).some((t) => threadsOf(first.notes).includes(t))).toBe(false);
    expect(keeper.started).toBe(3);
    expect(keeper.size).toBe(3);
  });

  it('never lends a pool whose sessions did not close cleanly: the next run starts fresh threads', async () => {
    const keeper = new ThreadPool();
    onTestFinished(() => keeper.close());
    const dirty = await runOnce({ ...namesItsThread, strategy: 'throws-in-close' as StrategyName, strategyModule: brokenModule('throws-in-close') }, undefined, keeper);
    expect(dirty.status).toBe('failed');
    if (dirty.status === 'failed') expect(dirty.error).toMatch(/closing a client's session: .*broken on purpose: thrown in close/);
    expect(keeper.size).toBe(0);
  });

  it('never lends a pool one of whose threads died: the next run of the row starts fresh threads', async () => {
    const keeper = new ThreadPool();
    onTestFinished(() => keeper.close());
    const crashed = await runOnce(
      { ...namesItsThread, strategy: 'worker-timer-throws' as StrategyName, strategyModule: brokenModule('worker-timer-throws'), clients: 5, tickets: 1 },
      undefined,
      keeper,
    );
    expect(crashed.status).toBe('failed');
    expect(keeper.size).toBe(0);
    const first = completed(await runOnce(namesItsThread, undefined, keeper));
    const second = completed(await runOnce(namesItsThread, undefined, keeper));
    expect(threadsOf(second.notes)).toEqual(threadsOf(first.notes));
    expect(keeper.started).toBe(2);
  });

  it('never takes or keeps a pool for a fault run: its threads may have been struck', async () => {
    const keeper = new ThreadPool();
    onTestFinished(() => keeper.close());
    const crash = completed(await runOnce({ ...namesItsThread, clients: 4, tickets: 4, latency: latencyProfiles.quick, fault: 'crash-in-cs' }, undefined, keeper));
    expect(crash.fault?.killedAt).not.toBeNull();
    expect(keeper.started).toBe(0);
    expect(keeper.size).toBe(0);
    expect(crash.programWallMs).toBeGreaterThan(0);
  });
});
