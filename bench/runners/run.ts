import { rm, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import type { StrategyName } from '../../strategies/registry.ts';
import type { Strategy, StrategyHost } from '../../strategies/strategy.ts';
import { StartBarrier } from '../coordination/barrier.ts';
import { FinishLine } from '../coordination/finish-line.ts';
import { NO_WORK, type BusyWork } from '../coordination/busy-work.ts';
import { clockBase, since } from '../coordination/clock.ts';
import { CriticalSectionLog, type CriticalSectionRecord } from '../evidence/event-log.ts';
import { makeRunFolder } from './run-folder.ts';
import { FaultGate } from '../faults/fault-gate.ts';
import { faults, type FaultName } from '../faults/registry.ts';
import { OWNER_CRASH_REQUEST_TIMEOUT_MS } from '../faults/crash-owner.ts';
import { NO_STAGE, type FaultStage, type StrikeContext } from '../faults/fault.ts';
import { oneLine } from './one-line.ts';
import { victimLacks, type Fleet, type FleetEvidence, type RunnerName } from './runner.ts';
import { processGroups, processLayout } from './process-layout.ts';
import { ProcessPool } from './process-pool.ts';
import { ThreadPool } from './thread-pool.ts';
import { runners } from './runners.ts';
import { InterruptedError } from './interrupted.ts';
import type { LatencyProfile } from '../workloads/latency.ts';
import type { LogAnalysis } from '../evidence/log-analysis.ts';
import { PrintLog } from '../evidence/print-log.ts';
import { strategyConfig, type RunConfig, type TimedRun } from './run-config.ts';
import { StopSignal } from '../coordination/stop-signal.ts';
import { createSqliteState, readSqliteState, sqlitePathFor } from '../workloads/sqlite-store.ts';
import { brokerLeftovers, engineState, type BrokerLeftovers, type EngineState } from '../engines/engine-state.ts';
import { engineOf } from '../engines/availability.ts';
import { runNamespace } from '../engines/namespace.ts';
import { victimRoutes } from '../network/victim-route.ts';
import { serviceUrls, type ServiceUrls } from '../engines/services.ts';
import { countServerRoundTrips, type ServerRoundTrips } from '../evidence/server-round-trips.ts';
import { withRunName } from '../engines/dead-run-namespaces.ts';
import { notesPath, readNotes } from '../evidence/run-notes.ts';
import { fileSystemOf } from '../reports/file-system.ts';
import { FileStore } from '../workloads/store.ts';
import type { LinearizabilityFigure } from '../histories/run-history.ts';
import { faultFigures, judge, judgedInServer } from '../verdicts/judge.ts';
import { loadStrategy } from './strategy-loader.ts';
import { runOwners } from './run-owners.ts';
import type { ClientOutcome, WorkloadCheck } from '../workloads/workload.ts';
import { measureWindow, type WindowFigures } from '../evidence/window.ts';
import { workloads, type WorkloadName } from '../workloads/registry.ts';
import { addPhase, timed as timedPhase } from '../suites/phase-timings.ts';

export { InterruptedError } from './interrupted.ts';

/** The settings of one run: one workload under one strategy, once. */
export interface RunSettings {
  readonly workload: WorkloadName;
  readonly strategy: StrategyName;
  /** A `file://` URL whose default export is the strategy named `strategy`, for one not in the registry (tests); absent: the registry's. */
  readonly strategyModule?: string | null;
  readonly clients: number;
  /** Where the clients run; absent: `threads`. */
  readonly runner?: RunnerName;
  /** Worker threads of the client pool (threads runner); a run never starts more than it has clients. */
  readonly threads: number;
  /** Processes to spread the clients over (processes runner); absent or null: one per client, as in the tutorial. */
  readonly processes?: number | null;
  readonly tickets: number;
  readonly latency: LatencyProfile;
  readonly seed: number;
  /** Client i asks for its critical section i × staggerMs after the release; 0: all at once. */
  readonly staggerMs: number;
  /** A fault to inject (see `faults/`); null: none. */
  readonly fault: FaultName | null;
  /** What the fault prepared for its suite (its private servers); absent: nothing ({@link NO_STAGE}). */
  readonly faultStage?: FaultStage;
  /** Absent or null: each client makes `requestsPerClient` requests; otherwise a timed run. No fault with a timed run. */
  readonly timed?: TimedRun | null;
  /**
   * Requests each client makes one after another (not with a timed run); absent: 1, the
   * tutorial's shape. More make a run long enough to measure where one request each is over in
   * milliseconds (the suite's zero-latency rows, see `suites/run-length.ts`). No fault with more than one.
   */
  readonly requestsPerClient?: number;
  /** Busy work inside and outside each critical section; absent: none. */
  readonly work?: BusyWork;
  /** Keep the run's records in its result (for `--history`); absent: dropped once judged. */
  readonly keepHistory?: boolean;
  /** Shorter limits than the defaults, ms (tests of a strategy that hangs); absent: the defaults. */
  readonly limits?: Partial<RunLimits>;
  /** Where the Redis, PostgreSQL, RabbitMQ and NATS servers are; absent: `serviceUrls()` (the environment, else the local defaults). */
  readonly services?: ServiceUrls;
  /** The simulated round trip to the servers that `services` already passes through, ms (reported, not applied here); absent: 0. */
  readonly rttMs?: number;
  /** Servers' stores refuse writes under a fencing token older than one they accepted; absent: false. */
  readonly fencing?: boolean;
}

/** How long parts of a run may take before it fails, ms. */
export interface RunLimits {
  /** The strategy's `setup`. */
  readonly setupMs: number;
  /** The strategy's `teardown`. */
  readonly teardownMs: number;
  /** No critical-section body completed (see {@link noProgressLimitMs}). */
  readonly noProgressMs: number;
}

/** What an injected fault did. Times in ms on the run's clock. */
export interface FaultOutcome {
  readonly name: FaultName;
  /** When the victim's thread was terminated or its process stopped; null if neither (hang). */
  readonly killedAt: number | null;
  /**
   * pause-in-cs: 1 if the victim's write after its pause was accepted although another client's
   * critical section had committed inside the victim's (the victim had lost its lock: a stale
   * write), else 0; from the event log. null for the other faults.
   */
  readonly staleWrites: number | null;
  /** pause-in-cs: whether the victim's write after its pause was refused (fenced off) and a retry of it committed; null for the other faults. */
  readonly victimRetried: boolean | null;
  /** pause-in-cs: whether the victim's write after its pause was refused (fenced off), retried or not; null for the other faults (absent before it existed). */
  readonly victimRefused?: boolean | null;
  /** crash-owner: where the owners killed ran ("the owner thread", "owner process PID"); null for the other faults (absent before it existed). */
  readonly owners?: readonly string[] | null;
  /** From the kill to the first critical section another client entered after it; null if none did. */
  readonly recoveryMs: number | null;
}

/** A run that ended: its figures and what its log and store show. */
export interface CompletedRun {
  readonly status: 'completed';
  readonly runner: RunnerName;
  /**
   * From the first client thread or process started to the last one ended, ms: for processes,
   * the figure the tutorial's own program measures (start-up included); null if unknown, or when
   * the run's client processes or threads came from a pool (see `runOnce`): they were started before it.
   */
  readonly programWallMs: number | null;
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
  /** From the release to the first request, ms: never negative while the start barrier holds every client until the release. */
  readonly firstRequestMs: number | null;
  /** Clients that ran on each pool thread (by threadId), or in each process (by pid). */
  readonly clientsPerThread: readonly number[];
  readonly log: LogAnalysis;
  readonly check: WorkloadCheck;
  /** Under an injected fault: what it did. The victim's outcome is not in `check`. */
  readonly fault: FaultOutcome | null;
  /** A timed run's measurement window; null for a one-request run. */
  readonly window: WindowFigures | null;
  /** ticket-rush: whether what the clients saw (their history) is linearizable; null for other workloads. */
  readonly linearizable: LinearizabilityFigure | null;
  /** With `keepHistory`: the event log's records, the clients' history (request, complete, outcome) and what happened inside (`--history` writes it); else null. */
  readonly history: readonly CriticalSectionRecord[] | null;
  /** Why the run is incorrect; empty when it is correct. */
  readonly problems: readonly string[];
  /** What the strategy told the harness about how it ran (`ClientEnv.note`), each once; absent or empty: nothing. Never part of the verdict. */
  readonly notes?: readonly string[];
  /** The file system type of the run's folder, where its db file, SQLite database and locks were ("ext4", "tmpfs"); null or absent: unknown. */
  readonly folderFileSystem?: string | null;
}

/** A run that could not finish: a client or the strategy threw, or it timed out. */
export interface FailedRun {
  readonly status: 'failed';
  readonly workDir: string;
  readonly error: string;
}

export type RunResult = CompletedRun | FailedRun;

/**
 * Slots in a timed run's event log (88 bytes each, about 35 MB): more than the fastest strategy
 * logs in a few seconds here. A run that fills it before the stop signal fails, saying so.
 */
export const TIMED_LOG_SLOTS = 400_000;

/** How long the clients may take to open their sessions and reach the start barrier, ms. */
const START_TIMEOUT_MS = 60_000;
/** How long a strategy's `setup` may take, ms. */
export const SETUP_TIMEOUT_MS = 30_000;
/** How long a strategy's `teardown` may take, ms. */
export const TEARDOWN_TIMEOUT_MS = 10_000;

export { threadsFor } from './threads.ts';
export { oneLine } from './one-line.ts';

/**
 * The watchdog's limit: a run in which no critical-section body has completed for this long has
 * deadlocked, livelocked or has a stuck client. 10 s, or twice the longest nominal critical
 * section if that is longer; under crash-owner, or a fault with a request time-out, at least the clients' time-out plus 10 s.
 */
export function noProgressLimitMs(s: RunSettings): number {
  const limit = Math.max(10_000, 2 * (s.latency.readMs + s.latency.writeMs + s.latency.printMaxMs));
  // Under a fault that kills the owner every client may wait its full time-out with nothing completed (an at-most-once owner's lost requests): the run ends after it, not before.
  if (s.fault !== null && faults[s.fault].strikes === 'owner') return Math.max(limit, OWNER_CRASH_REQUEST_TIMEOUT_MS + 10_000);
  // Under a fault whose requests may go unanswered until the clients' own time-out (partition-drop): likewise.
  const timeout = s.fault === null ? undefined : faults[s.fault].requestTimeoutMs;
  return timeout === undefined ? limit : Math.max(limit, timeout + 10_000);
}

/**
 * The most a whole run may take, ms, whatever else happens: the start (setup and barrier), a
 * timed run's window, then every request's critical section (one per client, or
 * `requestsPerClient`) one after another at four times its longest nominal length plus 50 ms of
 * coordination each, and 30 s to spare. A run past it has
 * made progress too slowly to be measuring anything (or not at all) and fails.
 */
export function runDeadlineMs(s: RunSettings): number {
  const longest = s.latency.readMs + s.latency.writeMs + s.latency.printMaxMs;
  const timed = s.timed === null || s.timed === undefined ? 0 : s.timed.warmupMs + s.timed.measureMs;
  return SETUP_TIMEOUT_MS + START_TIMEOUT_MS + timed + s.clients * (s.requestsPerClient ?? 1) * (4 * longest + 50) + 30_000;
}

/** How often the watchdog looks at the log, ms. */
const WATCH_INTERVAL_MS = 250;

/**
 * Resolves with `work`, or rejects with a NoProgressError once no body in `log` has completed
 * for `limitMs` while `work` is still pending.
 */
function watchdog<T>(work: Promise<T>, completed: () => number, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    let seen = completed();
    let since = Date.now();
    timer = setInterval(() => {
      const now = completed();
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
    super(`no progress for ${limitMs / 1000} s: no critical section completed (deadlock, livelock or a stuck client)`);
  }
}

/** The whole run took longer than {@link runDeadlineMs}. */
export class RunDeadlineError extends Error {
  readonly code = 'EDEADLINE';
  constructor(limitMs: number) {
    super(`the run did not end within its deadline of ${Math.round(limitMs / 1000)} s (derived from its clients and latencies)`);
  }
}

/**
 * What ends a run early, as promises that reject and never resolve: an interruption (the signal
 * aborted), the run's deadline, a failure reported by one of its pools, or an exception no code of
 * the run caught (a strategy's timer on the main thread, say). `ended` cancels every timer the
 * run started and stops listening; call it once the run is over.
 */
class RunGuards {
  private readonly timers = new AbortController();
  private failPromise: (error: Error) => void = () => undefined;
  readonly failed: Promise<never>;
  readonly interrupted: Promise<never>;
  readonly deadline: Promise<never>;
  private readonly onStray = (error: unknown) => this.failPromise(new Error(`uncaught on the main thread: ${oneLine(error)}`));

  constructor(
    private readonly signal: AbortSignal | undefined,
    deadlineMs: number,
  ) {
    this.failed = new Promise<never>((_, reject) => (this.failPromise = reject));
    this.interrupted = new Promise<never>((_, reject) => {
      if (signal === undefined) return;
      const onAbort = () => reject(signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError());
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true, signal: this.timers.signal });
    });
    this.deadline = this.sleep(deadlineMs).then(() => Promise.reject(new RunDeadlineError(deadlineMs)));
    for (const p of [this.failed, this.interrupted, this.deadline]) p.catch(() => undefined);
    process.on('uncaughtException', this.onStray);
    process.on('unhandledRejection', this.onStray);
  }

  /** Fails the run with `error` (the first failure wins). */
  fail(error: Error): void {
    this.failPromise(error);
  }

  /** `work`, unless the run is interrupted, fails or passes its deadline first. */
  guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.interrupted, this.failed, this.deadline]);
  }

  /** Resolves after `ms`; never, once the run has ended (its timer is cancelled). */
  sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.timers.signal }).catch(() => new Promise<void>(() => undefined));
  }

  /** `work`, or a rejection saying what did not settle within `ms`. */
  within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
    return Promise.race([work, this.sleep(ms).then(() => Promise.reject(new Error(`${what} did not settle within ${ms / 1000} s`)))]);
  }

  ended(): void {
    this.timers.abort();
    process.off('uncaughtException', this.onStray);
    process.off('unhandledRejection', this.onStray);
  }

  get isInterrupted(): boolean {
    return this.signal?.aborted === true;
  }
}

