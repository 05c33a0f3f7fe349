/**
 * What a fault is, after Jepsen's nemesis: something that strikes a part of a run (a holder, an
 * owner, a server, the network), at a moment it waits for, and heals (or not) afterwards. One
 * fault is one file of this folder, registered in `registry.ts`; the run (`runners/run.ts`) calls
 * `when`, `strike` and `heal` in turn, and the fault suite (`suites/fault-suite.ts`) prepares and
 * closes its stage around its runs.
 *
 * A runner offers a {@link VictimControl}: what it can do to the victim client. A runner that
 * cannot do something (stop a worker thread alone) lacks the method, and says why in its
 * `victimLacks`; a fault that needs it is "not applicable" under that runner, never a throw.
 */
import type { Strategy } from '../../strategies/strategy.ts';
import type { EngineName, ServiceUrls } from '../engines/services.ts';
import type { RunnerName } from '../runners/runner.ts';
import type { CompletedRun } from '../runners/run.ts';
import type { RunOwner } from '../runners/run-owners.ts';

/** What a runner may be able to do to the victim client. */
export type VictimAction = 'kill' | 'pause' | 'kill-after-answer';

/** A runner's hold on the victim client of one run (see `fault-gate.ts`). */
export interface VictimControl {
  /** Kills the victim: its thread terminated (threads) or its process sent SIGKILL (processes); resolves once it is gone. */
  readonly kill?: () => Promise<void>;
  /** Stops the victim's process (SIGSTOP) and resumes it (SIGCONT); absent where a victim cannot be stopped alone. */
  readonly pause?: { stop(): void; resume(): void };
  /** Lets a victim held before its write (see {@link VictimHold}) go on with it; a stopped process gets the word once it runs again. */
  proceed(): void;
}

/**
 * What the victim's critical section does once inside (see `runners/executor.ts`):
 * - `until-killed`: it stays there until its thread or process is killed (a body an owner thread
 *   runs for it goes on once the client is dead);
 * - `forever`: it stays there, alive, for ever;
 * - `before-write`: it reads, then waits before its first write until the fault lets it go on
 *   ({@link VictimControl.proceed}), then writes what it read before;
 * - `until-told`: it runs its body (its change stored, its exit stamped), then stays there, alive,
 *   wherever its body runs (its own thread, an owner), before its answer leaves, until the fault
 *   lets it go on ({@link VictimControl.proceed}) (crash-owner: the owner dies after storing and
 *   before acknowledging);
 * - `after-answer`: it runs as any client's does; once the harness has stamped its client's answer,
 *   the client's thread stops at once until it is killed (crash-after-answer).
 */
export type VictimHold = 'until-killed' | 'forever' | 'before-write' | 'until-told' | 'after-answer';

/**
 * What a fault set up for a whole fault suite, before its runs: private servers, say. The runs
 * reach `services` instead of the suite's own.
 */
export interface FaultStage {
  /** The servers the runs use instead of the suite's (the fault's private ones); absent: the suite's. */
  readonly services?: Partial<ServiceUrls>;
  /**
   * Where the victim client alone reaches an engine's server instead (a proxy the fault controls,
   * see `partition.ts`): the run's URL for that engine with this host and port, handed to the
   * victim in place of the run's (see `network/victim-route.ts`); absent: the run's, as every client.
   */
  readonly victimEndpoints?: Partial<Record<EngineName, { readonly host: string; readonly port: number }>>;
  /** Why the stage cannot serve `strategy` (its private server would not start), or null; absent: it serves every one. */
  skipped?(strategy: Strategy): string | null;
  /** Ends whatever the stage started and removes what it made; never rejects. */
  close(): Promise<void>;
}

/** A stage that set nothing up. */
export const NO_STAGE: FaultStage = { close: () => Promise.resolve() };

