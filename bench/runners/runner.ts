/**
 * The runner seam: how the clients of one run are started, released, watched and ended. Two
 * runners: `threads` (every client a task in a pool of worker threads of this process) and
 * `processes` (clients in Node processes of their own, as in the tutorial). A run (see `run.ts`)
 * is the same under both: the strategy's setup, a start barrier, the measured window, the
 * evidence, the teardown; only where the clients live differs.
 */
import type { CriticalSectionRecord } from '../evidence/event-log.ts';
import type { PrintLine, Prints } from '../evidence/print-log.ts';
import type { StrategyHost } from '../../strategies/strategy.ts';
import type { ClientOutcome } from '../workloads/workload.ts';
import type { VictimAction, VictimControl } from '../faults/fault.ts';
import type { ProcessLayout } from './process-layout.ts';
import type { ProcessPool } from './process-pool.ts';
import type { ThreadPool } from './thread-pool.ts';
import type { RunConfig } from './run-config.ts';

export type RunnerName = 'threads' | 'processes';
export const runnerNames: readonly RunnerName[] = ['threads', 'processes'];

/** What each runner's {@link VictimControl} lacks, and why: a fault that needs it is not applicable there. */
export const victimLacks: Record<RunnerName, Partial<Record<VictimAction, string>>> = {
  threads: { pause: 'SIGSTOP stops a whole process, and a worker thread cannot be stopped alone' },
  processes: {
    'kill-after-answer': "a process's stamps reach the runner only with its log, once all its clients are done: a victim killed right after its answer would take the answer with it",
  },
};

/** What a runner needs to start the clients of one run. */
export interface FleetPlan {
  /** The run's config, with this process's buffers (a processes runner gives each child its own). */
  readonly config: RunConfig;
  /** Each client's workload input, by client id. */
  readonly inputs: readonly number[];
  /** The strategy's main-thread half. */
  readonly host: StrategyHost;
  /** Worker threads (threads) or processes (processes) to spread the clients over. */
  readonly spread: number;
  /** The run's temporary directory. */
  readonly dir: string;
  /** Slots of the run's event log (clients for a one-request run). */
  readonly slots: number;
  /** The processes runner's layout of clients and slots, computed before the strategy's setup; null for threads. */
  readonly layout: ProcessLayout | null;
  /** Fails the run with `error` (a thread or process that died, a stray message). */
  readonly fail: (error: Error) => void;
  /** Client processes kept between runs (processes runner, see `process-pool.ts`); null: the run starts its own and ends them. */
  readonly pool: ProcessPool | null;
  /** Client thread pools kept between runs (threads runner, see `thread-pool.ts`); null: the run starts its own and ends it. */
  readonly threadPool: ThreadPool | null;
}

/** What the event log and the prints show once the clients have finished. */
export interface FleetEvidence {
  /** One record per slot: by client for a one-request run, in claim order for a timed run. */
  readonly records: CriticalSectionRecord[];
  /** A timed run filled its log before the stop signal. */
  readonly logFull: boolean;
  readonly prints: Prints;
}

/** The clients of one run, started. Times in ms on the run's clock. */
export interface Fleet {
  /** Resolves once every client has opened its session and waits at the start barrier; rejects if a client ends or fails first, or after `timeoutMs`. */
  arrived(timeoutMs: number): Promise<void>;
  /** Releases every client; the start of wall time. */
  release(): void;
  /** Raises a timed run's stop signal. */
  stop(): void;
  /**
   * Every client's outcome (the victim's excepted under a fault), once all have answered their
   * last request and wait, their sessions open, at the session hold (see `session-hold.ts`);
   * rejects when a client fails. The sessions close in {@link close}, after the evidence is read.
   */
  readonly finished: Promise<ClientOutcome[]>;
  /** Critical sections requested so far (may lag for processes, which report it). */
  requests(): number;
  /** Critical-section bodies completed so far: the watchdog's measure of progress. */
  completed(): number;
  /** Resolves once the victim of a fault run is inside its critical section. */
  victimInside(): Promise<void>;
  /** pause-in-cs: resolves once a client other than the victim has entered its critical section (told at once, not with the progress). */
  anotherEntered(): Promise<void>;
  /** What the runner can do to the victim of a fault run: what it cannot, it lacks (see {@link victimLacks}). */
  readonly victim: VictimControl;
  /** CPU time (user + system) of every thread or process of the run since the release, ms. */
  cpuMs(): number;
  /** The evidence, read after `finished`: a copy, which nothing the clients do afterwards (their sessions' close) changes. */
  evidence(): Promise<FleetEvidence>;
  /**
   * Once every client has reported: lets them close their sessions and waits for them (at most
   * {@link SESSION_CLOSE_MS}). Then ends every client that is still alive and waits until they are
   * gone. Never rejects: what went wrong (a session's close that threw or did not end) is returned.
   */
  close(): Promise<string[]>;
  /** From the first thread or process started to the last one ended (after `close`), ms; null when the run was lent its processes or threads by a keeper (see `process-pool.ts`, `thread-pool.ts`): it did not start them all, nor end them. */
  programWallMs(): number | null;
}

/** How long the clients have to close their sessions once the runner lets them, ms. */
export const SESSION_CLOSE_MS = 10_000;

/** The lines printed so far, kept: the evidence as it stands at the session hold. */
export function printsAsNow(prints: Prints): Prints {
  const lines: readonly PrintLine[] = prints.lines();
  const printed = prints.printed;
  return {
    print() {
      throw new Error('the run\'s prints were read: nothing prints after that');
    },
    lines: () => [...lines],
    printed,
  };
}

/** A way to run clients. */
export interface Runner {
  readonly name: RunnerName;
  start(plan: FleetPlan): Promise<Fleet>;
}
