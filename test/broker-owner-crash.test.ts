/**
 * crash-owner on the owners behind a broker, with the real RabbitMQ and NATS of this machine
 * (skipped where they do not answer): the owner is killed after it stored the victim's sale and
 * before its acknowledgement reached the broker, then restarted. Judged from the harness's stamps,
 * the final state and the clients' history, never from what the strategy says:
 * - `rabbitmq-owner` (at-least-once, no idempotency): the redelivered request is sold again;
 * - `rabbitmq-owner-idempotent`: the request id stored with the sale answers the redelivery: sold once;
 * - `nats-owner` (at-most-once): the requests the dead owner held get no reply, and the history
 *   keeps them as outcomes nobody knows (never failed, never bought);
 * - `acks-before-storing` (a broken owner that acknowledges on delivery): judged incorrect.
 * And nothing of these runs stays on the brokers (`rabbitmqctl list_queues`, the NATS buckets),
 * nor of a bench interrupted with a real SIGINT while its run's queue exists. The queue checks
 * need `rabbitmqctl` on this machine (run as a user it answers), and are skipped without it.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { judgeOwnerCrashRuns, ownerCrashFigures, TIMED_OUT } from '../bench/faults/crash-owner.ts';
import { natsBuckets } from '../bench/engines/nats-state.ts';
import { serviceUrls } from '../bench/engines/services.ts';
import { VICTIM } from '../bench/faults/fault-gate.ts';
import { runOnce, type CompletedRun, type RunSettings } from '../bench/runners/run.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { brokersUp } from './fixtures/services.ts';
import { root } from './helpers/run-command.ts';
import { completed } from './helpers/completed.ts';
import { alive } from './helpers/alive.ts';

const run = promisify(execFile);

const crash: RunSettings = {
  workload: 'ticket-rush',
  strategy: 'rabbitmq-owner',
  clients: 6,
  threads: 2,
  tickets: 6,
  latency: latencyProfiles.quick,
  seed: 1,
  staggerMs: 0,
  fault: 'crash-owner',
  keepHistory: true,
};

/** The run's owners were processes of their own (processes runner), none this one, all gone; threads otherwise. */
function expectOwnersGone(result: CompletedRun, runner: 'threads' | 'processes'): void {
  const owners = result.fault?.owners ?? [];
  expect(owners).toHaveLength(1);
  if (runner === 'threads') {
    expect(owners).toEqual(['the owner thread']);
    return;
  }
  const pid = Number(/^owner process (\d+)$/.exec(owners[0] ?? '')?.[1]);
  expect(pid).toBeGreaterThan(0);
  expect(pid).not.toBe(process.pid);
  expect(alive(pid)).toBe(false);
}

/** The run namespaces of this test process (see `bench/engines/namespace.ts`). */
const ours = `sync_bench_${process.pid}_`;
const rabbitmqctl = ['/usr/sbin/rabbitmqctl', '/usr/bin/rabbitmqctl', '/usr/local/sbin/rabbitmqctl'].find((path) => existsSync(path));

/** The RabbitMQ queues whose name starts with `prefix`, from `rabbitmqctl list_queues`. */
async function rabbitQueues(prefix: string): Promise<string[]> {
  const { stdout } = await run(rabbitmqctl as string, ['list_queues', 'name', '-q'], { timeout: 90_000 });
  return stdout.split('\n').map((line) => line.trim()).filter((name) => name.startsWith(prefix));
}

