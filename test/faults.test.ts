/**
 * Faults: a lock holder dies (or hangs) inside its critical section while the others wait.
 * Every strategy must let the others finish with the state consistent, within its designed
 * recovery time; a stuck holder must end in a failed run, not a hang.
 */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { noProgressLimitMs, runOnce, type RunSettings } from '../bench/runners/run.ts';
import { completed } from './helpers/completed.ts';
import { OWNER_DEAD_AFTER_MS } from '../strategies/atomics-mutex.ts';
import { STALE_MS } from '../strategies/file-lock.ts';
import { outOfReach } from '../bench/runners/reach.ts';
import { runnerNames, type RunnerName } from '../bench/runners/runner.ts';
import { strategies, strategyNames, type StrategyName } from '../strategies/registry.ts';
import { nextMessage, PeerGoneError } from '../strategies/support/message-port.ts';
import { leaseMsFor } from '../strategies/support/engine-share.ts';
import { PAUSE_LIMIT_MS } from '../bench/faults/pause-in-cs.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { canRun } from './fixtures/services.ts';

/**
 * How long each strategy is designed to take to notice a dead holder, ms, per runner; null: the
 * strategy cannot serve that runner.
 */
const designedDetectionMs: Record<RunnerName, Partial<Record<StrategyName, number | null>>> = {
  threads: {
    none: 0,
    'file-lock': STALE_MS,
    flock: 0,
    sqlite: 0,
    'sqlite-busy': 0,
    'atomics-mutex': OWNER_DEAD_AFTER_MS,
    'message-channel': 0,
    'queue-owner': 0,
    optimistic: 0,
    'pg-advisory': 0,
    'pg-row-lock': 0,
    'pg-serializable': 0,
    'redis-lease': leaseMsFor({ latency: latencyProfiles.quick }),
    'redis-lease-poll': leaseMsFor({ latency: latencyProfiles.quick }),
    'redis-watch': 0,
  },
  processes: {
    none: 0,
    'file-lock': STALE_MS,
    flock: 0,
    sqlite: 0,
    'sqlite-busy': 0,
    'atomics-mutex': null,
    'message-channel': 0,
    'queue-owner': 0,
    optimistic: null,
    'pg-advisory': 0,
    'pg-row-lock': 0,
    'pg-serializable': 0,
    'redis-lease': leaseMsFor({ latency: latencyProfiles.quick }),
    'redis-lease-poll': leaseMsFor({ latency: latencyProfiles.quick }),
    'redis-watch': 0,
  },
};

const crash: RunSettings = {
  workload: 'ticket-rush',
  strategy: 'none',
  clients: 6,
  threads: 2,
  tickets: 6,
  latency: latencyProfiles.quick,
  seed: 1,
  staggerMs: 0,
  fault: 'crash-in-cs',
};

const recoverable = runnerNames.flatMap((runner) =>
  strategyNames.filter((s) => outOfReach(strategies[s], runner, 'ticket-rush', 'crash-in-cs') === null && canRun(s)).map((s) => [s, runner] as const),
);

describe.each(recoverable)('%s (%s runner), when a holder crashes inside its critical section', (strategy, runner) => {
  it('lets every other client finish, and (coordinated) the db shows their sales plus at most the victim\'s', async () => {
    const run = completed(await runOnce({ ...crash, strategy, runner }));
    expect(run.fault?.killedAt).toEqual(expect.any(Number));
    const figures = run.check.figures;
    if (figures.workload !== 'ticket-rush' || figures.finalCount === null) throw new Error('no final count');
    expect(figures.sold).toBe(5);
    if (strategy === 'none') return; // uncoordinated: it loses updates with or without a crash
    expect(figures.oversold).toBe(0);
    expect(crash.tickets - figures.finalCount - figures.sold).toBeGreaterThanOrEqual(0);
    expect(crash.tickets - figures.finalCount - figures.sold).toBeLessThanOrEqual(1);
    if (strategies[strategy].guarantee === 'mutual exclusion') expect(run.log.violations).toBe(0);
    // Liveness, not speed: recovery within the designed detection delay plus a generous 5 s. A
    // strategy added without a designed delay here is held to the slowest one designed so far.
    const designed = designedDetectionMs[runner][strategy] ?? Math.max(...Object.values(designedDetectionMs[runner]).map((ms) => ms ?? 0));
    expect(run.fault?.recoveryMs ?? 0).toBeLessThan(designed + 5_000);
  });
});

