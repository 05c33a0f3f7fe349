import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { strategies, type StrategyName } from '../strategies/registry.ts';
import { StartBarrier } from './barrier.ts';
import { FinishLine } from './finish-line.ts';
import { NO_WORK, type BusyWork } from './busy-work.ts';
import type { ClientTask } from './client.ts';
import { clockBase, since } from './clock.ts';
import { CriticalSectionLog, type CriticalSectionRecord } from './event-log.ts';
import { FaultGate, VICTIM, type FaultName } from './fault.ts';
import type { LatencyProfile } from './latency.ts';
import { analyseLog, type LogAnalysis } from './log-analysis.ts';
import { PrintLog } from './print-log.ts';
import type { RunConfig, TimedRun } from './run-config.ts';
import { StopSignal } from './stop-signal.ts';
import { FileStore } from './store.ts';
import { tsWorkerExecArgv } from './ts-loader.ts';
import type { ClientOutcome, WorkloadCheck } from './workload.ts';
import { measureWindow, type WindowFigures } from './window.ts';
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
  /** A fault to inject into client 0 (see `fault.ts`); null: none. */
  readonly fault: FaultName | null;
  /** Absent or null: each client makes one request (the tutorial's shape); otherwise a timed run. No fault with a timed run. */
  readonly timed?: TimedRun | null;
  /** Busy work inside and outside each critical section; absent: none. */
  readonly work?: BusyWork;
}

/** What an injected fault did. Times in ms on the run's clock. */
export interface FaultOutcome {
  readonly name: FaultName;
  /** When the victim's thread was terminated; null if it was not (hang). */
  readonly killedAt: number | null;
  /** From the kill to the first critical section another client entered after it; null if none did. */
  readonly recoveryMs: number | null;
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
  /**
   * From the release to the first critical section's enter, ms: what is left of first-use costs
   * (sessions are opened before the barrier) plus the first client's work before it asks.
   */
  readonly firstEnterMs: number | null;
  /** Clients that ran on each pool thread (by threadId). */
  readonly clientsPerThread: readonly number[];
  readonly log: LogAnalysis;
  readonly check: WorkloadCheck;
  /** Under an injected fault: what it did. The victim's outcome is not in `check`. */
  readonly fault: FaultOutcome | null;
  /** A timed run's measurement window; null for a one-request run. */
  readonly window: WindowFigures | null;
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

/**
 * Slots in a timed run's event log (56 bytes each, about 22 MB): more than the fastest strategy
 * logs in a few seconds here. A run that fills it before the stop signal fails, saying so.
 */
export const TIMED_LOG_SLOTS = 400_000;

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

/** The run was interrupted (Ctrl-C); everything it created has been removed. */
export class InterruptedError extends Error {
  readonly code = 'EINTERRUPTED';
  constructor() {
    super('interrupted');
  }
}

/**
 * A promise that rejects with an {@link InterruptedError} once `signal` aborts (never settles
 * without one), and a function that stops listening.
 */
function interruption(signal: AbortSignal | undefined): { promise: Promise<never>; dispose: () => void } {
  let dispose = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    if (signal === undefined) return;
    const onAbort = () => reject(new InterruptedError());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => signal.removeEventListener('abort', onAbort);
  });
  promise.catch(() => undefined);
  return { promise, dispose };
}

export class NoProgressError extends Error {
  readonly code = 'ENOPROGRESS';
  constructor(limitMs: number) {
    super(`no progress for ${limitMs / 1000} s: no critical section was requested, entered or left (deadlock or stuck client)`);
  }
}

/** A fresh pool of `threads` piscina workers that holds `clients` clients in flight at once. */
function clientPool(threads: number, clients: number): Piscina<ClientTask, ClientOutcome> {
  return new Piscina<ClientTask, ClientOutcome>({
    filename: clientFile,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: Math.max(1, Math.ceil(clients / threads)),
    // Keep each worker's event loop running between tasks (piscina's default parks it in Atomics.wait).
    atomics: 'disabled',
    idleTimeout: 60_000,
    execArgv: tsWorkerExecArgv,
  });
}

/** How long the victim may take to get inside its critical section, and the others to ask for theirs, ms. */
const STRIKE_WAIT_MS = 5_000;

/**
 * Injects the fault: waits until the victim is inside its critical section and every other
 * client has asked for its own (or {@link STRIKE_WAIT_MS} passed), lets them reach their wait,
 * then terminates the victim's thread (crash) or leaves it stuck (hang). Returns when it killed.
 */
async function strike(
  fault: FaultName,
  gate: FaultGate,
  log: CriticalSectionLog,
  clients: number,
  kill: () => Promise<void>,
  base: bigint,
): Promise<number | null> {
  const deadline = Date.now() + STRIKE_WAIT_MS;
  await Promise.race([gate.victimInside(), delay(STRIKE_WAIT_MS)]);
  // Every client, the victim included, asks once before anything else happens to it.
  while (log.requests < clients && Date.now() < deadline) await delay(5);
  await delay(20);
  if (fault === 'hang-in-cs') return null;
  const killedAt = since(base);
  await kill();
  gate.markKilled();
  return killedAt;
}

/** From `killedAt` to the first enter by another client after it, ms. */
function recoveryAfter(killedAt: number | null, records: readonly CriticalSectionRecord[]): number | null {
  if (killedAt === null) return null;
  const after = records.filter((r) => r.client !== VICTIM && r.enter > killedAt).map((r) => r.enter);
  return after.length === 0 ? null : Math.min(...after) - killedAt;
}

