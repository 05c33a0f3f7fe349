/**
 * The suite's rounds on fixed wall times (no real runs): every row once per round in a rotated
 * order, at least 3 rounds, a converged row dropping out of later rounds, the others running to the
 * cap. The wrong schedules it must catch: a row stopped at 3 or 5 because its min–max looked tight
 * (a 95% interval needs 6), a converged row still run, a non-converged row stopped before the cap.
 */
import { describe, expect, it } from 'vitest';
import { runRounds } from '../bench/suites/rounds.ts';

/** Fixed wall times per row and repetition (1-based), ms; null: a failed repetition. */
function fixed(table: Record<string, readonly (number | null)[]>) {
  const calls: string[] = [];
  const run = (row: string, repetition: number) => {
    calls.push(`${row}${repetition}`);
    return Promise.resolve(table[row]?.[repetition - 1] ?? null);
  };
  return { calls, run };
}

// 0.2% spread: converges at 6. ±30%: never converges.
const tight = [5264, 5250, 5277, 5262, 5266, 5259, 5270, 5261, 5263, 5265];
const noisy = [16.8, 10.8, 21.8, 14, 19.6, 15.5, 17.9, 12, 20.5, 13];

describe('runRounds', () => {
  it('rotates the order by one row per round, and drops a converged row after round 6', async () => {
    const { calls, run } = fixed({ a: tight, b: noisy, c: tight });
    const stops: string[] = [];
    const walls = await runRounds(['a', 'b', 'c'], { minimum: 3, cap: 8 }, run, (row, n) => stops.push(`${row}@${n}`));
    expect(calls).toEqual([
      'a1', 'b1', 'c1',
      'b2', 'c2', 'a2',
      'c3', 'a3', 'b3',
      'a4', 'b4', 'c4',
      'b5', 'c5', 'a5',
      'c6', 'a6', 'b6',
      'b7',
      'b8',
    ]);
    expect(stops).toEqual(['c@6', 'a@6', 'b@8']);
    expect(walls.get('a')).toEqual(tight.slice(0, 6));
    expect(walls.get('b')).toHaveLength(8);
  });

  it('never stops a row before 6 repetitions however tight, and runs the minimum even when the cap allows less precision', async () => {
    const { calls, run } = fixed({ a: [100, 100, 100, 100, 100, 100, 100] });
    await runRounds(['a'], { minimum: 3, cap: 5 }, run);
    expect(calls).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    const capped = fixed({ a: tight });
    await runRounds(['a'], { minimum: 3, cap: 2 }, capped.run);
    expect(capped.calls).toEqual(['a1', 'a2']);
    const atLeast = fixed({ a: tight });
    await runRounds(['a'], { minimum: 8, cap: 10 }, atLeast.run);
    expect(atLeast.calls).toHaveLength(8);
  });

  it('counts failed repetitions toward the cap, not toward convergence', async () => {
    const { calls, run } = fixed({ a: [null, ...tight] });
    const walls = await runRounds(['a'], { minimum: 3, cap: 10 }, run);
    // 6 completed values are needed: the failure costs one more round.
    expect(calls).toHaveLength(7);
    expect(walls.get('a')).toEqual(tight.slice(0, 6));
  });
});
