/**
 * The run's shared clock: milliseconds since a base instant, from `process.hrtime.bigint()`.
 * That clock is CLOCK_MONOTONIC for the whole process, so stamps taken in different worker
 * threads of one run are directly comparable (unlike `performance.now()`, whose origin is per thread).
 */

/** A base instant for {@link since}. */
export function clockBase(): bigint {
  return process.hrtime.bigint();
}

/** Milliseconds (fractional, ns resolution) from `base` to now. */
export function since(base: bigint): number {
  return Number(process.hrtime.bigint() - base) / 1e6;
}
