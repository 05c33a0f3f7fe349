/**
 * Busy work: the CPU a client spends outside its critical section, or a critical section spends
 * beyond its state access. It models computation, so it holds the thread (other clients of the
 * same thread wait), unlike the simulated latencies, which are sleeps.
 */

/** Work in µs inside and outside each critical section of a run. */
export interface BusyWork {
  /** Spun inside the critical section, between reading the state and writing it back, µs. */
  readonly insideUs: number;
  /** Spun before each request, outside the critical section, µs. */
  readonly outsideUs: number;
}

export const NO_WORK: BusyWork = { insideUs: 0, outsideUs: 0 };

/** Spins on `process.hrtime.bigint()` for `us` µs (never less); `us` <= 0 returns at once. */
export function spinFor(us: number): void {
  if (!(us > 0)) return;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < deadline) {
    // spin
  }
}
