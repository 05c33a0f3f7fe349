import type { BusyWork } from '../coordination/busy-work.ts';
import type { PrintTarget } from '../evidence/print-log.ts';
import type { FaultName } from '../faults/registry.ts';
import type { RunnerName } from './runner.ts';
import type { LatencyProfile } from '../workloads/latency.ts';
import type { WorkloadName } from '../workloads/registry.ts';
import type { ServiceUrls } from '../engines/services.ts';
import type { VictimRoutes } from '../network/victim-route.ts';

/**
 * Everything a thread needs to take part in one run (one workload, one strategy, one repetition).
 * Structured-cloneable: it is sent to every client task and to any owner thread a strategy starts.
 */
export interface RunConfig {
  readonly workload: WorkloadName;
  readonly strategy: string;
  /** A `file://` URL whose default export is the strategy, for one not in the registry; null: the registry's. */
  readonly strategyModule: string | null;
  /** Where the clients run. */
  readonly runner: RunnerName;
  /** Clients in the run. */
  readonly clients: number;
  /** Clients that meet at this thread's or process's finish line (see `finish-line.ts`). */
  readonly finishers: number;
  /** null: each client makes `requestsPerClient` requests; otherwise clients make requests until the stop signal (see `TimedRun`). */
  readonly timed: TimedRun | null;
  /** Requests each client makes one after another in a run that is not timed: 1 is the tutorial's shape. */
  readonly requestsPerClient: number;
  /** Busy work inside and outside each critical section. */
  readonly work: BusyWork;
  /** Worker threads in the client pool. */
  readonly threads: number;
  /** ticket-rush: tickets in the db at start. */
  readonly tickets: number;
  readonly latency: LatencyProfile;
  /** Client i starts i × staggerMs after the release (see `RunSettings`). */
  readonly staggerMs: number;
  /** The workload's db file, in the run's own temporary directory. */
  readonly dbPath: string;
  /** Base of the shared clock (see `clock.ts`). */
  readonly clockBase: bigint;
  /** The fault injected into client 0 (see `fault.ts`); null: none. */
  readonly fault: FaultName | null;
  /** Buffer of the run's `FaultGate`. */
  readonly faultGate: SharedArrayBuffer;
  /** Buffers of the run's `CriticalSectionLog`, print log (or its file, see `print-log.ts`) and `StartBarrier`. */
  readonly log: SharedArrayBuffer;
  readonly prints: PrintTarget;
  readonly barrier: SharedArrayBuffer;
  /** Buffer of the run's `FinishLine`. */
  readonly finish: SharedArrayBuffer;
  /** Buffer of the run's `StopSignal` (timed runs). */
  readonly stop: SharedArrayBuffer;
  /**
   * The runner's process, in a processes run: by client, where its process's slots start in this
   * log (see `ProcessLayout.slotBases`), so that an owner thread here logs a body it runs for a
   * client process in that client's slot. null: an operation's slot is this log's own.
   */
  readonly slotBases: readonly number[] | null;
  /** Where the Redis, PostgreSQL, RabbitMQ and NATS servers are, for strategies whose state or requests go through one. */
  readonly services: ServiceUrls;
  /** The run's own key prefix (Redis), schema (PostgreSQL), queue, subjects and bucket (RabbitMQ, NATS): see `engines/namespace.ts`, `engines/broker-names.ts`. */
  readonly namespace: string;
  /** Servers' stores refuse a write whose fencing token is older than one they accepted (`--fencing`). */
  readonly fencing: boolean;
  /** The victim's own way to its servers under a fault that strikes its network (see `network/victim-route.ts`); absent or null: the run's, as every client. */
  readonly victimRoutes?: VictimRoutes | null;
}

/**
 * A timed run: every client makes requests one after another until the stop signal. The
 * measurement window runs from `warmupMs` after the release for `measureMs`; the signal is
 * raised at its end. Requests before the window are warm-up and are not measured.
 */
export interface TimedRun {
  readonly warmupMs: number;
  readonly measureMs: number;
}

/**
 * Whether the run's clients claim their event-log slots one request at a time (a timed run, or
 * more than one request per client) rather than each owning the slot of its id.
 */
export function claimsSlots(config: Pick<RunConfig, 'timed' | 'requestsPerClient'>): boolean {
  return config.timed !== null || config.requestsPerClient > 1;
}

declare const executorSeed: unique symbol;

/**
 * What an owner thread hands `createExecutor` to run bodies through the harness (see
 * `executor.ts`): opaque to strategies, which never see the run's evidence buffers in their types.
 */
export interface ExecutorSeed {
  readonly [executorSeed]: true;
}

/**
 * The run as a strategy's `setup` sees it: the run's settings, without the event log, the print
 * log, the barrier, the finish line, the stop signal or the fault gate (the evidence and the
 * harness's own coordination), plus the seed an owner thread needs to run bodies through the
 * harness. Strategies are trusted code that may be wrong: this keeps the evidence out of their
 * reach by mistake, not from a strategy set on reaching it (the seed still carries the buffers
 * at run time).
 */
export type StrategyConfig = Omit<RunConfig, 'log' | 'prints' | 'barrier' | 'finish' | 'stop' | 'faultGate' | 'victimRoutes'> & { readonly executor: ExecutorSeed };

/** The run's config as its strategy's `setup` receives it. */
export function strategyConfig(config: RunConfig): StrategyConfig {
  const { log: _log, prints: _prints, barrier: _barrier, finish: _finish, stop: _stop, faultGate: _faultGate, victimRoutes: _victimRoutes, ...settings } = config;
  return { ...settings, executor: config as unknown as ExecutorSeed };
}