describe('a holder stuck inside its critical section', () => {
  it('ends in a failed run naming the watchdog, not a hang', async () => {
    // A short no-progress limit: the watchdog is what is tested, not its default's length (below).
    const result = await runOnce({ ...crash, strategy: 'atomics-mutex', fault: 'hang-in-cs', limits: { noProgressMs: 1_000 } });
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.error).toMatch(/^no progress for 1 s/);
  });

  it('the watchdog waits 10 s by default, or twice the longest nominal critical section if that is longer', () => {
    expect(noProgressLimitMs(crash)).toBe(10_000);
    expect(noProgressLimitMs({ ...crash, latency: { ...latencyProfiles.quick, readMs: 4_000, writeMs: 2_000, printMaxMs: 0 } })).toBe(12_000);
  });
});

describe('a dead owner thread', () => {
  it('fails the client waiting on it with a clear error instead of leaving it waiting', async () => {
    const { port1, port2 } = new MessageChannel();
    const reply = nextMessage(port1, 'the queue owner thread');
    port2.close();
    await expect(reply).rejects.toThrow(PeerGoneError);
    await expect(reply).rejects.toThrow('the queue owner thread is gone');
  });
});

describe.each(runnerNames)('a client killed while the queue owner runs its body (%s runner)', (runner) => {
  it("keeps the victim's buy in the history as one whose outcome is unknown: 1 ticket, the others told sold out, linearizable", async () => {
    // Under processes the victim's process dies before it reports its log; the owner's stamps stand in for its request.
    const run = completed(await runOnce({ ...crash, strategy: 'queue-owner', runner, tickets: 1 }));
    expect(run.check.figures).toMatchObject({ sold: 0, finalCount: 0 });
    expect(run.linearizable?.verdict).toBe('yes');
  });
});

describe.runIf(canRun('redis-lease') && canRun('pg-advisory'))('a holder stopped (SIGSTOP) inside its critical section, then resumed', () => {
  const pause: RunSettings = { ...crash, runner: 'processes', fault: 'pause-in-cs', tickets: 6 };

  it('redis-lease without fencing: the lease runs out, another client enters, and the resumed holder\'s stale write is accepted and caught', async () => {
    const run = completed(await runOnce({ ...pause, strategy: 'redis-lease' }));
    expect(run.fault?.staleWrites).toBe(1);
    expect(run.log.violations).toBeGreaterThan(0);
    expect(run.problems.join('\n')).toMatch(/mutual-exclusion violations/);
  });

  it('redis-lease with fencing: the stale write is refused, the holder asks again, and the run is correct', async () => {
    const run = completed(await runOnce({ ...pause, strategy: 'redis-lease', fencing: true }));
    expect(run.fault?.staleWrites).toBe(0);
    expect(run.log.aborts).toBeGreaterThan(0);
    expect(run.problems).toEqual([]);
    expect(run.check.figures).toMatchObject({ sold: 6, finalCount: 0, lostUpdates: 0 });
  });

  it('a weak fencing check (refusing only a token older than the newest accepted): the holder is resumed as soon as another client enters, its stale write lands before the new holder\'s, and is caught', async () => {
    // A read of 200 ms: the new holder writes that long after it entered, the resumed victim a write's latency (20 ms) after it.
    const latency = { ...latencyProfiles.quick, readMs: 200 };
    const run = completed(await runOnce({ ...pause, latency, strategy: 'weak-fencing-lease' as StrategyName, strategyModule: brokenModule('weak-fencing-lease') }));
    expect(run.fault?.staleWrites).toBe(1);
    expect(run.problems.join('\n')).toMatch(/mutual-exclusion violations/);
  });

  it('pg-advisory: the stopped holder keeps its lock (its connection is alive), nobody enters, and the run is correct', async () => {
    const run = completed(await runOnce({ ...pause, strategy: 'pg-advisory' }));
    expect(run.fault?.staleWrites).toBe(0);
    expect(run.problems).toEqual([]);
    expect(run.fault?.recoveryMs ?? 0).toBeGreaterThanOrEqual(PAUSE_LIMIT_MS);
  });

  it('is not applicable under threads (a worker thread cannot be stopped alone)', () => {
    expect(outOfReach(strategies.flock, 'threads', 'ticket-rush', 'pause-in-cs')).toMatch(/^not applicable to pause-in-cs under threads/);
  });
});
