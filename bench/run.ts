import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { strategies, type StrategyName } from '../strategies/registry.ts';
import { StartBarrier } from './barrier.ts';
import type { ClientTask } from './client.ts';
import { clockBase, since } from './clock.ts';
import { CriticalSectionLog } from './event-log.ts';
import type { LatencyProfile } from './latency.ts';
import { analyseLog, type LogAnalysis } from './log-analysis.ts';
import { PrintLog } from './print-log.ts';
import type { RunConfig } from './run-config.ts';
import { FileStore } from './store.ts';
import { tsWorkerExecArgv } from './ts-loader.ts';
import type { ClientOutcome, WorkloadCheck } from './workload.ts';
import { workloads, type WorkloadName } from './workloads.ts';

/** The settings of one run: one workload under one strategy, once. */
export interface RunSettings {
  readonly workload: WorkloadName;
  readonly strategy: StrategyName;
  readonly clients: number;
  readonly threads: number;
  readonly tickets: number;
  readonly latency: LatencyProfile;
  readonly seed: number;
  /** Client i asks for its critical section i × staggerMs after the release; 0: all at once. */
  readonly staggerMs: number;
}

/** A run that ended: its figures and what its log and store show. */
export interface CompletedRun {
  readonly status: 'completed';
  /** The run's temporary directory, removed by the time the result is returned. */
  readonly workDir: string;
  /** From the start barrier's release to the last client's end, ms. */
  readonly wallMs: number;
  /**
   * CPU time (user + system) of the whole process, all threads, over the same interval, ms:
   * what waiting costs (a spinning waiter burns it, a parked one does not).
   */
  readonly cpuMs: number;
  /** Clients that ran on each pool thread (by threadId). */
  readonly clientsPerThread: readonly number[];
  readonly log: LogAnalysis;
  readonly check: WorkloadCheck;
  /** Why the run is incorrect; empty when it is correct. */
  readonly problems: readonly string[];
}

/** A run that could not finish: a client or the strategy threw, or it timed out. */
export interface FailedRun {
  readonly status: 'failed';
  readonly workDir: string;
  readonly error: string;
}

export type RunResult = CompletedRun | FailedRun;

/** How long the clients may take to open their sessions and reach the start barrier. */
const START_TIMEOUT_MS = 60_000;

const clientFile = fileURLToPath(new URL('./client.ts', import.meta.url));

/**
 * The watchdog's limit: a run whose event log has not moved for this long has deadlocked or a
 * client is stuck. 10 s, or twice the longest nominal critical section if that is longer.
 */
export function noProgressLimitMs(s: RunSettings): number {
  return Math.max(10_000, 2 * (s.latency.readMs + s.latency.writeMs + s.latency.printMaxMs));
}

/** How often the watchdog looks at the log, ms. */
const WATCH_INTERVAL_MS = 250;

/**
 * Resolves with `work`, or rejects with a NoProgressError once `log` has not moved for `limitMs`
 * while `work` is still pending.
 */
function watchdog<T>(work: Promise<T>, log: CriticalSectionLog, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    let seen = log.progress;
    let since = Date.now();
    timer = setInterval(() => {
      const now = log.progress;
      if (now !== seen) {
        seen = now;
        since = Date.now();
      } else if (Date.now() - since >= limitMs) {
        reject(new NoProgressError(limitMs));
      }
    }, WATCH_INTERVAL_MS);
  });
  return Promise.race([work, stuck]).finally(() => clearInterval(timer));
}

export class NoProgressError extends Error {
  readonly code = 'ENOPROGRESS';
  constructor(limitMs: number) {
    super(`no progress for ${limitMs / 1000} s: no critical section was requested, entered or left (deadlock or stuck client)`);
  }
}

/**
 * Runs one workload under one strategy once, in a fresh temporary directory with a fresh pool of
 * `threads` piscina workers that holds every client in flight at once. Clients start together
 * from a barrier once every one of them is up; wall time runs from the release to the last
 * client's end. Everything the run created (directory, pool, strategy threads) is gone when the
 * returned promise settles. Never throws: a failure is a {@link FailedRun}.
 */
export async function runOnce(settings: RunSettings): Promise<RunResult> {
  const workload = workloads[settings.workload];
  const strategy = strategies[settings.strategy];
  const dir = await mkdtemp(join(tmpdir(), 'sync-bench-'));
  try {
    const dbPath = join(dir, 'db.json');
    await writeFile(dbPath, JSON.stringify(workload.initialState(settings.tickets)));
    const log = CriticalSectionLog.create(settings.clients);
    const prints = PrintLog.create(2 * settings.clients);
    const barrier = StartBarrier.create();
    const config: RunConfig = {
      workload: settings.workload,
      strategy: settings.strategy,
      clients: settings.clients,
      threads: settings.threads,
      tickets: settings.tickets,
      latency: settings.latency,
      staggerMs: settings.staggerMs,
      dbPath,
      clockBase: clockBase(),
      log: log.buffer,
      prints: prints.buffer,
      barrier: barrier.buffer,
    };
    const inputs = workload.inputs(settings.clients, settings.latency, settings.seed);

    let wallMs: number;
    let cpuMs: number;
    let outcomes: ClientOutcome[];
    const host = await strategy.setup(config);
    try {
      const pool = new Piscina<ClientTask, ClientOutcome>({
        filename: clientFile,
        minThreads: settings.threads,
        maxThreads: settings.threads,
        concurrentTasksPerWorker: Math.ceil(settings.clients / settings.threads),
        // Keep each worker's event loop running between tasks (piscina's default parks it in Atomics.wait).
        atomics: 'disabled',
        idleTimeout: 60_000,
        execArgv: tsWorkerExecArgv,
      });
      try {
        const tasks = inputs.map((input, clientId) => {
          const share = host.forClient(clientId);
          const task: ClientTask = { config, clientId, input, share: share.data };
          return pool.run(task, { transferList: share.transfer as never });
        });
        const all = Promise.all(tasks);
        all.catch(() => undefined);
        await Promise.race([
          barrier.allArrived(settings.clients, START_TIMEOUT_MS),
          all.then(() => Promise.reject(new Error('clients ended before the start barrier'))),
        ]);
        const cpuAtRelease = process.cpuUsage();
        const released = since(config.clockBase);
        barrier.release();
        outcomes = await watchdog(all, log, noProgressLimitMs(settings));
        const cpu = process.cpuUsage(cpuAtRelease);
        cpuMs = (cpu.user + cpu.system) / 1000;
        wallMs = Math.max(...outcomes.map((o) => o.end)) - released;
      } finally {
        await pool.destroy();
      }
    } finally {
      await host.teardown();
    }

    const analysis = analyseLog(log.records());
    const check = workload.check({
      tickets: settings.tickets,
      clients: settings.clients,
      outcomes,
      finalState: await new FileStore(dbPath, settings.latency).load(),
      prints,
    });
    const problems: string[] = [];
    if (strategy.guarantee !== 'serializable commits' && analysis.violations > 0) {
      problems.push(`${analysis.violations} mutual-exclusion violations`);
    }
    if (analysis.missing > 0) problems.push(`${analysis.missing} critical sections never committed`);
    if (analysis.repeated > 0) problems.push(`${analysis.repeated} critical sections committed more than once`);
    problems.push(...check.problems);
    const threads = new Map<number, number>();
    for (const o of outcomes) threads.set(o.thread, (threads.get(o.thread) ?? 0) + 1);
    return { status: 'completed', workDir: dir, wallMs, cpuMs, clientsPerThread: [...threads.values()], log: analysis, check, problems };
  } catch (error) {
    return { status: 'failed', workDir: dir, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
