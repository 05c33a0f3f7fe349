/**
 * The processes runner: clients in real Node processes, with the same barrier, merged event log,
 * checks, faults and clean-up as the threads runner. Every check is made on real processes.
 */
import { execFileSync, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { processGroups } from '../bench/runners/process-layout.ts';
import { ProcessPool } from '../bench/runners/process-pool.ts';
import { outOfReach } from '../bench/runners/reach.ts';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { completed } from './helpers/completed.ts';
import { columnsFor } from '../bench/reports/columns.ts';
import type { ResultRow } from '../bench/suites/summary.ts';
import { runSuite } from '../bench/suites/suite.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { strategies, strategyNames } from '../strategies/registry.ts';
import { mostWaiting } from './fixtures/waiters.ts';
import { canRun } from './fixtures/services.ts';

const base: RunSettings = {
  workload: 'ticket-rush',
  strategy: 'none',
  runner: 'processes',
  clients: 8,
  threads: 2,
  tickets: 8,
  latency: latencyProfiles.zero,
  seed: 1,
  staggerMs: 0,
  fault: null,
};

/** The parent's pid of process `pid`, from /proc/PID/stat (its 4th field, after the name in parentheses); null if it is gone. */
function parentOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * Pids of live processes running the compiled client-process program that this test process
 * started (the runner forks them itself, and they stay its children while it lives): another
 * checkout's run on the same machine is not counted.
 */
function clientProcesses(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return parentOf(pid) === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('process-host-');
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the processes runner', () => {
  it('deals clients to processes: one each by default, the victim alone under a fault', () => {
    expect(processGroups(3, 3, false)).toEqual([[0], [1], [2]]);
    expect(processGroups(5, 2, false)).toEqual([[0, 2, 4], [1, 3]]);
    expect(processGroups(5, 3, true)).toEqual([[0], [1, 3], [2, 4]]);
    expect(processGroups(2, 9, true)).toEqual([[0], [1]]);
  });

  it('reads one clock in every process: a child process stamps inside the interval the runner saw around its answer', async () => {
    const child = fork(new URL('./fixtures/clock-child.mjs', import.meta.url), [], { execArgv: [] });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      for (let i = 0; i < 20; i++) {
        const before = process.hrtime.bigint();
        const answer = new Promise<string>((resolve) => child.once('message', (m) => resolve(m as string)));
        child.send('now?');
        const stamped = BigInt(await answer);
        const after = process.hrtime.bigint();
        expect(stamped >= before && stamped <= after, `${before} ≤ ${stamped} ≤ ${after}`).toBe(true);
      }
    } finally {
      child.kill();
    }
  });

  it('holds every client at the start barrier: no request before the release', async () => {
    // 4 processes: each one's clients would ask as soon as it is up, before the others have started.
    const run = completed(await runOnce({ ...base, clients: 4 }));
    expect(run.firstRequestMs).toBeGreaterThanOrEqual(0);
    expect(run.clientsPerThread).toHaveLength(4);
    expect(run.programWallMs).toBeGreaterThan(run.wallMs);
  });

  it('merges the processes\' logs so that an overlap between two processes is caught', async () => {
    const run = completed(await runOnce({ ...base, workload: 'ordered-print', clients: 2, latency: latencyProfiles.quick, seed: 3 }));
    expect(run.clientsPerThread).toEqual([1, 1]);
    expect(run.log.violations).toBeGreaterThan(0);
    expect(run.problems.join('; ')).toMatch(/mutual-exclusion violations/);
  });

  it('counts every completion toward progress, also one a process makes just before it finishes', async () => {
    // One client per process, one request each, 500 ms apart: each process's only completion
    // comes just before its end, between two progress reports. Unless its last message carries
    // it, the runner sees no progress and the run fails once the limit passes (it lasts 2.5 s).
    const run = completed(await runOnce({ ...base, strategy: 'flock', clients: 6, tickets: 6, staggerMs: 500, limits: { noProgressMs: 1_500 } }));
    expect(run.clientsPerThread).toEqual([1, 1, 1, 1, 1, 1]);
    expect(run.problems).toEqual([]);
  });

  it('runs many clients per process (200 clients in 4 processes) to the end', async () => {
    const run = completed(await runOnce({ ...base, strategy: 'flock', clients: 200, processes: 4, tickets: 120 }));
    expect(run.clientsPerThread).toEqual([50, 50, 50, 50]);
    expect(run.problems).toEqual([]);
    expect(run.check.figures).toMatchObject({ sold: 120, oversold: 0, finalCount: 0, lostUpdates: 0 });
  });

  it('gives a strategy out of its reach a "not applicable" row with the reason, and runs nothing', async () => {
    const rows = await runSuite({ workloads: ['ticket-rush'], strategies: ['atomics-mutex'], latencies: ['zero'], runners: ['processes'], clients: 4, threads: 2, processes: null, tickets: 1, repeat: 1, seed: 1, services: { redis: 'redis://127.0.0.1:6379', postgres: 'postgres://127.0.0.1:5432/test', rabbitmq: 'amqp://guest:guest@127.0.0.1:5672', nats: 'nats://127.0.0.1:4222' }, rttMs: 0, skipped: {} });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ verdict: 'not applicable', runner: 'processes', runs: [] });
    expect(rows[0]?.reasons[0]).toMatch(/Atomics.wait\/notify wait list lives inside one process/);
    const verdict = columnsFor('ticket-rush').find((c) => c.id === 'verdict');
    expect(verdict?.cell(rows[0] as ResultRow)).toMatch(/^not applicable to processes: V8's Atomics/);
  });

  it('leaves no client process behind after a run, a failed run or an interruption', async () => {
    // A client program of another run on the machine (another checkout's), not this process's child: not counted.
    const beside = Number(execFileSync('bash', ['-c', '(exec -a process-host-beside sleep 120) >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }));
    onTestFinished(() => {
      process.kill(beside, 'SIGKILL');
    });
    await expect.poll(() => readFileSync(`/proc/${beside}/cmdline`, 'utf8'), { timeout: 5_000, interval: 10 }).toContain('process-host-beside');
    // 3 clients, a process each: what is counted is what is left, not how many there were.
    const three = { ...base, strategy: 'file-lock', clients: 3, tickets: 3 } as const;
    completed(await runOnce(three));
    expect(clientProcesses()).toEqual([]);
    const failed = await runOnce({ ...three, latency: latencyProfiles.quick, limits: { noProgressMs: 500 }, fault: 'hang-in-cs' });
    expect(failed.status).toBe('failed');
    expect(clientProcesses()).toEqual([]);
    const interrupt = new AbortController();
    const running = runOnce({ ...three, latency: latencyProfiles.doc }, interrupt.signal);
    await expect.poll(() => clientProcesses().length, { timeout: 20_000, interval: 20 }).toBeGreaterThan(0);
    interrupt.abort();
    await expect(running).rejects.toThrow('interrupted');
    expect(clientProcesses()).toEqual([]);
  });

  it('reuses pooled processes run after run, each run judged on its own state: correct, oversold, correct again', async () => {
    const pool = new ProcessPool();
    onTestFinished(() => pool.close());
    const first = completed(await runOnce({ ...base, strategy: 'flock', clients: 6, tickets: 6 }, undefined, pool));
    expect(first.problems).toEqual([]);
    expect(pool.size).toBe(6);
    // Without coordination and with a read latency, the six buyers of the one ticket all see it.
    const unsafe = completed(await runOnce({ ...base, strategy: 'none', clients: 6, tickets: 1, latency: latencyProfiles.quick }, undefined, pool));
    expect(unsafe.check.figures).toMatchObject({ oversold: 5 });
    const again = completed(await runOnce({ ...base, strategy: 'flock', clients: 6, tickets: 6 }, undefined, pool));
    expect(again.problems).toEqual([]);
    expect(again.check.figures).toMatchObject({ sold: 6, oversold: 0, finalCount: 0, lostUpdates: 0 });
    expect(again.log.missing).toBe(0);
    expect(again.log.repeated).toBe(0);
    expect(pool.started).toBe(6);
    // Neither started nor ended by the run: no program wall.
    expect(again.programWallMs).toBeNull();
    await pool.close();
    expect(clientProcesses()).toEqual([]);
  });

  it('never gives back a fault\'s victim: the next pooled run starts a process in its place', async () => {
    const pool = new ProcessPool();
    onTestFinished(() => pool.close());
    const crash = completed(await runOnce({ ...base, strategy: 'flock', clients: 4, tickets: 4, latency: latencyProfiles.quick, fault: 'crash-in-cs' }, undefined, pool));
    expect(crash.fault?.killedAt).not.toBeNull();
    expect(pool.size).toBe(3);
    const next = completed(await runOnce({ ...base, strategy: 'flock', clients: 4, tickets: 4 }, undefined, pool));
    expect(next.problems).toEqual([]);
    expect(pool.started).toBe(5);
    await pool.close();
    expect(clientProcesses()).toEqual([]);
  });
});

/**
 * The client processes of the strategies' runs with latency, kept between them as a suite keeps them
 * for a group of rows (see `process-pool.ts`): the first of these runs starts its processes, the
 * next ones, of this strategy or the next, reuse them with fresh state (each process loads every
 * strategy's code; starting one costs about 0.75 s of CPU). The run of 60 clients in 3 processes
 * takes none from it: every strategy is still run in processes started and ended by their run.
 */
const kept = new ProcessPool();
afterAll(() => kept.close());

describe.each(strategyNames.filter((s) => outOfReach(strategies[s], 'processes') === null && canRun(s)))('strategy %s in processes', (name) => {
  const { guarantee } = strategies[name];

  it.runIf(guarantee === 'mutual exclusion')('keeps mutual exclusion between processes with latency inside the critical section', async () => {
    const run = completed(await runOnce({ ...base, strategy: name, clients: 10, tickets: 6, latency: latencyProfiles.quick }, undefined, kept));
    expect(run.log.violations, run.log.violationExamples.join('\n')).toBe(0);
    expect(run.problems).toEqual([]);
    expect(run.check.figures).toMatchObject({ sold: 6, oversold: 0, finalCount: 0, lostUpdates: 0 });
  });

  it('runs many clients per process (60 clients in 3 processes) to the end, every ticket sold once', async () => {
    const run = completed(await runOnce({ ...base, strategy: name, clients: 60, processes: 3, tickets: 40 }));
    expect(run.log.missing).toBe(0);
    expect(run.log.repeated).toBe(0);
    if (guarantee !== 'none') expect(run.problems).toEqual([]);
  });

  it.runIf(strategies[name].order === 'arrival')('lets clients of one process in first come, first served', async () => {
    // One process, released at once: its clients' requests are in its program order (see the contract suite's test).
    const run = completed(await runOnce({ ...base, strategy: name, clients: 12, processes: 1, tickets: 12, latency: latencyProfiles.quick, staggerMs: 0, keepHistory: true }, undefined, kept));
    expect(run.problems).toEqual([]);
    expect(run.log.inversions).toBe(0);
    expect(mostWaiting(run.history ?? [])).toBeGreaterThanOrEqual(2);
  });

  it.runIf(guarantee === 'mutual exclusion' && strategies[name].workloads?.includes('ordered-print') !== false)('keeps every ordered-print pair adjacent across processes', async () => {
    const run = completed(await runOnce({ ...base, strategy: name, workload: 'ordered-print', clients: 6, latency: latencyProfiles.quick }, undefined, kept));
    expect(run.check.figures).toEqual({ workload: 'ordered-print', interleaved: 0 });
    expect(run.problems).toEqual([]);
  });
});