/**
 * Injects the fault (see `faults/`): waits for its moment, strikes, heals. Returns when it struck
 * (the kill, the stop), or null if it did nothing a recovery is measured from (a hang).
 */
async function inject(fault: FaultName, clients: Fleet, config: RunConfig, strategy: Strategy, guards: RunGuards, stage: FaultStage, struckOwners: (where: readonly string[]) => void): Promise<number | null> {
  const base = config.clockBase;
  const context: StrikeContext = {
    strategy,
    letOthersAsk: () => new FaultGate(config.faultGate).markInside(),
    victim: clients.victim,
    victimInside: () => clients.victimInside(),
    anotherEntered: () => clients.anotherEntered(),
    victimAnswered: () => new FaultGate(config.faultGate).victimAnswered(),
    requests: () => clients.requests(),
    clients: config.clients,
    now: () => since(base),
    sleep: (ms) => guards.sleep(ms),
    stage,
    owners() {
      // The owners handed to the fault are the ones it strikes (crash-owner kills every one): recorded in the run's fault outcome.
      const owners = runOwners(config);
      struckOwners(owners.map((o) => o.where));
      return owners;
    },
  };
  const chosen = faults[fault];
  // A runner that cannot do what the fault needs lacks it: the run fails saying so (the suites give such a run no row at all; see `reach.ts`).
  const lacked = chosen.needs.filter((action) => victimLacks[config.runner][action] !== undefined || (action === 'pause' ? clients.victim.pause : clients.victim.kill) === undefined);
  if (lacked.length > 0) throw new Error(`${fault} needs to ${lacked.join(' and ')} the victim, which this runner cannot do`);
  await chosen.when(context);
  const struck = await chosen.strike(context);
  await chosen.heal?.(context);
  return struck;
}

