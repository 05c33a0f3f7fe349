/**
 * The strategy interface: how clients get exclusive access to a workload's shared state.
 *
 * A strategy has two halves. `setup` runs once per run on the main thread, before any client
 * starts, and creates what the clients will share (a SharedArrayBuffer, an owner thread, ports).
 * `connect` runs in a worker thread, once per client, and returns a {@link Session} whose `run`
 * executes one critical section under mutual exclusion.
 *
 * A strategy never runs the workload's code itself and never writes the event log: it calls
 * {@link ClientEnv.execute} (or the executor of its own thread) while it holds exclusion, and the
 * harness logs enter and exit around the workload's body. Correctness is judged from that log and
 * from the final store, never from what a strategy says about itself.
 */
import type { Transferable } from 'node:worker_threads';
import type { Operation, OpResult, StateAccess } from '../bench/workloads/operation.ts';
import type { FileStore } from '../bench/workloads/store.ts';
import type { StrategyConfig } from '../bench/runners/run-config.ts';
import type { BrokerEngine, StateEngine } from '../bench/engines/services.ts';
import type { WorkloadName } from '../bench/workloads/registry.ts';

/** How far a strategy's exclusion reaches. */
export type Reach = 'threads of one process' | 'processes of one machine' | 'machines' | 'not applicable';

/**
 * Where a strategy's critical section runs. `client`: in the client, through
 * {@link ClientEnv.execute}, which the harness stamps (enter, exit, what the body returned).
 * `server`: inside a database server, as one operation the client sends (a Redis script, one SQL
 * statement): no stamp can be taken there, so the run is judged from what the clients were told
 * (their history, checked for linearizability) and from the final state alone.
 */
export type RunsIn = 'client' | 'server';

/** The ways to share state that the project compares, plus the uncoordinated baseline. */
export type Paradigm =
  | 'no coordination'
  | 'shared state + lock'
  | 'ownership travels'
  | 'operations travel'
  | 'optimistic concurrency';

/**
 * What a strategy promises, and so what the harness holds it to.
 * - `mutual exclusion`: committed critical sections never overlap in time (checked from the log).
 * - `serializable commits`: bodies may run concurrently and abort (`ConflictError`); only the
 *   committed outcome must equal some serial order (checked from the final state, not the log).
 * - `none`: the baseline promises nothing; its overlaps are still reported as violations.
 */
export type Guarantee = 'mutual exclusion' | 'serializable commits' | 'none';

/**
 * The order in which waiting clients enter. `arrival`: first come, first served, where a client
 * comes when it calls `Session.run`. A bench row holds the strategy to it for the requests of one
 * client thread (under the processes runner, of one client process): the harness stamps each
 * request just before its client calls `run`, so a thread's stamps are in its program order, and
 * if a thread's client stamped strictly earlier enters after a later one of the same thread, the
 * run is incorrect ("FIFO inversions", `bench/evidence/log-analysis.ts` `arrivalInversions`), with
 * no tolerance. A strategy that sends requests to an owner must therefore carry a thread's requests
 * in order (one channel per thread, `support/shared-channel.ts`), not on a port per client that
 * the owner's loop may take in another order. Requests of different threads or processes are not
 * ordered by the verdict (they reach the strategy on different channels, and no stamp of the
 * clients says which reached it first); the `FIFO inversions` column counts every pair more than
 * 1 ms apart, for information. `unspecified`: any order (a futex mutex lets newcomers barge;
 * file-lock waiters poll).
 */
export type Order = 'arrival' | 'unspecified';

/** What one client receives from the strategy's main-thread half. */
export interface ClientShare {
  /** Structured-cloneable data (a SharedArrayBuffer is shared, not copied). */
  readonly data: unknown;
  /** MessagePorts inside `data` that must be transferred with it. */
  readonly transfer: readonly Transferable[];
}

/** The main-thread half of a strategy for one run. */
export interface StrategyHost {
  /** The share of client `clientId` (0-based); called once per client. */
  forClient(clientId: number): ClientShare;
  /** Releases everything `setup` created: threads, ports, files. Called once, after every client ended. */
  teardown(): Promise<void>;
}

