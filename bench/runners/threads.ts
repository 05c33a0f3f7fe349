/**
 * The `threads` runner: every client is a task in a pool of piscina worker threads of this
 * process, all in flight at once; under a fault the victim runs alone in a pool of its own, so
 * that terminating its thread kills nobody else. The start barrier, the finish line, the stop
 * signal, the fault gate, the event log and the print log are SharedArrayBuffers in the run's
 * config, read here directly; so is the session hold, where the clients report their outcomes and
 * wait, sessions open, until the run's evidence is read.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { StartBarrier } from '../coordination/barrier.ts';
import { since } from '../coordination/clock.ts';
import { SessionHold } from '../coordination/session-hold.ts';
import { CriticalSectionLog } from '../evidence/event-log.ts';
import { PrintLog } from '../evidence/print-log.ts';
import { StopSignal } from '../coordination/stop-signal.ts';
import type { ClientOutcome } from '../workloads/workload.ts';
import type { ClientTask } from './client.ts';
import { FaultGate, VICTIM } from '../faults/fault-gate.ts';
import { victimFinishes } from '../faults/registry.ts';
import { oneLine } from './one-line.ts';
import { claimsSlots } from './run-config.ts';
import { destroyForGood } from './pool-end.ts';
import { printsAsNow, SESSION_CLOSE_MS, type Fleet, type FleetPlan, type Runner } from './runner.ts';
import { tsWorkerExecArgv } from './ts-loader.ts';
import type { KeptPool } from './thread-pool.ts';

const clientFile = fileURLToPath(new URL('./client.ts', import.meta.url));

/** The smallest number of threads that serves a run: `threads`, but never more than there are clients. */
export function threadsFor(threads: number, clients: number): number {
  return Math.max(1, Math.min(threads, clients));
}

/**
 * A fresh pool of `threads` piscina workers that holds `clients` clients in flight at once. A
 * pool's `'error'` (a worker that died with no task, a late message for a task it no longer has)
 * goes to the holder's `onError` (the run that holds it, which fails) instead of crashing the process.
 */
function clientPool(threads: number, clients: number, onError: (error: Error) => void): KeptPool<ClientTask, ClientOutcome> {
  const pool = new Piscina<ClientTask, ClientOutcome>({
    filename: clientFile,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: Math.max(1, Math.ceil(clients / threads)),
    // Keep each worker's event loop running between tasks (piscina's default parks it in Atomics.wait).
    atomics: 'disabled',
    idleTimeout: 60_000,
    execArgv: tsWorkerExecArgv,
  });
  const kept: KeptPool<ClientTask, ClientOutcome> = { pool, onError, reused: false };
  pool.on('error', (error: Error) => kept.onError(new Error(`a client thread failed: ${oneLine(error)}`)));
  return kept;
}

/** The key a client pool is kept under between runs (see `thread-pool.ts`): the row's strategy and the pool's shape. */
function keyOf(strategy: string, threads: number, clients: number): string {
  return `${strategy} · ${threads} threads · ${clients} clients`;
}