/**
 * Runs one workload under one strategy once, in a fresh temporary directory with a fresh pool of
 * worker threads that holds every client in flight at once. Clients start together from a
 * barrier once every one of them is up; wall time runs from the release to the last client's
 * end. Everything the run created (directory, pools, strategy threads) is gone when the returned
 * promise settles.
 *
 * Whatever fails inside the run is a {@link FailedRun} with the error in one line: a client or a
 * thread, the strategy's setup or teardown (each with a deadline: {@link SETUP_TIMEOUT_MS},
 * {@link TEARDOWN_TIMEOUT_MS}), the temporary directory, no completed critical section for
 * {@link noProgressLimitMs}, or the whole run past {@link runDeadlineMs}. A failure during the
 * clean-up after a first one is added to its message. The only rejections are an
 * {@link InterruptedError} when `signal` aborts, after the same clean-up, and an Error at once
 * for settings that ask for a fault in a timed run.
 *
 * `pool` lends the run what earlier runs kept, and takes back what ended this one cleanly: under
 * the processes runner a {@link ProcessPool}'s client processes (see `process-pool.ts`), under
 * threads a {@link ThreadPool}'s client thread pool of the same strategy (see `thread-pool.ts`).
 * The run's state is still all its own, but its clients' processes or threads are not started for
 * it, so it has no program wall. Without a pool (or with one of the other runner's) the run starts
 * its clients and ends them.
 */
