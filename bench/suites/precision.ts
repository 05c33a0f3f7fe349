/**
 * When a row has been measured enough: the suite repeats a row until the distribution-free 95%
 * interval of its median wall time (order statistics, see `reports/median-interval.ts`) lies within
 * 1% of the median, or within 2 ms of it for rows short enough that 2 ms is more, with at least
 * {@link MIN_REPETITIONS} repetitions and at most the cap (`--repeat`). The rule stops on precision,
 * never on significance: nothing here looks at another row or at a difference between strategies,
 * so stopping cannot bias a comparison (T. Hoefler and R. Belli, SC'15, §4.2.2: choose the number of
 * measurements from the observed variability until the confidence interval is within a stated
 * fraction of the median).
 *
 * The 95% interval exists only from 6 repetitions (below, the min–max covers less than 95%), so a
 * row stopped before 6, by a cap below 6 or by failures, has not converged, however narrow its
 * min–max.
 */
import { medianInterval, MEDIAN_CONFIDENCE } from '../reports/median-interval.ts';

/** The interval's half-width the suite stops at, as a fraction of the median. */
export const PRECISION_FRACTION = 0.01;

/** …or this many ms, when more than the fraction (rows of about 200 ms or less). */
export const PRECISION_FLOOR_MS = 2;

/** The fewest repetitions whose order-statistic interval of the median reaches 95% coverage (6): no row converges with fewer. */
export const CONVERGES_FROM: number = fewestReachingConfidence();

function fewestReachingConfidence(): number {
  for (let n = 1; n < 100; n++) if (medianInterval(Array.from({ length: n }, (_, i) => i), MEDIAN_CONFIDENCE)?.reachesConfidence === true) return n;
  throw new Error(`no interval of the median reaches ${MEDIAN_CONFIDENCE} below 100 values`);
}

/** Every row runs at least this many repetitions (fewer only when the cap is lower). */
export const MIN_REPETITIONS = 3;

/** How precisely a row's median wall time is known, as recorded in the JSON (`precision`). */
export interface RowPrecision {
  /** Completed repetitions the interval is from (failed ones have no wall time). */
  readonly repetitions: number;
  /** The median wall time and its order-statistic interval, ms. */
  readonly medianMs: number;
  readonly lowerMs: number;
  readonly upperMs: number;
  /** How often such an interval holds the median, 0–1: at least 0.95 from 6 repetitions, less below. */
  readonly coverage: number;
  /** The half-width the row had to reach, ms: max(1% of the median, 2 ms). */
  readonly targetMs: number;
  /** The interval reaches 95% coverage and lies within `targetMs` of the median on both sides. */
  readonly converged: boolean;
}

/** The precision of a row's completed wall times (ms); null when there is none. */
export function precisionOf(walls: readonly number[]): RowPrecision | null {
  const interval = medianInterval(walls, MEDIAN_CONFIDENCE);
  if (interval === null) return null;
  const targetMs = Math.max(PRECISION_FRACTION * Math.abs(interval.median), PRECISION_FLOOR_MS);
  const within = interval.median - interval.lower <= targetMs && interval.upper - interval.median <= targetMs;
  return {
    repetitions: interval.n,
    medianMs: interval.median,
    lowerMs: interval.lower,
    upperMs: interval.upper,
    coverage: interval.coverage,
    targetMs,
    converged: interval.reachesConfidence && within,
  };
}

/**
 * Whether a row that has run `repetitions` times (completed or not) with these completed `walls`
 * (ms) needs another: below `minimum` always (at most the cap), at the cap never, in between until
 * its interval converged.
 */
export function needsAnother(walls: readonly number[], repetitions: number, minimum: number, cap: number): boolean {
  if (repetitions >= cap) return false;
  if (repetitions < minimum) return true;
  return precisionOf(walls)?.converged !== true;
}
