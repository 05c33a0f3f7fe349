/**
 * `npm run bench:micro`: what each strategy's primitive costs, beside the physical floor it is
 * built on, measured side by side in one run inside worker threads (tinybench). Rewrites
 * `results/micro.md` and `results/micro.json`.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runNamespace } from '../engines/namespace.ts';
import { serviceUrls } from '../engines/services.ts';
import { engineOf, unavailableStrategies } from '../engines/availability.ts';
import { engineState } from '../engines/engine-state.ts';
import { pollExpectedDelayMs, POLL_CAP_MS } from '../../strategies/support/redis-lease.ts';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { renderFitted } from '../reports/fitted-table.ts';
import { outputWidth } from '../reports/table.ts';
import { wrapText } from '../reports/text-width.ts';
import { Command } from 'commander';
import { markdownTable } from 'markdown-table';
import { Piscina } from 'piscina';
import { median } from 'simple-statistics';
import { strategies, strategyNames, type StrategyName } from '../../strategies/registry.ts';
import { NO_WORK } from '../coordination/busy-work.ts';
import { StartBarrier } from '../coordination/barrier.ts';
import { clockBase } from '../coordination/clock.ts';
import { formatNumber, plural } from '../reports/columns.ts';
import { FinishLine } from '../coordination/finish-line.ts';
import { describeHarness, environmentAtStart, finishEnvironment, type Environment } from '../reports/environment.ts';
import { CriticalSectionLog } from '../evidence/event-log.ts';
import { FaultGate } from '../faults/fault-gate.ts';
import { latencyProfiles } from '../workloads/latency.ts';
import { analyseLog } from '../evidence/log-analysis.ts';
import { TIME_MS, WARMUP_MS, type MicroTask, type PerOp } from '../suites/micro-worker.ts';
import { parseArguments, withConventions } from './options.ts';
import { clearProgress, showStep } from './progress.ts';
import { PrintLog } from '../evidence/print-log.ts';
import { interruptible, InterruptedError } from './interrupt.ts';
import { checkTemporaryFolder } from './preflight.ts';
import { bareProcessesMs, runnerProcessesMs } from '../suites/process-start.ts';
import { createSqliteState, sqlitePathFor } from '../workloads/sqlite-store.ts';
import { saveReport } from '../reports/report.ts';
import { runOnce } from '../runners/run.ts';
import { StopSignal } from '../coordination/stop-signal.ts';
import { percentiles, type Percentiles } from '../suites/summary.ts';
import { strategyConfig, type RunConfig } from '../runners/run-config.ts';
import type { RunnerName } from '../runners/runner.ts';
import { destroyForGood } from '../runners/pool-end.ts';
import { makeRunFolder } from '../runners/run-folder.ts';
import { tsWorkerExecArgv } from '../runners/ts-loader.ts';
import { usageExitCode } from './usage-error.ts';
import { runEntry } from './entry.ts';

/** One line of the micro table. */
export interface MicroRow {
  readonly name: string;
  readonly what: string;
  /** ns per operation; null for a row measured otherwise (see `note`). */
  readonly perOp: PerOp | null;
  /** The floor row this one is compared with. */
  readonly floor: string | null;
  /** perOp median / the floor's median. */
  readonly ratio: number | null;
  /** The target the project set, in words, and whether the figure meets it. */
  readonly target: string | null;
  readonly met: boolean | null;
  readonly note: string | null;
}

export interface MicroReport {
  readonly schema: 'sync-bench/micro@1';
  readonly environment: Environment;
  readonly rows: readonly MicroRow[];
}

/** Operations per tinybench iteration: enough that the timer's own cost is noise. */
const SYNC_BATCH = 10_000;
const ASYNC_BATCH = 100;

const workerFile = fileURLToPath(new URL('../suites/micro-worker.ts', import.meta.url));

function microPool(): Piscina<MicroTask, PerOp | number> {
  return new Piscina({ filename: workerFile, minThreads: 2, maxThreads: 2, atomics: 'disabled', execArgv: tsWorkerExecArgv, idleTimeout: 60_000 });
}

