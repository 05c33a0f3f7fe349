/**
 * The messages between the `processes` runner and its client processes, over the IPC channel of
 * `child_process.fork` (V8 serialisation, so a bigint and a typed array travel as they are).
 *
 * Runner → process: `start` (once, or once per run for a process kept in a pool), then `release`, `stop` (timed runs), `victim-inside` (fault
 * runs: the other clients may now ask), `resume` (pause-in-cs: sent to the stopped victim just
 * before SIGCONT; it may go on with its write) and `close` (the evidence is read: the clients may
 * close their sessions). Process → runner: `arrived` (every client of the process waits at the
 * start barrier), `progress` (requests and completed bodies so far, whenever they changed, at most
 * every {@link PROGRESS_EVERY_MS}), `inside` (the victim entered its critical section), `entered`
 * (pause-in-cs: a client of the process other than the victim entered its critical section; sent
 * once, at once), then `finished` with the outcomes, the process's event log and its final counts
 * of requests and completed bodies (its clients then wait, sessions open, for `close`), and
 * `closed` once they closed them; or `failed`, at any point (after `finished`: a session's close
 * threw).
 */
import type { ClientOutcome } from '../workloads/workload.ts';
import type { RunConfig } from './run-config.ts';

/** How often a client process at most reports its progress, ms. */
export const PROGRESS_EVERY_MS = 100;

/** One client of a process: its id, its workload input and its share of the strategy's setup (plain data). */
export interface ProcessClient {
  readonly clientId: number;
  readonly input: number;
  readonly share: unknown;
}

/** The run's config less its SharedArrayBuffers, which cannot reach another process: each process makes its own. */
export type PortableConfig = Omit<RunConfig, 'log' | 'barrier' | 'finish' | 'stop' | 'faultGate'>;

export interface StartMessage {
  readonly type: 'start';
  readonly config: PortableConfig;
  readonly clients: readonly ProcessClient[];
  /** Event-log slots of this process's own log. */
  readonly slots: number;
  /** A compiled module to load the strategy from, when it is not a registered one. */
  readonly strategyModule: string | null;
  /** After `closed`, wait for the next run's `start` (a pooled process, see `process-pool.ts`) instead of ending. */
  readonly stay: boolean;
}

export type ToProcess = StartMessage | { readonly type: 'release' } | { readonly type: 'stop' } | { readonly type: 'victim-inside' } | { readonly type: 'resume' } | { readonly type: 'close' };

export type FromProcess =
  | { readonly type: 'arrived' }
  | { readonly type: 'progress'; readonly requests: number; readonly completed: number }
  | { readonly type: 'inside' }
  | { readonly type: 'entered' }
  | {
      readonly type: 'finished';
      readonly outcomes: readonly ClientOutcome[];
      /** The bytes of the process's event log, and how many of its slots were claimed. */
      readonly log: Uint8Array;
      readonly claimed: number;
      /** Requests and completed bodies of the process in all, as in `progress`: its last report. */
      readonly requests: number;
      readonly completed: number;
      /** CPU time (user + system) of the process from the release to its clients' end, ms. */
      readonly cpuMs: number;
    }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly error: string };
