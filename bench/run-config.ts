import type { FaultName } from './fault.ts';
import type { LatencyProfile } from './latency.ts';
import type { WorkloadName } from './workloads.ts';

/**
 * Everything a thread needs to take part in one run (one workload, one strategy, one repetition).
 * Structured-cloneable: it is sent to every client task and to any owner thread a strategy starts.
 */
export interface RunConfig {
  readonly workload: WorkloadName;
  readonly strategy: string;
  /** Clients in the run; each runs one critical section. */
  readonly clients: number;
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
  /** Buffers of the run's `CriticalSectionLog`, `PrintLog` and `StartBarrier`. */
  readonly log: SharedArrayBuffer;
  readonly prints: SharedArrayBuffer;
  readonly barrier: SharedArrayBuffer;
}