function configFor(strategy: StrategyName, dbPath: string, clients: number, runner: RunnerName = 'threads'): RunConfig {
  return {
    workload: 'noop',
    strategy,
    strategyModule: null,
    runner,
    clients,
    finishers: clients,
    timed: null,
    requestsPerClient: 1,
    work: NO_WORK,
    threads: 2,
    tickets: 0,
    latency: latencyProfiles.zero,
    staggerMs: 0,
    fault: null,
    faultGate: FaultGate.create().buffer,
    dbPath,
    clockBase: clockBase(),
    log: CriticalSectionLog.create(clients).buffer,
    prints: PrintLog.create(1).buffer,
    barrier: StartBarrier.create().buffer,
    finish: FinishLine.create().buffer,
    stop: StopSignal.create().buffer,
    slotBases: null,
    services: serviceUrls(),
    namespace: runNamespace(),
    fencing: false,
  };
}

function perOp(value: PerOp | number): PerOp {
  if (typeof value === 'number') throw new Error('expected a timed result');
  return value;
}

function us(ns: number): string {
  return formatNumber(ns / 1000);
}

/** Processes started at once in the start-up comparison, and how many times each side runs. */
const START_PROCESSES = 50;
const START_RUNS = 3;

/** Runs `measure` with a process listening on the Unix socket `path` that echoes what it reads; ends the process after. */
async function withEchoProcess<T>(path: string, measure: (socket: string) => Promise<T>): Promise<T> {
  const code = `require('net').createServer((s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); }).listen(${JSON.stringify(path)}, () => process.send('ready'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    await new Promise((resolve, reject) => child.once('message', resolve).once('exit', () => reject(new Error('the echo process ended before it listened'))));
    return await measure(path);
  } finally {
    child.kill();
  }
}

/** Operations per client in a contended measurement. */
const CONTENDED_OPS = 2_000;

/** Contended figures: per operation over both clients, and the handoffs between them from the log. */
export interface Contended {
  /** ns per operation over both clients. */
  readonly perOpNs: number;
  /** Exit → the other client's enter, ms. */
  readonly handoff: Percentiles;
  /** Overlapping critical sections. */
  readonly violations: number;
}

/** The note of a contended-handoff row: handoff p50 and p99 in µs, with how many handoffs, per op overall, any overlaps. */
export function contendedNote(contended: Contended): string {
  const p50 = contended.handoff.p50 === null ? '–' : us(contended.handoff.p50 * 1e6);
  const p99 = contended.handoff.p99 === null ? '–' : us(contended.handoff.p99 * 1e6);
  return (
    `handoff p50 ${p50} µs, p99 ${p99} µs (${plural(contended.handoff.samples, 'handoff')}); ${us(contended.perOpNs)} µs per op overall` +
    (contended.violations > 0 ? `; ${plural(contended.violations, 'overlap')}` : '')
  );
}

/**
 * One client alone (tinybench), in a worker thread, with the strategy set up as for `runner`: for
 * processes, an owner-based strategy's client reaches its owner thread over the Unix socket that
 * client processes use (the client here is a thread of this process; the socket is the same).
 */
async function measureAlone(pool: Piscina<MicroTask, PerOp | number>, strategy: StrategyName, dbPath: string, runner: RunnerName): Promise<PerOp> {
  const config = configFor(strategy, dbPath, 1, runner);
  return withServerState(strategy, config, async () => {
    const host = await strategies[strategy].setup(strategyConfig(config));
    try {
      const share = host.forClient(0);
      return perOp(await pool.run({ kind: 'session-timed', batch: ASYNC_BATCH, config, clientId: 0, share: share.data }, { transferList: share.transfer as never }));
    } finally {
      await host.teardown();
    }
  });
}

/** Tickets in a server's state for micro runs: a server-side purchase never runs out. */
const MICRO_TICKETS = 1e9;

/** Runs `measure` with the state of `config`'s namespace in the strategy's server (if it keeps it in one), dropped after. */
async function withServerState<T>(strategy: StrategyName, config: RunConfig, measure: () => Promise<T>): Promise<T> {
  const engine = engineOf(strategies[strategy]);
  if (engine === null) return measure();
  const state = engineState(engine, config.services, config.namespace);
  await state.create({ count: MICRO_TICKETS });
  try {
    return await measure();
  } finally {
    await state.drop().catch(() => undefined);
  }
}

/** Operations per client in a contended measurement of a strategy whose state is in a server (each a few round trips; a polling waiter sleeps up to its back-off cap). */
const ENGINE_CONTENDED_OPS = 200;

/**
 * Measures one strategy: uncontended (one client alone, tinybench) and contended (two clients on
 * two threads run CONTENDED_OPS critical sections each from a common start; the handoffs between
 * them are read from the event log).
 */
async function measureStrategy(pool: Piscina<MicroTask, PerOp | number>, strategy: StrategyName, dbPath: string): Promise<[PerOp, Contended]> {
  if (strategies[strategy].stateStore === 'sqlite' && !existsSync(sqlitePathFor(dbPath))) createSqliteState(sqlitePathFor(dbPath), null);
  const alone = await measureAlone(pool, strategy, dbPath, 'threads');
  const ops = engineOf(strategies[strategy]) === null ? CONTENDED_OPS : ENGINE_CONTENDED_OPS;
  const config = configFor(strategy, dbPath, 2 * ops);
  return withServerState(strategy, config, async (): Promise<[PerOp, Contended]> => {
    const host = await strategies[strategy].setup(strategyConfig(config));
    try {
      const runs = [0, 1].map((clientId) => {
        const share = host.forClient(clientId);
        return pool.run({ kind: 'session-count', config, clientId, share: share.data, ops }, { transferList: share.transfer as never });
      });
      const barrier = new StartBarrier(config.barrier);
      await barrier.allArrived(2, 60_000);
      barrier.release();
      const elapsed = (await Promise.all(runs)) as number[];
      const log = analyseLog(new CriticalSectionLog(config.log).records());
      return [alone, { perOpNs: (Math.max(...elapsed) * 1e6) / (2 * ops), handoff: percentiles(log.handoffGapsMs), violations: log.violations }];
    } finally {
      await host.teardown();
    }
  });
}

/**
 * Measures every row. When `signal` aborts (a stop signal), rejects with its reason once the
 * worker threads are ended and the temporary directory is removed.
 */
export async function runMicro(onStep: (what: string) => void = () => undefined, signal?: AbortSignal): Promise<MicroRow[]> {
  const dir = await makeRunFolder('sync-bench-micro-');
  const pool = microPool();
  const stopped = new Promise<never>((_, reject) => {
    const stop = () => reject(signal?.reason instanceof InterruptedError ? signal.reason : new InterruptedError());
    if (signal?.aborted === true) stop();
    signal?.addEventListener('abort', stop, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    return await Promise.race([measureAll(pool, dir, onStep), stopped]);
  } finally {
    await destroyForGood(pool);
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureAll(pool: Piscina<MicroTask, PerOp | number>, dir: string, onStep: (what: string) => void): Promise<MicroRow[]> {
  const dbPath = join(dir, 'db.json');
  await writeFile(dbPath, 'null');
  onStep('floor: Atomics compare-exchange + store');
  const cas = perOp(await pool.run({ kind: 'cas-store', batch: SYNC_BATCH }));
  onStep('floor: mkdir + rmdir');
  const mkdir = perOp(await pool.run({ kind: 'mkdir-rmdir', batch: ASYNC_BATCH, dir }));
  onStep('floor: Atomics.wait/notify ping-pong');
  const waitBuffer = new SharedArrayBuffer(2 * 4);
  const pong = pool.run({ kind: 'wait-pong', buffer: waitBuffer });
  const waitRoundTrip = perOp(await pool.run({ kind: 'wait-ping', batch: ASYNC_BATCH * 10, buffer: waitBuffer }));
  await pong;
  const halve = (p: PerOp): PerOp => ({ ...p, medianNs: p.medianNs / 2, meanNs: p.meanNs / 2, minNs: p.minNs / 2, maxNs: p.maxNs / 2 });
  const waitHandoff = halve(waitRoundTrip);
  onStep('floor: MessagePort ping-pong');
  const { port1, port2 } = new MessageChannel();
  const portPong = pool.run({ kind: 'port-pong', port: port2 }, { transferList: [port2] as never });
  const portRoundTrip = perOp(await pool.run({ kind: 'port-ping', batch: ASYNC_BATCH, port: port1 }, { transferList: [port1] as never }));
  await portPong;
  onStep('floor: OFD lock + unlock');
  const ofd = perOp(await pool.run({ kind: 'ofd-lock', batch: SYNC_BATCH, path: join(dir, 'ofd-floor') }));
  onStep('floor: SQLite BEGIN IMMEDIATE + COMMIT');
  const sqliteTx = perOp(await pool.run({ kind: 'sqlite-begin-commit', batch: ASYNC_BATCH, path: join(dir, 'floor.sqlite') }));
  onStep('floor: Unix-socket round trip to another process');
  const unixRoundTrip = await withEchoProcess(join(dir, 'echo.sock'), (socket) => pool.run({ kind: 'unix-ping', batch: ASYNC_BATCH, socket }));
  onStep('floor: fork IPC round trip to another process');
  const ipcRoundTrip = perOp(await pool.run({ kind: 'ipc-ping', batch: ASYNC_BATCH }));
  const services = serviceUrls();
  const skipped = await unavailableStrategies(strategyNames.map((name) => [name, strategies[name]] as const), services);
  onStep('floor: Redis PING and PostgreSQL SELECT 1 round trips');
  const redisUp = skipped['redis-lease'] === undefined;
  const postgresUp = skipped['pg-advisory'] === undefined;
  const redisPing = redisUp ? perOp(await pool.run({ kind: 'redis-ping', batch: ASYNC_BATCH, url: services.redis })) : null;
  const pgSelect = postgresUp ? perOp(await pool.run({ kind: 'pg-select', batch: ASYNC_BATCH, url: services.postgres })) : null;
  onStep(`process start-up: ${START_PROCESSES} bare node processes against the processes runner, alternated, ${START_RUNS} each`);
  const bare: number[] = [];
  const runner: number[] = [];
  for (let i = 0; i < START_RUNS; i++) {
    bare.push(await bareProcessesMs(START_PROCESSES, dir));
    runner.push(await runnerProcessesMs(START_PROCESSES));
  }
  onStep("the harness's event-log stamps");
  const stamps = perOp(await pool.run({ kind: 'log-stamps', batch: ASYNC_BATCH * 10, config: configFor('none', dbPath, 1) }));

  const floor = (name: string, what: string, p: PerOp): MicroRow => ({ name, what, perOp: p, floor: null, ratio: null, target: null, met: null, note: null });
  const rows: MicroRow[] = [
    floor('floor: CAS + store', 'Atomics.compareExchange then Atomics.store on one cell, one thread', cas),
    floor('floor: wait/notify handoff', 'Atomics.wait/notify ping-pong between two threads, per handoff (half a round trip)', waitHandoff),
    floor('floor: MessagePort round trip', 'postMessage to a thread that echoes it, until the echo arrives', portRoundTrip),
    floor('floor: mkdir + rmdir', 'mkdirSync then rmdirSync of one directory', mkdir),
    floor('harness: log stamps', 'the event-log stamps around an empty body, included in every strategy row below', stamps),
    floor('floor: OFD lock + unlock', 'fcntl(F_OFD_SETLK) then unlock of one file, uncontended (fs-native-extensions tryLock + unlock)', ofd),
    floor('floor: SQLite BEGIN IMMEDIATE + COMMIT', 'an empty write transaction of a WAL database (better-sqlite3)', sqliteTx),
    floor('floor: Unix-socket round trip', 'one byte to another process that echoes it over a Unix domain socket, until the echo arrives', perOp(unixRoundTrip)),
    {
      ...floor('floor: fork IPC round trip', "a one-character message to a forked process that echoes it over its IPC channel (advanced serialization, as the runner's), until the echo arrives", ipcRoundTrip),
      floor: 'floor: Unix-socket round trip',
      ratio: ipcRoundTrip.medianNs / perOp(unixRoundTrip).medianNs,
      note: null,
    },
    {
      name: `floor: ${START_PROCESSES} bare node processes`,
      what: `fork of ${START_PROCESSES} bare Node processes at once (as the runner forks: IPC, no loader), each ready then gone; first fork to last exit`,
      perOp: null,
      floor: null,
      ratio: null,
      target: null,
      met: null,
      note: `${formatNumber(median(bare))} ms median over ${plural(bare.length, 'run')} [${formatNumber(Math.min(...bare))}–${formatNumber(Math.max(...bare))}]`,
    },
    (() => {
      const ratio = median(runner) / median(bare);
      return {
        name: `processes runner start-up (${START_PROCESSES} clients)`,
        what: `the processes runner's program wall for ${START_PROCESSES} clients of a run with nothing to wait for (none, latency zero): first fork to last exit`,
        perOp: null,
        floor: `floor: ${START_PROCESSES} bare node processes`,
        ratio,
        target: '≤ 1.1× its floor',
        met: ratio <= 1.1,
        note: `${formatNumber(median(runner))} ms median over ${plural(runner.length, 'run')} [${formatNumber(Math.min(...runner))}–${formatNumber(Math.max(...runner))}]`,
      };
    })(),
  ];
  if (redisPing !== null) rows.push(floor('floor: Redis PING', 'PING through ioredis, one at a time, to the Redis server the strategies use', redisPing));
  if (pgSelect !== null) rows.push(floor('floor: PostgreSQL SELECT 1', "SELECT 1 through pg, one at a time, to the PostgreSQL server the strategies use (the simple query protocol's round trip)", pgSelect));
  const withFloor = (name: string, p: PerOp | null): [string, PerOp] | null => (p === null ? null : [name, p]);
  const ping = withFloor('floor: Redis PING', redisPing);
  const select = withFloor('floor: PostgreSQL SELECT 1', pgSelect);
  // Partial: a strategy added later has no floor until one is named here, and is measured all the same.
  const floorOf: Partial<Record<StrategyName, [string, PerOp] | null>> = {
    none: null,
    'file-lock': ['floor: mkdir + rmdir', mkdir],
    flock: ['floor: OFD lock + unlock', ofd],
    sqlite: ['floor: SQLite BEGIN IMMEDIATE + COMMIT', sqliteTx],
    'sqlite-busy': ['floor: SQLite BEGIN IMMEDIATE + COMMIT', sqliteTx],
    'atomics-mutex': ['floor: CAS + store', cas],
    'message-channel': ['floor: MessagePort round trip', portRoundTrip],
    'queue-owner': ['floor: MessagePort round trip', portRoundTrip],
    optimistic: ['floor: CAS + store', cas],
    'pg-advisory': select,
    'pg-row-lock': select,
    'pg-serializable': select,
    'pg-update': select,
    'redis-lease': ping,
    'redis-lease-poll': ping,
    'redis-watch': ping,
    'redis-script': ping,
  };
  const contendedFloorOf: Partial<Record<StrategyName, [string, PerOp] | null>> = {
    'atomics-mutex': ['floor: wait/notify handoff', waitHandoff],
    'message-channel': ['floor: MessagePort round trip', portRoundTrip],
    'file-lock': ['floor: mkdir + rmdir', mkdir],
    'pg-advisory': select,
    'pg-row-lock': select,
    'redis-lease': ping,
    'redis-lease-poll': ping,
  };
  const targets: Partial<Record<string, [string, number]>> = {
    'atomics-mutex uncontended': ['≤ 2× its floor', 2],
    'atomics-mutex contended': ['≤ 1.5× its floor (handoff p50)', 1.5],
    'queue-owner uncontended': ['≤ 1.3× its floor', 1.3],
    'pg-advisory contended': ['≤ 2× a SELECT 1 round trip (handoff p50): the server queues the waiters', 2],
    'pg-row-lock contended': ['≤ 2× a SELECT 1 round trip (handoff p50): the server queues the waiters', 2],
  };
  /** What a Redis lease waiter's wake-up is expected to cost, beside its measured handoff. */
  const expectedHandoff: Partial<Record<StrategyName, string>> = {
    'redis-lease': 'expected: the release\'s PUBLISH reaching the waiter\'s subscriber, then one acquire round trip (about 2 PINGs)',
    'redis-lease-poll': `expected: half the back-off cap (${formatNumber(pollExpectedDelayMs())} ms of ${POLL_CAP_MS} ms) for a long waiter, plus one acquire round trip`,
  };
  for (const strategy of strategyNames) {
    const skip = skipped[strategy];
    if (skip !== undefined) {
      rows.push({ name: `${strategy} uncontended`, what: 'not measured', perOp: null, floor: null, ratio: null, target: null, met: null, note: skip });
      continue;
    }
    onStep(`${strategy}: uncontended, then contended`);
    const [alone, contended] = await measureStrategy(pool, strategy, dbPath);
    const f = floorOf[strategy] ?? null;
    const ratio = f === null ? null : alone.medianNs / f[1].medianNs;
    const target = targets[`${strategy} uncontended`];
    rows.push({
      name: `${strategy} uncontended`,
      what: 'one client alone: session.run of an empty critical section (acquire + release, or one round trip to an owner)',
      perOp: alone,
      floor: f?.[0] ?? null,
      ratio,
      target: target?.[0] ?? null,
      met: target === undefined || ratio === null ? null : ratio <= target[1],
      note: null,
    });
    // Handoffs exist only where clients wait for each other.
    if (strategies[strategy].guarantee !== 'mutual exclusion') continue;
    const cf = contendedFloorOf[strategy];
    const gapNs = contended.handoff.p50 === null ? null : contended.handoff.p50 * 1e6;
    const cRatio = cf === undefined || cf === null || gapNs === null ? null : gapNs / cf[1].medianNs;
    const cTarget = targets[`${strategy} contended`];
    rows.push({
      name: `${strategy} contended handoff`,
      what: `two clients on two threads, ${engineOf(strategies[strategy]) === null ? CONTENDED_OPS : ENGINE_CONTENDED_OPS} empty critical sections each from a common start: exit → the other client's enter (event log)`,
      perOp: null,
      floor: cf?.[0] ?? null,
      ratio: cRatio,
      target: cTarget?.[0] ?? null,
      met: cTarget === undefined || cRatio === null ? null : cRatio <= cTarget[1],
      note: expectedHandoff[strategy] === undefined ? contendedNote(contended) : `${contendedNote(contended)}; ${expectedHandoff[strategy] ?? ''}`,
    });
  }
  // The transport across processes: owners reached over their Unix socket, as client processes reach them.
  for (const strategy of ['queue-owner', 'message-channel'] as const) {
    onStep(`${strategy} over its Unix socket: uncontended`);
    const alone = await measureAlone(pool, strategy, dbPath, 'processes');
    const ratio = alone.medianNs / perOp(unixRoundTrip).medianNs;
    const target = strategy === 'queue-owner' ? 1.3 : null;
    rows.push({
      name: `${strategy} over a Unix socket uncontended`,
      what: `one client alone, as in the processes runner: session.run of an empty critical section over the ${strategy === 'queue-owner' ? "owner thread's" : "token desk's"} Unix socket (one JSON line each way${strategy === 'message-channel' ? ', twice: acquire and release' : ''})`,
      perOp: alone,
      floor: 'floor: Unix-socket round trip',
      ratio,
      target: target === null ? null : `≤ ${target}× its floor`,
      met: target === null ? null : ratio <= target,
      note: null,
    });
  }
  onStep('file-lock: handoff gap under contention (ticket-rush, zero latency, 50 clients, 2 threads, 3 runs)');
  const gaps: number[] = [];
  for (let run = 0; run < 3; run++) {
    const result = await runOnce({ workload: 'ticket-rush', strategy: 'file-lock', clients: 50, threads: 2, tickets: 1, latency: latencyProfiles.zero, seed: 1, staggerMs: 0, fault: null });
    if (result.status === 'completed') gaps.push(...result.log.handoffGapsMs);
  }
  const gap = gaps.length === 0 ? null : median(gaps);
  rows.push({
    name: 'file-lock handoff gap',
    what: 'median exit → next enter while a client waited, ticket-rush at zero latency with 50 clients (from the event log)',
    perOp: null,
    floor: null,
    ratio: null,
    target: '≤ 2 ms',
    met: gap === null ? null : gap <= 2,
    note: gap === null ? 'no run completed' : `${formatNumber(gap)} ms median over ${plural(gaps.length, 'handoff')}`,
  });
  return rows;
}