export async function runOnce(settings: RunSettings, signal?: AbortSignal, pool: ProcessPool | ThreadPool | null = null): Promise<RunResult> {
  const timed = settings.timed ?? null;
  if (timed !== null && settings.fault !== null) throw new Error('a timed run takes no fault');
  const perClient = settings.requestsPerClient ?? 1;
  if (!Number.isInteger(perClient) || perClient < 1) throw new Error(`requests per client must be a whole number from 1, not ${perClient}`);
  if (perClient > 1 && (timed !== null || settings.fault !== null)) throw new Error('a run with more than one request per client is neither timed nor faulted');
  const guards = new RunGuards(signal, runDeadlineMs(settings));
  let dir: string | null = null;
  let server: EngineState | null = null;
  let broker: BrokerLeftovers | null = null;
  let roundTrips: ServerRoundTrips | null = null;
  try {
    dir = await timedPhase('run: folder', makeRunFolder);
    const strategy = await timedPhase('run: load strategy', () => loadStrategy(settings.strategy, settings.strategyModule));
    const namespace = runNamespace();
    const services = settings.services ?? serviceUrls();
    const stateEngine = engineOf(strategy);
    if (stateEngine !== null) server = engineState(stateEngine, services, namespace);
    if (strategy.broker !== undefined) broker = brokerLeftovers(strategy.broker, services, namespace);
    // The clients' PostgreSQL connections name the run, so a dead run's can be found and ended (see `engines/dead-run-namespaces.ts`).
    const named = { ...services, postgres: withRunName(services.postgres, namespace) };
    roundTrips = await timedPhase('run: round-trip counter', () => countServerRoundTrips(strategy, named));
    return await measure(settings, strategy, dir, guards, { namespace, services: roundTrips?.services ?? named, server, roundTrips }, pool);
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    return { status: 'failed', workDir: dir ?? '', error: oneLine(error) };
  } finally {
    guards.ended();
    const endStart = performance.now();
    await roundTrips?.close();
    // The run's keys, schema, bucket or queue go with it, whatever happened; a server gone by now leaves them, named on stderr with how to remove them.
    for (const place of [server, broker]) {
      if (place === null) continue;
      const notDropped = await Promise.race([place.drop().then(() => null, (error: unknown) => oneLine(error)), delay(DROP_LIMIT_MS, `no answer within ${DROP_LIMIT_MS / 1_000} s`, { ref: false })]);
      if (notDropped !== null) process.stderr.write(`${place.leftBehind(notDropped)}\n`);
    }
    // Retried: a straggler still writing (a lock file, the db) makes one pass fail with ENOTEMPTY; what stays is named on interruption and removed at the next start.
    if (dir !== null) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
    addPhase('run: drop state, remove folder', performance.now() - endStart);
  }
}

