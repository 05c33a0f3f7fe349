/**
 * crash-owner: the owner of an owner strategy (queue-owner's queue owner, message-channel's token
 * desk) is killed while every client waits. Under the processes runner the owner is a process of
 * its own, so the harness outlives it; the run ends (degraded), and its figures come from what
 * each client was told and from the store. Real processes and signals throughout.
 */
import { describe, expect, it } from 'vitest';
import { judgeOwnerCrashRuns, ownerCrashFigures, TIMED_OUT } from '../bench/faults/crash-owner.ts';
import type { CriticalSectionRecord } from '../bench/evidence/event-log.ts';
import { outOfReach } from '../bench/runners/reach.ts';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { replaceSeed, restoreSeed } from '../bench/runners/owner-messages.ts';
import type { RunConfig } from '../bench/runners/run-config.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { strategies } from '../strategies/registry.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { completed } from './helpers/completed.ts';
import { alive } from './helpers/alive.ts';

const crash: RunSettings = {
  workload: 'ticket-rush',
  strategy: 'queue-owner',
  clients: 6,
  threads: 2,
  tickets: 6,
  latency: latencyProfiles.quick,
  seed: 1,
  staggerMs: 0,
  fault: 'crash-owner',
  keepHistory: true,
};

describe.each([
  ['queue-owner', 'processes'],
  ['message-channel', 'processes'],
  ['queue-owner', 'threads'],
  ['message-channel', 'threads'],
] as const)('%s (%s runner), when its owner is killed while the clients wait', (strategy, runner) => {
  it('ends the run with the clients told an error, no acknowledged purchase lost and none applied twice', async () => {
    const run = completed(await runOnce({ ...crash, strategy, runner }));
    const owners = run.fault?.owners ?? [];
    expect(owners).toHaveLength(1);
    if (runner === 'processes') {
      // The owner was a process of its own, not this one, and it is gone.
      const pid = Number(/^owner process (\d+)$/.exec(owners[0] ?? '')?.[1]);
      expect(pid).toBeGreaterThan(0);
      expect(pid).not.toBe(process.pid);
      expect(alive(pid)).toBe(false);
    } else {
      expect(owners).toEqual(['the owner thread']);
    }
    const verdict = judgeOwnerCrashRuns([run], crash.tickets, false);
    expect(verdict.ended).toBe(1);
    expect(verdict.acknowledgedLost).toBe(0);
    expect(verdict.appliedTwice).toBe(0);
    expect(verdict.consistent).toBe(true);
    expect(verdict.afterRestart[0]).toMatch(/^no recovery/);
    const figures = ownerCrashFigures(run.history ?? [], crash.tickets, run.check.figures.workload === 'ticket-rush' ? run.check.figures.finalCount : null);
    // Every client but (message-channel) the token holder lost its owner and was told so.
    expect(figures.errors + figures.timedOut).toBeGreaterThanOrEqual(crash.clients - 1);
    expect(figures.answered + figures.errors + figures.timedOut).toBe(crash.clients);
  });
});

describe('crash-owner catches', () => {
  it('an owner that acknowledges before it applies: its queue of acknowledged purchases dies with it', async () => {
    const runs = [await runOnce({ ...crash, strategy: 'acks-before-apply' as never, strategyModule: brokenModule('acks-before-apply'), runner: 'processes' })];
    const verdict = judgeOwnerCrashRuns(runs, crash.tickets, false);
    expect(verdict.ended).toBe(1);
    expect(verdict.acknowledgedLost).toBeGreaterThan(0);
    expect(verdict.consistent).toBe(false);
  });

  const record = (slot: number, outcome: number, attempts = 1): CriticalSectionRecord => ({
    slot,
    client: slot,
    thread: 1,
    request: 0,
    enter: 1,
    exit: 2,
    nominal: 0,
    attempts,
    aborts: 0,
    input: 0,
    body: 1,
    complete: 3,
    outcome,
  });

  it('a purchase committed twice, and sales beyond every request that may have been applied', () => {
    expect(ownerCrashFigures([record(0, 1, 2), record(1, 1)], 5, 2).appliedTwice).toBe(1);
    // Three tickets gone, two requests in all (one told "sold out"): at least two sales are extra.
    expect(ownerCrashFigures([record(0, 1), record(1, 0)], 5, 2).appliedTwice).toBe(2);
  });

  it('counts errors, time-outs and sales no client was told of', () => {
    const figures = ownerCrashFigures([record(0, 1), record(1, -1), record(2, TIMED_OUT)], 5, 2);
    expect(figures).toMatchObject({ answered: 1, errors: 1, timedOut: 1, acknowledgedLost: 0, appliedTwice: 0, appliedUnacknowledged: 2 });
  });
});

describe('crash-owner applies', () => {
  it('to strategies with an owner only, naming why not', () => {
    expect(outOfReach(strategies['queue-owner'], 'processes', 'ticket-rush', 'crash-owner')).toBeNull();
    expect(outOfReach(strategies['atomics-mutex'], 'threads', 'ticket-rush', 'crash-owner')).toMatch(/^not applicable to crash-owner: no owner/);
  });
});

describe('an owner process', () => {
  it('gets the executor seed replaced by its own config and back, wherever it sits in the task data', () => {
    const seed = { log: new SharedArrayBuffer(8) } as unknown as RunConfig;
    const own = { log: new SharedArrayBuffer(8) } as unknown as RunConfig;
    const sent = replaceSeed({ config: { dbPath: 'x', executor: seed }, list: [seed] }, seed);
    expect(JSON.stringify(sent)).not.toContain('log');
    const restored = restoreSeed(structuredClone(sent), own) as { config: { executor: unknown }; list: unknown[] };
    expect(restored.config.executor).toBe(own);
    expect(restored.list[0]).toBe(own);
  });

  it('stamps a timed run\'s bodies in its own log, merged by the runner into a correct verdict', async () => {
    const run = completed(await runOnce({ ...crash, fault: null, runner: 'processes', clients: 4, tickets: 1_000_000, latency: latencyProfiles.zero, keepHistory: false, timed: { warmupMs: 100, measureMs: 400 } }));
    expect(run.problems).toEqual([]);
    expect(run.log.holdsMs.length).toBeGreaterThan(0);
  });
});