describe.runIf(brokersUp).each(['processes', 'threads'] as const)('crash-owner on the broker owners (%s runner)', (runner) => {
  it('rabbitmq-owner: the redelivered request is sold a second time, and the final state and the history show it', { timeout: 120_000 }, async () => {
    const result = completed(await runOnce({ ...crash, strategy: 'rabbitmq-owner', runner }));
    expectOwnersGone(result, runner);
    // The restarted owner answered everyone, one ticket short: the victim's request was applied twice.
    expect(result.check.figures).toMatchObject({ workload: 'ticket-rush', finalCount: 0 });
    expect(result.problems).toEqual(expect.arrayContaining([expect.stringMatching(/committed more than once/), expect.stringMatching(/lost updates|oversold/), expect.stringMatching(/^not linearizable/)]));
    expect(result.linearizable?.verdict).toBe('no');
    const verdict = judgeOwnerCrashRuns([result], crash.tickets, true);
    expect(verdict.appliedTwice).toBeGreaterThanOrEqual(1);
    expect(verdict.consistent).toBe(false);
  });

  it('rabbitmq-owner-idempotent: the redelivered request is answered from the store, sold once', { timeout: 120_000 }, async () => {
    const result = completed(await runOnce({ ...crash, strategy: 'rabbitmq-owner-idempotent', runner }));
    expectOwnersGone(result, runner);
    expect(result.problems).toEqual([]);
    expect(result.linearizable?.verdict).toBe('yes');
    const figures = ownerCrashFigures(result.history ?? [], crash.tickets, result.check.figures.workload === 'ticket-rush' ? result.check.figures.finalCount : null);
    // Every client was answered by the restarted owner, the victim included, and each sale is one ticket.
    expect(figures).toMatchObject({ answered: crash.clients, acknowledged: figures.applied, appliedTwice: 0, acknowledgedLost: 0 });
    expect(judgeOwnerCrashRuns([result], crash.tickets, true).consistent).toBe(true);
  });

  it('nats-owner: the requests the dead owner held get no reply, and stay outcomes nobody knows', { timeout: 120_000 }, async () => {
    const result = completed(await runOnce({ ...crash, strategy: 'nats-owner', runner }));
    expectOwnersGone(result, runner);
    expect(result.problems).toEqual([]);
    const victim = result.history?.find((r) => r.slot === VICTIM);
    // Its sale was stored before the kill, and nobody was told: neither bought nor failed in the history.
    expect(victim?.body).toBe(1);
    expect([TIMED_OUT, -1]).toContain(victim?.outcome);
    expect(result.check.figures).toMatchObject({ workload: 'ticket-rush', finalCount: crash.tickets - 1 });
    expect(judgeOwnerCrashRuns([result], crash.tickets, true).consistent).toBe(true);
  });
});

describe.runIf(brokersUp)('crash-owner catches', () => {
  it('an owner that acknowledges each request before storing it', { timeout: 120_000 }, async () => {
    const result = completed(await runOnce({ ...crash, strategy: 'acks-before-storing' as never, strategyModule: brokenModule('acks-before-storing'), runner: 'processes' }));
    expectOwnersGone(result, 'processes');
    // Acknowledged on delivery, the next request is delivered while the body before it is still
    // held: bodies overlap, or one is cut off by the kill midway (a correct owner, prefetch 1, runs
    // nothing while the victim's answer waits).
    expect(result.problems.join('; ')).toMatch(/mutual-exclusion violations|lost updates|oversold|entered and never left/);
  });
});

describe.runIf(brokersUp)('nothing of a run stays on the brokers', () => {
  it('after the crash-owner runs above: no queue (rabbitmqctl list_queues) and no bucket named after this process', { timeout: 120_000 }, async () => {
    expect(await natsBuckets(serviceUrls().nats, ours)).toEqual([]);
    if (rabbitmqctl === undefined) return;
    expect(await rabbitQueues(ours)).toEqual([]);
  });

  it.skipIf(rabbitmqctl === undefined)('after a SIGINT of the bench while a run\'s queue exists', { timeout: 300_000 }, async () => {
    const child = spawn(process.execPath, [...tsWorkerExecArgv, 'bench/commands/bench.ts', '--workload', 'ticket-rush', '--strategy', 'rabbitmq-owner', '--runner', 'processes', '--latency', 'doc', '--clients', '20', '--repeat', '100', '--min-repeat', '100'], {
      cwd: root,
      env: { ...process.env, TSX_DISABLE_CACHE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const theirs = `sync_bench_${child.pid ?? 0}_`;
    try {
      // Interrupted once the broker holds one of its runs' queues.
      await expect.poll(() => rabbitQueues(theirs), { timeout: 240_000, interval: 100 }).not.toEqual([]);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toContain('interrupted (SIGINT)');
    // Deleted by the run's clean-up, not by the queue's expiry a minute after its last use.
    expect(await rabbitQueues(theirs)).toEqual([]);
  });
});