/** What a fault sees of one run while it strikes. Times in ms on the run's clock. */
export interface StrikeContext<Stage extends FaultStage = FaultStage> {
  /** The runner's hold on the victim client. */
  readonly victim: VictimControl;
  /** Resolves once the victim is inside its critical section. */
  victimInside(): Promise<void>;
  /** Resolves once a client other than the victim has entered its critical section (told at once). */
  anotherEntered(): Promise<void>;
  /** Resolves once the victim's client was answered and stopped (a victim that holds `after-answer`); never, under a runner that lacks `kill-after-answer`. */
  victimAnswered(): Promise<void>;
  /** Critical sections requested so far (may lag under processes, which report it). */
  requests(): number;
  /** Clients of the run, the victim included. */
  readonly clients: number;
  /** The strategy under test. */
  readonly strategy: Strategy;
  /** Lets the other clients ask for their critical sections without waiting for the victim to be inside (a strategy with no client-side critical section). */
  letOthersAsk(): void;
  /** Now, on the run's clock. */
  now(): number;
  /** Resolves after `ms`; never, once the run has ended. */
  sleep(ms: number): Promise<void>;
  /** What the fault prepared for the suite ({@link NO_STAGE} if nothing). */
  readonly stage: Stage;
  /** The owners the strategy started for this run (see `runners/run-owners.ts`); empty: none, or they stopped. */
  owners(): readonly RunOwner[];
}

/** One fault. */
export interface Fault<Stage extends FaultStage = FaultStage> {
  /** Its name, as `--fault` takes it. */
  readonly name: string;
  /** What it does, in one sentence (the table's title). */
  readonly description: string;
  /** What it strikes. */
  readonly strikes: 'holder' | 'owner' | 'server' | 'network';
  /** The heading of its Markdown table. */
  readonly heading: string;
  /** The header of the table's design column ("designed recovery from a partition"); absent: "designed recovery from a holder crash". */
  readonly designHeader?: string;
  /** What `strategy` is designed to do when this fault strikes, for that column; absent: its `onHolderCrash`. */
  design?(strategy: Strategy): string;
  /** What its own columns mean, put before the fault table's legend; absent: nothing. */
  readonly legend?: string;
  /** What the victim's critical section does once inside. */
  readonly victimHolds: VictimHold;
  /** Whether the victim takes part to the run's end (its answer is judged); a crashed or stuck one does not. */
  readonly victimFinishes: boolean;
  /** What it needs the runner to do to the victim: a runner that lacks one makes the fault not applicable. */
  readonly needs: readonly VictimAction[];
  /** The longest any client's request waits for its answer under this fault (a client-side time-out, its outcome unknown); absent: as long as its strategy waits. */
  readonly requestTimeoutMs?: number;
  /** Whether a strategy whose store can check fencing tokens is run both without and with them. */
  readonly fencingBothWays: boolean;
  /** Why it does not apply to `strategy` (beyond what the runner lacks), or null if it does. */
  notApplicable(strategy: Strategy, runner: RunnerName): string | null;
  /**
   * Sets up its stage for the suite, whose servers are at `services` (absent: `serviceUrls()`); a
   * string says why it cannot be set up here (its rows are skipped with it). Absent: {@link NO_STAGE}.
   */
  prepare?(signal?: AbortSignal, services?: ServiceUrls): Promise<Stage | string>;
  /** Resolves at the moment to strike (or at its time limit). */
  when(context: StrikeContext<Stage>): Promise<void>;
  /** Whether each run keeps its history (`keepHistory`): the fault's table is worked out from what each client was told. */
  readonly keepsHistory?: boolean;
  /** Strikes; resolves with when it struck, or null if it did nothing a recovery is measured from (a hang). */
  strike(context: StrikeContext<Stage>): Promise<number | null>;
  /** Heals what it struck (resumes, restarts); absent: nothing heals. */
  heal?(context: StrikeContext<Stage>): Promise<void>;
  /** What a user saw in one finished run, for the fault table; absent: the table's wording for a holder's fault (see `verdicts/fault-verdict.ts`). */
  userSees?(run: CompletedRun, tickets: number): string;
}
