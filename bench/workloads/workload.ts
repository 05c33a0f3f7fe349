import type { Operation, OpResult, StateAccess } from './operation.ts';
import type { LatencyProfile } from './latency.ts';
import type { Prints } from '../evidence/print-log.ts';
import type { FileStore } from './store.ts';

/** What a client did, as it reports back to the main thread. */
export interface ClientOutcome {
  readonly clientId: number;
  /** `threadId` of the pool thread that ran the client; under the processes runner, the pid of its process. */
  readonly thread: number;
  /** Critical sections the client asked for. */
  readonly requests: number;
  /** Of those, the ones that succeeded (ticket-rush: tickets bought). */
  readonly successes: number;
  /**
   * Of those, the ones whose outcome the client never learnt: the request timed out or its
   * connection died before the answer (see `runners/outcome-unknown.ts`); Jepsen's `info`. They
   * may or may not have happened. Absent: 0.
   */
  readonly unknown?: number;
  /** Reads outside the critical section (ticket-rush's search) that found JSON that would not parse. */
  readonly tornReadsOutside: number;
  /** Reads inside the critical section that found JSON that would not parse. */
  readonly tornReadsInside: number;
  /** When the client finished, ms on the shared clock. */
  readonly end: number;
}

/** What the critical section's body may use besides the state. */
export interface CriticalContext {
  readonly prints: Prints;
}

/** The evidence a workload's check reads: never what the strategy claims. */
export interface Evidence {
  readonly tickets: number;
  readonly clients: number;
  readonly outcomes: readonly ClientOutcome[];
  /** The db as it is on disk after the run. */
  readonly finalState: { readonly ok: true; readonly state: unknown } | { readonly ok: false; readonly text: string };
  readonly prints: Prints;
}

export interface TicketRushFigures {
  readonly workload: 'ticket-rush';
  /** Clients told they bought a ticket. */
  readonly sold: number;
  /** max(0, sold − tickets). */
  readonly oversold: number;
  /** `count` in the final db; null if it did not parse. */
  readonly finalCount: number | null;
  /**
   * Acknowledged sales the db does not show: sold − (tickets − finalCount) when the db shows fewer
   * than were told; when it shows more, the sales beyond sold + unknown as a negative number (a
   * sale nobody asked for, or was told of); 0 in between (unknown outcomes may or may not have
   * applied). Null if the db does not parse.
   */
  readonly lostUpdates: number | null;
  /** Requests whose outcome the clients never learnt (may or may not have applied); absent: 0. */
  readonly unknown?: number;
  /** Reads of the db that found JSON that would not parse: by clients, outside or inside their critical sections, and of the final db. */
  readonly tornReads: number;
  /** Of those, the reads inside critical sections: the ones a strategy must prevent. */
  readonly tornReadsInside: number;
}

export interface OrderedPrintFigures {
  readonly workload: 'ordered-print';
  /** Clients whose "running" and "done" lines are not adjacent in the global order. */
  readonly interleaved: number;
}

export interface NoopFigures {
  readonly workload: 'noop';
}

export type WorkloadFigures = TicketRushFigures | OrderedPrintFigures | NoopFigures;

/** A workload's own verdict: its figures and the problems they show (empty when correct). */
export interface WorkloadCheck {
  readonly figures: WorkloadFigures;
  readonly problems: readonly string[];
}

/** A workload: the seed document's program, its client, its critical section and its check. */
export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly defaultClients: number;
  /**
   * The weakest guarantee under which the workload is correct: ordered-print's prints are side
   * effects that only mutual exclusion orders; ticket-rush only needs serializable commits.
   */
  readonly needs: 'mutual exclusion' | 'serializable commits';
  /** Content of the db file at start. */
  initialState(tickets: number): unknown;
  /** Each client's {@link Operation.input}, reproducible from `seed`. */
  inputs(clients: number, latency: LatencyProfile, seed: number): number[];
  /** What a client does before asking for its critical section; returns torn reads seen. */
  beforeCritical(store: FileStore): Promise<number>;
  /** The critical section's body. */
  criticalSection(access: StateAccess, op: Operation, context: CriticalContext): Promise<OpResult>;
  /** The simulated latency a critical section that ran `op` against `access` with `result` was meant to take, ms. */
  nominalMs(op: Operation, result: OpResult, latencies: Pick<StateAccess, 'readLatencyMs' | 'writeLatencyMs'>): number;
  /** Correctness from the evidence. */
  check(evidence: Evidence): WorkloadCheck;
}