/**
 * Runs one workload under one strategy once, in a fresh temporary directory with a fresh pool of
 * `threads` piscina workers that holds every client in flight at once. Clients start together
 * from a barrier once every one of them is up; wall time runs from the release to the last
 * client's end. Everything the run created (directory, pool, strategy threads) is gone when the
 * returned promise settles. A failure is a {@link FailedRun}; the only rejections are an
 * {@link InterruptedError} when `signal` aborts, after the same clean-up, and an Error at once for
 * settings that ask for a fault in a timed run.
 */
export async function runOnce(settings: RunSettings, signal?: AbortSignal): Promise<RunResult> {
  const { promise: interrupted, dispose } = interruption(signal);
  const workload = workloads[settings.workload];
  const strategy = strategies[settings.strategy];
  const timed = settings.timed ?? null;
  if (timed !== null && settings.fault !== null) throw new Error('a timed run takes no fault');
  const dir = await mkdtemp(join(tmpdir(), 'sync-bench-'));
  try {
    const dbPath = join(dir, 'db.json');
    await writeFile(dbPath, JSON.stringify(workload.initialState(settings.tickets)));
    const log = CriticalSectionLog.create(timed === null ? settings.clients : TIMED_LOG_SLOTS);
    const stop = StopSignal.create();
    const prints = PrintLog.create(2 * settings.clients);
    const barrier = StartBarrier.create();
    const gate = FaultGate.create();
    const config: RunConfig = {
      workload: settings.workload,
      strategy: settings.strategy,
      clients: settings.clients,
      timed,
      work: settings.work ?? NO_WORK,
      threads: settings.threads,
      tickets: settings.tickets,
      latency: settings.latency,
      staggerMs: settings.staggerMs,
      fault: settings.fault,
      faultGate: gate.buffer,
      dbPath,
      clockBase: clockBase(),
      log: log.buffer,
      prints: prints.buffer,
      barrier: barrier.buffer,
      finish: FinishLine.create().buffer,
      stop: stop.buffer,
    };
    const inputs = workload.inputs(settings.clients, settings.latency, settings.seed);

    let wallMs: number;
    let cpuMs: number;
    let outcomes: ClientOutcome[];
    let killedAt: number | null = null;
    let released = 0;
    let stoppedAt = 0;
    // Under a fault the victim runs alone in a thread of its own, so killing it kills nobody else.
    const victimAlone = settings.fault !== null;
    const host = await strategy.setup(config);
    try {
      const pool = clientPool(settings.threads, victimAlone ? settings.clients - 1 : settings.clients);
      const victimPool = victimAlone ? clientPool(1, 1) : null;
      try {
        const tasks = inputs.map((input, clientId) => {
          const share = host.forClient(clientId);
          const task: ClientTask = { config, clientId, input, share: share.data };
          const runner = clientId === VICTIM && victimPool !== null ? victimPool : pool;
          return runner.run(task, { transferList: share.transfer as never });
        });
        tasks[VICTIM]?.catch(() => undefined);
        const all = Promise.all(victimAlone ? tasks.filter((_, id) => id !== VICTIM) : tasks);
        all.catch(() => undefined);
        await Promise.race([
          barrier.allArrived(settings.clients, START_TIMEOUT_MS),
          all.then(() => Promise.reject(new Error('clients ended before the start barrier'))),
          interrupted,
        ]);
        const cpuAtRelease = process.cpuUsage();
        released = since(config.clockBase);
        barrier.release();
        if (timed !== null) {
          await Promise.race([delay(timed.warmupMs + timed.measureMs), interrupted]);
          stoppedAt = since(config.clockBase);
          stop.raise();
        }
        if (settings.fault !== null && victimPool !== null) {
          killedAt = await Promise.race([
            strike(settings.fault, gate, log, settings.clients, () => victimPool.destroy(), config.clockBase),
            interrupted,
          ]);
        }
        outcomes = await Promise.race([watchdog(all, log, noProgressLimitMs(settings)), interrupted]);
        const cpu = process.cpuUsage(cpuAtRelease);
        cpuMs = (cpu.user + cpu.system) / 1000;
        wallMs = Math.max(...outcomes.map((o) => o.end)) - released;
      } finally {
        await pool.destroy();
        await victimPool?.destroy();
      }
    } finally {
      await host.teardown();
    }

    if (timed !== null && log.claimed >= log.slots) {
      throw new Error(
        `the event log filled up (${log.slots} critical sections) before the stop signal, so the window was not measured in full: give a shorter warm-up or window`,
      );
    }
    const records = log.records(timed === null ? settings.clients : log.claimed);
    const analysis = analyseLog(records.filter((r) => settings.fault === null || r.client !== VICTIM));
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
    const fault: FaultOutcome | null =
      settings.fault === null
        ? null
        : { name: settings.fault, killedAt, recoveryMs: recoveryAfter(killedAt, records) };
    const threads = new Map<number, number>();
    for (const o of outcomes) threads.set(o.thread, (threads.get(o.thread) ?? 0) + 1);
    const firstEnter = records.reduce((first, r) => (Number.isFinite(r.enter) ? Math.min(first, r.enter) : first), Infinity);
    const firstEnterMs = Number.isFinite(firstEnter) ? firstEnter - released : null;
    const threadOf = [...outcomes].sort((a, b) => a.clientId - b.clientId).map((o) => o.thread);
    const window = timed === null ? null : measureWindow(records, released + timed.warmupMs, stoppedAt, threadOf);
    return { status: 'completed', workDir: dir, wallMs, cpuMs, firstEnterMs, clientsPerThread: [...threads.values()], log: analysis, check, fault, window, problems };
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    return { status: 'failed', workDir: dir, error: error instanceof Error ? error.message : String(error) };
  } finally {
    dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
