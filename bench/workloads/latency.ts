/**
 * Latency profiles: the simulated latencies of the seed document's workloads (see
 * `shared/seeds/NOTES.md`). They are part of the workload, not of the strategy.
 */
export type LatencyName = 'doc' | 'quick' | 'zero';

export interface LatencyProfile {
  readonly name: LatencyName;
  /** ticket-rush: wait after reading the db inside the critical section, ms. */
  readonly readMs: number;
  /** ticket-rush: wait before writing the db back, ms. */
  readonly writeMs: number;
  /** ordered-print: each client sleeps uniformly in [0, printMaxMs] ms. */
  readonly printMaxMs: number;
  readonly description: string;
}

export const latencyProfiles = {
  doc: { name: 'doc', readMs: 100, writeMs: 200, printMaxMs: 1000, description: "the document's own: read 100 ms, write 200 ms, print sleep 0–1 s" },
  quick: { name: 'quick', readMs: 10, writeMs: 20, printMaxMs: 100, description: 'doc scaled by 1/10: read 10 ms, write 20 ms, print sleep 0–100 ms' },
  zero: { name: 'zero', readMs: 0, writeMs: 0, printMaxMs: 0, description: 'no simulated latency: the cost of coordination alone' },
} as const satisfies Record<LatencyName, LatencyProfile>;

export const latencyNames = Object.keys(latencyProfiles) as LatencyName[];