const columns: readonly { header: string; cell: (r: MicroRow) => string }[] = [
  { header: 'measurement', cell: (r) => r.name },
  { header: 'per op (µs) median [min–max]', cell: (r) => (r.perOp === null ? (r.note ?? '–') : `${us(r.perOp.medianNs)} [${us(r.perOp.minNs)}–${us(r.perOp.maxNs)}]`) },
  { header: 'mean ± rme (µs)', cell: (r) => (r.perOp === null ? '–' : `${us(r.perOp.meanNs)} ± ${r.perOp.rmePercent.toFixed(1)}%`) },
  { header: 'samples (× ops)', cell: (r) => (r.perOp === null ? '–' : `${r.perOp.samples} × ${r.perOp.batch}`) },
  { header: 'floor', cell: (r) => r.floor ?? '–' },
  { header: 'ratio to floor (×)', cell: (r) => (r.ratio === null ? '–' : formatNumber(r.ratio)) },
  { header: 'target', cell: (r) => (r.target === null ? '–' : `${r.target}: ${r.met === null ? '?' : r.met ? 'met' : 'MISSED'}`) },
];

const legend =
  'Each figure is per operation: tinybench iterations of a batch of operations, divided by the batch, inside a piscina worker thread. ' +
  'min–max are of those per-iteration means. Strategy rows run an empty critical section through session.run, so they include the harness\'s log stamps (their own row). ' +
  'Contended handoff: from the event log, the time from one client\'s exit to the other client\'s enter when it was already waiting; compared with the floor the handoff is built on.';

