/**
 * A failure inside a run is that run's failed row, never a crash or a hang: each deliberately
 * broken strategy here once took the whole harness down (an unhandled pool error, a full print
 * log, a teardown that never settled, a livelock the watchdog counted as progress). Every run must
 * end, with its temporary directory and its threads gone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { runOnce, type RunResult, type RunSettings } from '../bench/runners/run.ts';
import type { StrategyName } from '../strategies/registry.ts';
import { brokenModule } from './fixtures/broken/support.ts';

/** OS threads of this process, from /proc. */
function osThreads(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('Threads:'));
  return Number(line?.split(/\s+/)[1]);
}

function broken(name: string, settings: Partial<RunSettings> = {}): RunSettings {
  return {
    workload: 'ticket-rush',
    strategy: name as StrategyName,
    strategyModule: brokenModule(name),
    clients: 5,
    threads: 2,
    tickets: 1,
    latency: latencyProfiles.zero,
    seed: 1,
    staggerMs: 0,
    fault: null,
    ...settings,
  };
}

function failedWith(result: RunResult, message: RegExp): void {
  expect(result.status, JSON.stringify(result)).toBe('failed');
  if (result.status !== 'failed') return;
  expect(result.error).toMatch(message);
  expect(result.error).not.toContain('\n');
  expect(existsSync(result.workDir)).toBe(false);
}

describe('a strategy that fails inside a run gets a failed row', () => {
  it('five clients whose run rejects at once', async () => {
    failedWith(await runOnce(broken('rejects-at-once')), /broken on purpose: run rejects/);
  });

  it('a connect that throws in every client', async () => {
    failedWith(await runOnce(broken('throws-in-connect')), /broken on purpose: connect throws/);
  });

  it('a timer that throws in a client thread', async () => {
    failedWith(await runOnce(broken('worker-timer-throws')), /broken on purpose: thrown in a worker timer/);
  });

  it('a timer that throws on the main thread', async () => {
    failedWith(await runOnce(broken('main-timer-throws')), /uncaught on the main thread: broken on purpose/);
  });

  it('a setup that never settles, after its deadline', async () => {
    failedWith(await runOnce(broken('setup-never-settles', { limits: { setupMs: 500 } })), /the strategy's setup did not settle within 0.5 s/);
  });

  it('a teardown that never settles, after its deadline', async () => {
    failedWith(await runOnce(broken('teardown-never-settles', { limits: { teardownMs: 500 } })), /the strategy's teardown did not settle within 0.5 s/);
  });

  it('a client that enters and aborts for ever: the watchdog counts only completed bodies as progress', async () => {
    failedWith(await runOnce(broken('livelock', { limits: { noProgressMs: 1_000 } })), /no progress for 1 s: no critical section completed/);
  });

  it('leaves no thread behind after a failed run', async () => {
    await runOnce(broken('rejects-at-once'));
    const threads = osThreads();
    await runOnce(broken('rejects-at-once'));
    await runOnce(broken('worker-timer-throws'));
    await expect.poll(osThreads, { timeout: 5_000 }).toBe(threads);
  });
});

describe('a strategy that runs a body twice', () => {
  it('on ordered-print: an incorrect row that counts the extra lines, not a crash', async () => {
    const result = await runOnce(broken('runs-body-twice', { workload: 'ordered-print', clients: 3 }));
    expect(result.status, JSON.stringify(result)).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.problems).toContain('12 lines printed, expected 6');
    expect(result.problems).toContain('3 critical sections committed more than once');
  });
});