export const threadsRunner: Runner = {
  name: 'threads',
  async start(plan: FleetPlan): Promise<Fleet> {
    const { config, host, inputs } = plan;
    const started = since(config.clockBase);
    const victimAlone = config.fault !== null;
    const poolClients = victimAlone ? config.clients - 1 : config.clients;
    const threads = threadsFor(plan.spread, poolClients);
    // A fault run never takes a kept pool, nor gives one back: its threads may have been struck.
    const keeper = victimAlone ? null : plan.threadPool;
    const key = keyOf(config.strategyModule ?? config.strategy, threads, poolClients);
    let poolFailed = false;
    const failRun = (error: Error) => {
      poolFailed = true;
      plan.fail(error);
    };
    const kept = keeper === null ? clientPool(threads, poolClients, failRun) : await keeper.take(key, () => clientPool(threads, poolClients, failRun));
    kept.onError = failRun;
    const pool = kept.pool;
    const victimPool = victimAlone ? clientPool(1, 1, plan.fail).pool : null;
    const log = new CriticalSectionLog(config.log);
    const barrier = new StartBarrier(config.barrier);
    const gate = new FaultGate(config.faultGate);
    // A victim that takes part to the end (paused, or held across a server's crash) is waited for like any client.
    const victimStays = victimAlone && !victimFinishes(config.fault);
    const taskConfig = { ...config, finishers: victimStays ? poolClients : config.clients };
    const hold = SessionHold.create(config.clients);
    const tasks = inputs.map((input, clientId) => {
      const share = host.forClient(clientId);
      const task: ClientTask = { config: taskConfig, clientId, input, share: share.data, hold: hold.buffer };
      const runner = clientId === VICTIM && victimPool !== null ? victimPool : pool;
      return runner.run(task, { transferList: share.transfer as never });
    });
    for (const task of tasks) task.catch(() => undefined);
    const waited = victimStays ? tasks.filter((_, id) => id !== VICTIM) : tasks;
    // A client's task ends only after the hold lets go: before that, it ends only by failing.
    let reported = false;
    const finished = Promise.race([hold.allReported(waited.length), Promise.all(waited).then(() => hold.outcomes())]).then((outcomes) => {
      reported = true;
      return outcomes.filter((o) => !victimStays || o.clientId !== VICTIM);
    });
    finished.catch(() => undefined);
    let cpuAtRelease = process.cpuUsage();
    let ended: number | null = null;
    return {
      arrived: (timeoutMs) =>
        Promise.race([
          barrier.allArrived(config.clients, timeoutMs),
          finished.then(() => Promise.reject(new Error('clients ended before the start barrier'))),
        ]),
      release() {
        cpuAtRelease = process.cpuUsage();
        barrier.release();
      },
      stop: () => new StopSignal(config.stop).raise(),
      finished,
      requests: () => log.requests,
      completed: () => log.progress,
      victimInside: () => gate.victimInside(),
      anotherEntered: () => gate.anotherEntered(),
      // A worker thread cannot be stopped alone: no pause (see `victimLacks`).
      victim: {
        async kill() {
          if (victimPool !== null) await destroyForGood(victimPool);
          gate.markKilled();
        },
        proceed: () => gate.markKilled(),
      },
      cpuMs() {
        const cpu = process.cpuUsage(cpuAtRelease);
        return (cpu.user + cpu.system) / 1000;
      },
      evidence: () =>
        Promise.resolve({
          records: log.records(claimsSlots(config) ? log.claimed : config.clients),
          logFull: config.timed !== null && log.claimed >= log.slots,
          prints: printsAsNow(new PrintLog(config.prints as SharedArrayBuffer)),
        }),
      async close() {
        const errors: string[] = [];
        hold.letGo();
        if (reported) {
          let timer: NodeJS.Timeout | undefined;
          const closed = await Promise.race([
            Promise.allSettled(waited),
            new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SESSION_CLOSE_MS))),
          ]);
          clearTimeout(timer);
          if (closed === null) errors.push(`the clients' sessions did not close within ${SESSION_CLOSE_MS / 1000} s of the run's end`);
          else errors.push(...new Set(closed.flatMap((c) => (c.status === 'rejected' ? [`closing a client's session: ${oneLine(c.reason)}`] : []))));
        }
        // Back to the keeper only when every client reported and closed its session cleanly, and no thread failed.
        const clean = reported && errors.length === 0 && !poolFailed;
        if (keeper !== null && clean) await keeper.give(key, kept);
        for (const p of [keeper !== null && clean ? null : pool, victimPool]) if (p !== null) await destroyForGood(p).catch((error: unknown) => errors.push(`destroying a client pool: ${oneLine(error)}`));
        ended ??= since(config.clockBase);
        return errors;
      },
      // Only a pool started for this run and ended by it has a program wall: a kept one neither starts nor ends here.
      programWallMs: () => (keeper !== null ? null : (ended ?? since(config.clockBase)) - started),
    };
  },
};