/**
 * The table for a terminal `width` columns wide (see `outputWidth`): fitted as the bench's tables
 * are, in blocks led by the measurement's name when the columns do not fit side by side, with
 * the legend wrapped to the same width.
 */
export function renderMicroTerminal(rows: readonly MicroRow[], width: number = outputWidth()): string {
  const table = renderFitted(
    columns.map((c, i) => ({ header: c.header, key: i === 0 })),
    rows.map((row) => columns.map((c) => c.cell(row))),
    width,
  );
  return `${table}\n${wrapText(legend, width).join('\n')}\n`;
}

export function renderMicroMarkdown(report: MicroReport): string {
  const env = report.environment;
  return [
    '# Primitive costs beside their floors',
    '',
    `Generated by \`npm run bench:micro\` on ${env.date}.`,
    '',
    `- machine: ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os}`,
    `- runtime: Node ${env.node}; ${Object.entries(env.packages).map(([n, v]) => `${n} ${v}`).join(', ')}`,
    `- harness: ${describeHarness(env)}`,
    `- settings: tinybench ${TIME_MS} ms per task after ${WARMUP_MS} ms warm-up; batches of ${SYNC_BATCH} (synchronous floors) or ${ASYNC_BATCH} operations; contended: ${CONTENDED_OPS} operations per client, 2 clients on 2 threads; file-lock gap: ticket-rush, zero latency, 50 clients, 2 threads, 3 runs`,
    '',
    markdownTable([columns.map((c) => c.header), ...report.rows.map((r) => columns.map((c) => c.cell(r)))]),
    '',
    legend,
    '',
  ].join('\n');
}

