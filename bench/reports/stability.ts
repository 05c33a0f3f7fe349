/**
 * Whether a row's repetitions agree well enough for its median to mean something, by pyperf's
 * checks (`format_checks` in pyperf's `_cli.py`, which prints "WARNING: the benchmark result may
 * be unstable"): the sample standard deviation is 10% of the mean or more, or the minimum or the
 * maximum is 50% or more away from the mean.
 */
import { max, mean, min, sampleStandardDeviation } from 'simple-statistics';
import type { ResultRow } from '../suites/summary.ts';

/** pyperf's limit on the standard deviation, percent of the mean. */
export const UNSTABLE_STDEV_PERCENT = 10;

/** pyperf's limit on the distance of the minimum or maximum from the mean, percent of the mean. */
export const OUTLIER_PERCENT = 50;

/**
 * Why `values` (one figure per repetition, e.g. wall times in ms) look unstable, one phrase per
 * reason ("the standard deviation is 14% of the mean"); empty when they look stable, and for
 * fewer than 2 values or a mean of 0, where there is nothing to judge.
 */
export function instability(values: readonly number[]): string[] {
  if (values.length < 2) return [];
  const xs = [...values];
  const m = mean(xs);
  if (m === 0 || !Number.isFinite(m)) return [];
  const reasons: string[] = [];
  const sd = (sampleStandardDeviation(xs) / Math.abs(m)) * 100;
  if (sd >= UNSTABLE_STDEV_PERCENT) reasons.push(`the standard deviation is ${sd.toFixed(0)}% of the mean`);
  for (const [name, value] of [['minimum', min(xs)], ['maximum', max(xs)]] as const) {
    const off = ((value - m) / Math.abs(m)) * 100;
    if (Math.abs(off) >= OUTLIER_PERCENT) reasons.push(`the ${name} is ${Math.abs(off).toFixed(0)}% ${off > 0 ? 'above' : 'below'} the mean`);
  }
  return reasons;
}

/** The wall times (ms) of a row's completed repetitions; rows from files without `runs` give none. */
export function repetitionWalls(row: Pick<ResultRow, 'runs'>): number[] {
  const runs: readonly { readonly wallMs: number | null }[] = Array.isArray(row.runs) ? row.runs : [];
  return runs.flatMap((run) => (typeof run.wallMs === 'number' && Number.isFinite(run.wallMs) ? [run.wallMs] : []));
}

/** Why a row's wall times over its repetitions look unstable (see {@link instability}); empty if they do not. */
export function rowInstability(row: Pick<ResultRow, 'runs'>): string[] {
  return instability(repetitionWalls(row));
}

/** The mark after an unstable figure in the tables. */
export const UNSTABLE_MARK = '(unstable)';