/** How long the end of a run waits for its state in a server to be dropped, ms (a silent server leaves it, named after the run). */
const DROP_LIMIT_MS = 10_000;

/** Where a run keeps state outside its folder: its namespace, the servers, and its state in one of them (null: none). */
interface RunPlace {
  readonly namespace: string;
  readonly services: ServiceUrls;
  readonly server: EngineState | null;
  /** Counts the clients' round trips to the server a strategy says its critical section runs in; null: it says not. */
  readonly roundTrips: ServerRoundTrips | null;
}

/** The run itself, in `dir`; see {@link runOnce}. Throws what made it fail. */
async function measure(settings: RunSettings, strategy: Strategy, dir: string, guards: RunGuards, place: RunPlace, pool: ProcessPool | ThreadPool | null): Promise<CompletedRun> {
  const workload = workloads[settings.workload];
  const timed = settings.timed ?? null;
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    addPhase(name, now - phaseStart);
    phaseStart = now;
  };
  const runner = runners[settings.runner ?? 'threads'];
  const dbPath = join(dir, 'db.json');
  await writeFile(dbPath, JSON.stringify(workload.initialState(settings.tickets)));
  const sqlitePath = sqlitePathFor(dbPath);
  if (strategy.stateStore === 'sqlite') createSqliteState(sqlitePath, workload.initialState(settings.tickets));
  if (place.server !== null) await guards.guard(guards.within(place.server.create(workload.initialState(settings.tickets)), SETUP_TIMEOUT_MS, `creating the run's state in ${strategy.stateStore ?? 'its server'}`));
  const perClient = settings.requestsPerClient ?? 1;
  const claims = timed !== null || perClient > 1;
  const spread = runner.name === 'threads' ? settings.threads : (settings.processes ?? settings.clients);
  // Room for every request of a counted run: in each process, for its largest group of clients.
  const groups = processGroups(settings.clients, spread, settings.fault !== null);
  const largestGroup = Math.max(...groups.map((g) => g.length));
  const slots = timed !== null ? TIMED_LOG_SLOTS : perClient === 1 ? settings.clients : perClient * (runner.name === 'processes' ? largestGroup * groups.length : settings.clients);
  const layout = runner.name === 'processes' ? processLayout(settings.clients, spread, settings.fault !== null, claims, slots) : null;
  const config: RunConfig = {
    workload: settings.workload,
    strategy: settings.strategy,
    strategyModule: settings.strategyModule ?? null,
    runner: runner.name,
    clients: settings.clients,
    finishers: settings.clients,
    timed,
    requestsPerClient: perClient,
    work: settings.work ?? NO_WORK,
    threads: settings.threads,
    tickets: settings.tickets,
    latency: settings.latency,
    staggerMs: settings.staggerMs,
    fault: settings.fault,
    faultGate: FaultGate.create().buffer,
    dbPath,
    clockBase: clockBase(),
    // Under processes, each process has its own log; this one is where owner threads of this process stamp.
    log: CriticalSectionLog.create(layout?.slots ?? slots).buffer,
    slotBases: layout?.slotBases ?? null,
    services: place.services,
    namespace: place.namespace,
    fencing: settings.fencing ?? false,
    victimRoutes: settings.faultStage?.victimEndpoints === undefined ? null : victimRoutes(place.services, settings.faultStage.victimEndpoints),
    // Room for every client printing twice over: a strategy that runs bodies again is counted, not cut short.
    prints: runner.name === 'threads' ? PrintLog.create(4 * settings.clients * perClient).buffer : join(dir, 'prints.log'),
    barrier: StartBarrier.create().buffer,
    finish: FinishLine.create().buffer,
    stop: StopSignal.create().buffer,
  };
  const inputs = workload.inputs(settings.clients, settings.latency, settings.seed);
  // Under processes the clients stamp their requests in their own logs; an owner thread here reads
  // each one-request slot's client and canonical input from this one.
  if (layout !== null && !claims) {
    const own = new CriticalSectionLog(config.log);
    inputs.forEach((input, clientId) => own.assign(clientId, clientId, input));
  }

  phase('run: db and server state');
  const setup = strategy.setup(strategyConfig(config));
  let host: StrategyHost;
  try {
    host = await guards.guard(guards.within(setup, settings.limits?.setupMs ?? SETUP_TIMEOUT_MS, 'the strategy\'s setup'));
  } catch (error) {
    // A setup that settles late still gets its teardown, so its threads do not outlive the run.
    setup.then((late) => late.teardown()).catch(() => undefined);
    throw error;
  }
  phase('run: strategy setup');
  let fleet: Fleet | null = null;
  let failure: unknown = null;
  let outcomes: ClientOutcome[] = [];
  let serverTurns: number | null = null;
  let measured: Omit<CompletedRun, 'status' | 'workDir' | 'problems' | 'log' | 'check' | 'programWallMs' | 'linearizable' | 'history'> | null = null;
  let evidence: (FleetEvidence & { finalState: Awaited<ReturnType<FileStore['load']>> }) | null = null;
  try {
    fleet = await guards.guard(runner.start({ config, inputs, host, spread, dir, slots, layout, fail: (error) => guards.fail(error), pool: runner.name === 'processes' && pool instanceof ProcessPool ? pool : null, threadPool: runner.name === 'threads' && pool instanceof ThreadPool ? pool : null }));
    const clients = fleet;
    await guards.guard(clients.arrived(START_TIMEOUT_MS));
    phase(`run: clients start to barrier (${runner.name}${pool === null ? ', fresh' : ''})`);
    place.roundTrips?.mark();
    const released = since(config.clockBase);
    clients.release();
    let stoppedAt = 0;
    if (timed !== null) {
      await guards.guard(guards.sleep(timed.warmupMs + timed.measureMs));
      stoppedAt = since(config.clockBase);
      clients.stop();
    }
    let killedAt: number | null = null;
    let killedOwners: readonly string[] | null = settings.fault !== null && faults[settings.fault].strikes === 'owner' ? [] : null;
    if (settings.fault !== null) {
      killedAt = await guards.guard(inject(settings.fault, clients, config, strategy, guards, settings.faultStage ?? NO_STAGE, (where) => (killedOwners = where)));
    }
    outcomes = await guards.guard(watchdog(clients.finished, () => clients.completed(), settings.limits?.noProgressMs ?? noProgressLimitMs(settings)));
    phase(`run: release to finish (${runner.name})`);
    serverTurns = place.roundTrips?.sinceMark() ?? null;
    const cpuMs = clients.cpuMs();
    // The evidence is read before the strategy's teardown runs.
    const shown = await guards.guard(clients.evidence());
    if (shown.logFull) {
      throw new Error(
        `the event log filled up (${slots} critical sections) before the stop signal, so the window was not measured in full: give a shorter warm-up or window`,
      );
    }
    const finalState =
      place.server !== null
        ? await guards.guard(guards.within(place.server.read(), 10_000, `reading the final state from ${strategy.stateStore ?? 'its server'}`))
        : strategy.stateStore === 'sqlite'
          ? readSqliteState(sqlitePath)
          : await new FileStore(dbPath, settings.latency).load();
    evidence = { ...shown, finalState };
    phase('run: evidence and final state');
    const records = shown.records;
    // A counted run whose log ran out of room would end early without a word: every request must be there.
    const made = outcomes.reduce((sum, o) => sum + o.requests, 0);
    if (perClient > 1 && made !== settings.clients * perClient) throw new Error(`the clients made ${made} requests, not ${settings.clients} × ${perClient}: the event log ran out of room or a client stopped early`);
    const threadOf = [...outcomes].sort((a, b) => a.clientId - b.clientId).map((o) => o.thread);
    const threads = new Map<number, number>();
    for (const o of outcomes) threads.set(o.thread, (threads.get(o.thread) ?? 0) + 1);
    const firstEnter = records.reduce((first, r) => (Number.isFinite(r.enter) ? Math.min(first, r.enter) : first), Infinity);
    const firstRequest = records.reduce((first, r) => (Number.isFinite(r.request) ? Math.min(first, r.request) : first), Infinity);
    measured = {
      runner: runner.name,
      wallMs: Math.max(...outcomes.map((o) => o.end)) - released,
      cpuMs,
      firstEnterMs: Number.isFinite(firstEnter) ? firstEnter - released : null,
      firstRequestMs: Number.isFinite(firstRequest) ? firstRequest - released : null,
      clientsPerThread: [...threads.values()],
      fault: settings.fault === null ? null : { name: settings.fault, killedAt, ...faultFigures(settings.fault, records, killedAt), owners: killedOwners },
      window: timed === null ? null : measureWindow(records, released + timed.warmupMs, stoppedAt, threadOf, judgedInServer(strategy, records)),
    };
  } catch (error) {
    failure = error;
  }

  // Clean-up, every step bounded; a failure here is added to the first one, never hides it.
  phase('run: figures');
  const cleanupErrors: string[] = fleet === null ? [] : await fleet.close();
  phase(`run: clients close (${runner.name}${pool === null ? ', fresh' : ''})`);
  await guards.within(host.teardown(), settings.limits?.teardownMs ?? TEARDOWN_TIMEOUT_MS, 'the strategy\'s teardown').catch((error: unknown) => cleanupErrors.push(oneLine(error)));
  phase('run: strategy teardown');
  if (failure instanceof InterruptedError || guards.isInterrupted) throw failure instanceof InterruptedError ? failure : new InterruptedError();
  if (failure !== null || measured === null || evidence === null) {
    const first = failure === null ? 'the run ended without its figures' : oneLine(failure);
    throw new Error(cleanupErrors.length === 0 ? first : `${first}; then ${cleanupErrors.join('; ')}`);
  }
  if (cleanupErrors.length > 0) throw new Error(cleanupErrors.join('; '));

  const judgement = judge({
    workload: settings.workload,
    strategy,
    tickets: settings.tickets,
    clients: settings.clients,
    fault: settings.fault,
    records: evidence.records,
    outcomes,
    finalState: evidence.finalState,
    prints: evidence.prints,
    serverTurns,
  });
  phase('run: judgement');
  const { log: analysis, check, linearizable, reasons: problems } = judgement;
  return { status: 'completed', workDir: dir, notes: readNotes(notesPath(dbPath)), folderFileSystem: fileSystemOf(dir)?.type ?? null, ...measured, programWallMs: fleet?.programWallMs() ?? null, log: analysis, check, linearizable, history: settings.keepHistory === true ? evidence.records : null, problems };
}
