/**
 * The suite's schedule: rounds in which every row still measuring runs once, in an order rotated by
 * one row per round (no row always first or after the same neighbour: the interleaving that
 * google/benchmark's `--benchmark_enable_random_interleaving` and hyperfine users ask for, done as a
 * rotation), a row dropping out of later rounds once it needs no other repetition (see
 * `precision.ts`: at least the minimum, at most the cap, in between until its median converged).
 */
import { needsAnother } from './precision.ts';

/** Runs one repetition of a row; resolves to its wall time, ms, or null when it failed. */
export type RunRepetition<K> = (row: K, repetition: number) => Promise<number | null>;

/**
 * Runs `rows` in rounds 1…`cap` with `run`, each row at least `minimum` times (at most `cap`), and
 * calls `onStop(row, repetitions)` when a row drops out (after its last repetition). Resolves to each
 * row's completed wall times, ms, in repetition order. Rejects with `run`'s error (an interrupted
 * suite), leaving the remaining rounds unrun.
 */
export async function runRounds<K>(
  rows: readonly K[],
  limits: { readonly minimum: number; readonly cap: number },
  run: RunRepetition<K>,
  onStop: (row: K, repetitions: number) => void = () => undefined,
): Promise<Map<K, number[]>> {
  const walls = new Map<K, number[]>(rows.map((row) => [row, []]));
  const measuring = new Set(rows);
  for (let repetition = 1; repetition <= limits.cap && measuring.size > 0; repetition++) {
    const shift = (repetition - 1) % Math.max(1, rows.length);
    const order = [...rows.slice(shift), ...rows.slice(0, shift)].filter((row) => measuring.has(row));
    for (const row of order) {
      const wall = await run(row, repetition);
      const mine = walls.get(row) ?? [];
      if (wall !== null) mine.push(wall);
      if (!needsAnother(mine, repetition, limits.minimum, limits.cap)) {
        measuring.delete(row);
        onStop(row, repetition);
      }
    }
  }
  return walls;
}
