/**
 * The unit of work a client asks a strategy to run under mutual exclusion, and the view of the
 * state that the critical section gets. Plain data only: an operation may travel to an owner thread.
 */

/** One critical section requested by one client. */
export interface Operation {
  /** 0-based client number. */
  readonly clientId: number;
  /** Index of this critical section in the run's event log. */
  readonly slot: number;
  /** Workload input: for ordered-print the sleep inside the critical section in ms; otherwise 0. */
  readonly input: number;
  /** Busy work inside the critical section, µs (see `busy-work.ts`); 0 in the tutorial's workloads. */
  readonly workUs: number;
}

/** What a critical section returns to its client. */
export interface OpResult {
  /** ticket-rush: a ticket was bought; ordered-print: always true. */
  readonly success: boolean;
  /** Reads inside the critical section that found JSON that would not parse (0 or 1). */
  readonly tornReads: number;
}

/** The result of reading the state: parsed, or torn (the text that failed to parse). */
export type ReadResult = { readonly ok: true; readonly state: unknown } | { readonly ok: false; readonly text: string };

/**
 * Thrown by a {@link StateAccess} to abort the current attempt of a critical section, because
 * the state changed since the attempt read it (optimistic concurrency). The harness counts the
 * abort; the strategy retries.
 */
export class ConflictError extends Error {
  readonly code = 'ECONFLICT';
}

/**
 * Whether `error` is a {@link ConflictError}, by its code: under the processes runner a strategy
 * is bundled apart from the harness, with a class of its own, so `instanceof` fails across them.
 */
export function isConflict(error: unknown): boolean {
  return error instanceof ConflictError || (error instanceof Error && (error as { code?: unknown }).code === 'ECONFLICT');
}

/**
 * The state as a critical section sees it. Where it lives (the db file, or memory) is the
 * strategy's choice; the simulated latencies belong to the store on disk.
 */
export interface StateAccess {
  read(): Promise<ReadResult>;
  write(state: unknown): Promise<void>;
  /** The simulated latency one `read` waits, ms (0 for state in memory). */
  readonly readLatencyMs: number;
  /** The simulated latency one `write` waits, ms. */
  readonly writeLatencyMs: number;
}