/** The command line: no options but --help, no arguments. */
function program(): Command {
  return withConventions(new Command())
    .name('npm run bench:micro')
    .description("Measures each strategy's primitive cost beside its floor (about a minute) and rewrites results/micro.md and results/micro.json.");
}

/**
 * Reads `argv` (the arguments after the script): there is nothing to read but `--help`. Throws a
 * commander error, already printed (the usage on stdout, or one line on stderr), for `--help`
 * (exit code 0) and for anything else (exit code 2); `main` turns it into the exit code with
 * `usageExitCode`.
 */
export function parse(argv: readonly string[]): void {
  parseArguments(program(), argv);
}

/**
 * `npm run bench:micro` with `argv`, the arguments after the script. Returns the exit code: 0
 * after measuring and writing results/, or after --help; 2 (one line on stderr) for any other
 * argument, with nothing run or written.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    parse(argv);
    checkTemporaryFolder();
  } catch (error) {
    return usageExitCode(error);
  }
  return interruptible(async (signal) => {
    const started = environmentAtStart();
    // Each step fitted to the terminal: a line that wraps is not rewritten in place but left on screen.
    const rows = await runMicro(showStep, signal).finally(clearProgress);
    const report: MicroReport = { schema: 'sync-bench/micro@1', environment: finishEnvironment(started), rows };
    // Saved before shown: a closed or broken output loses nothing that was measured.
    const saved = await saveReport({ json: null, isDefault: true }, report, 'micro', { 'micro.md': renderMicroMarkdown(report) });
    process.stdout.write(renderMicroTerminal(rows));
    return saved ? 0 : 1;
  });
}

void runEntry(import.meta.url, main);
