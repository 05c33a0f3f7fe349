/**
 * Where a suite's time goes outside the measured walls: with `SYNC_BENCH_TIMINGS=1` in the
 * environment, the suite loop and each run add the time of their phases (the run folder, the
 * strategy's setup, the clients' start-up to the start barrier, the measured wall, the evidence,
 * the clean-up, the judgement, the load sampler, …) here, and `npm run bench` prints the totals on
 * stderr at its end (see docs/measurement-cost.md). Off, {@link timed} only runs its work: the
 * figures are never part of a result.
 */

/** Whether the phases are being timed: `SYNC_BENCH_TIMINGS` set and not '0'. */
export const timingPhases = (process.env.SYNC_BENCH_TIMINGS ?? '0') !== '0';

const totals = new Map<string, { count: number; ms: number }>();

/** Adds `ms` to phase `name`. */
export function addPhase(name: string, ms: number): void {
  if (!timingPhases) return;
  const entry = totals.get(name) ?? { count: 0, ms: 0 };
  entry.count++;
  entry.ms += ms;
  totals.set(name, entry);
}

/** Runs `work`, adding its time to phase `name` when timing (whether it resolves or rejects). */
export async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!timingPhases) return work();
  const start = performance.now();
  try {
    return await work();
  } finally {
    addPhase(name, performance.now() - start);
  }
}

/** The totals so far, largest first, as lines for stderr; empty when not timing. */
export function phaseLines(): string[] {
  if (!timingPhases) return [];
  const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
  return ['phase timings (s total, count, ms mean):', ...rows.map(([name, { count, ms }]) => `  ${name.padEnd(40)} ${(ms / 1000).toFixed(1).padStart(8)} s  ${String(count).padStart(5)}  ${(ms / count).toFixed(1).padStart(9)} ms`)];
}