/** What a worker-side session can use. */
export interface ClientEnv {
  /** This client's share, as returned by {@link StrategyHost.forClient}. */
  readonly share: unknown;
  /** The workload's store on disk, accessed with the profile's simulated latencies. */
  readonly store: FileStore;
  /**
   * Runs the workload's critical section for `op` once, against `access`, and logs its enter and
   * exit. Call it only while this client holds exclusion.
   */
  readonly execute: (op: Operation, access: StateAccess) => Promise<OpResult>;
  /**
   * Tells the row something about how this run went that its figures would not show: a fallback
   * the strategy took (waiters polling where it would be woken), a degraded mode. One line of
   * text; the same line from many clients or repetitions is shown once, in the row, its JSON and
   * under the tables. Never part of the verdict, and never a way to excuse a problem.
   */
  readonly note: (text: string) => void;
}

/** One client's connection to a strategy. */
export interface Session {
  /** Runs `op`'s critical section exactly once under mutual exclusion and resolves with its result. */
  run(op: Operation): Promise<OpResult>;
  /** Releases this client's resources (ports, handles). */
  close(): Promise<void>;
}

/** A strategy module. Register it in `registry.ts`. */
export interface Strategy {
  /** Unique name, as given to `--strategy`. */
  readonly name: string;
  /** One line, shown by `--list` and in the tables' legend. */
  readonly description: string;
  readonly paradigm: Paradigm;
  readonly guarantee: Guarantee;
  readonly order: Order;
  /** What the strategy does when a lock holder dies inside its critical section (shown in the fault table). */
  readonly onHolderCrash: string;
  /**
   * false: nothing recovers from a holder that dies inside its critical section (every waiter
   * would wait for ever): its `crash-in-cs` rows are "not applicable", with `onHolderCrash` as the
   * reason, and nothing is run (see `bench/runners/reach.ts`). Absent: true, and the fault table
   * and tests hold it to letting the other clients finish.
   */
  readonly recoversFromCrash?: boolean;
  /**
   * What the strategy does when its owner dies (the thread or process its clients send their
   * requests to: a queue owner, a token desk), shown in the `crash-owner` table. Absent: it has no
   * owner, and its `crash-owner` rows are "not applicable" (see `bench/faults/crash-owner.ts`).
   */
  readonly onOwnerCrash?: string;
  /** Whether it restarts a dead owner by itself; absent: false, and its `crash-owner` rows say "no recovery". */
  readonly recoversFromOwnerCrash?: boolean;
  /**
   * Which store the harness prepares and reads the final state from: the run's JSON db file
   * (absent or `db file`), an SQLite database beside it (`sqlite`, see
   * `bench/workloads/sqlite-store.ts`), or a server: `redis`, `postgres` or `nats` (a JetStream
   * key-value bucket), under the run's own key prefix, schema or bucket (see
   * `bench/engines/engine-state.ts`), at the URL the run was given.
   */
  readonly stateStore?: 'db file' | 'sqlite' | StateEngine;
  /**
   * The message broker the strategy's requests travel through, besides its state store: probed
   * like a state store's server (a broker that does not answer skips the row), and what the run
   * leaves in it (a RabbitMQ queue) deleted at the end of the run, interrupted or not (see
   * `bench/engines/engine-state.ts`). Absent: none.
   */
  readonly broker?: BrokerEngine;
  /** Where the critical section runs; absent: `client`. */
  readonly runsIn?: RunsIn;
  /**
   * The workloads the strategy can run, for one that writes a workload's operation itself (a
   * server-side script); absent: every workload. Its rows under the others are "not applicable".
   */
  readonly workloads?: readonly WorkloadName[];
  /**
   * Its store can check the fencing token of each write and refuse one older than a write it
   * accepted (`--fencing`; see `strategies/support/redis-session.ts`); absent: no fencing.
   */
  readonly fencing?: boolean;
  /** Where the authoritative state lives while clients run, e.g. "db file on disk". */
  readonly stateLocation: string;
  readonly reach: Reach;
  /**
   * Why the exclusion ends at `reach`, for a strategy whose reach is the threads of one process:
   * the reason shown in its "not applicable" rows under the processes runner.
   */
  readonly reachLimit?: string;
  /**
   * Main thread: creates what the clients share. `run` is the run's configuration without the
   * harness's evidence buffers; an owner thread runs bodies with `createExecutor(run.executor)`.
   */
  setup(run: StrategyConfig): Promise<StrategyHost>;
  /**
   * Worker thread: opens one client's session. First-use costs (module loading, a first message,
   * a first `mkdir`) belong here: the harness calls it before the start barrier.
   */
  connect(env: ClientEnv): Promise<Session>;
}
