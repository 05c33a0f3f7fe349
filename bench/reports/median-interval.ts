/**
 * The distribution-free confidence interval of a median from order statistics: with n values
 * sorted x₍₁₎ ≤ … ≤ x₍ₙ₎, the interval [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] holds the population's median with
 * probability 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½), whatever the distribution (continuous, values
 * independent). The widest k whose coverage still reaches the level asked for is taken; no k reaches
 * 95% below 6 values (the min–max of 5 covers 1 − 2/2⁵ = 93.75%), so with fewer the interval is the
 * min–max and its coverage, below the level, is stated, never rounded up.
 *
 * Sources: W. J. Conover, Practical Nonparametric Statistics, 3rd ed., Wiley 1999, §3.2 (the
 * confidence interval for a quantile); D. A. David and H. N. Nagaraja, Order Statistics, 3rd ed.,
 * Wiley 2003, §7.1. Its use to decide how many measurements to take, stopping once the interval
 * is within a stated fraction of the median: T. Hoefler and R. Belli, "Scientific benchmarking of
 * parallel computing systems: twelve ways to tell the masses when reporting performance results",
 * SC'15 (rule 5 and §4.2.2: nonparametric confidence intervals of the median, and the number of
 * measurements chosen from the observed variability). The binomial sums are computed here, exactly
 * for the repetition counts used (C(n, i)/2ⁿ by the recurrence from 2⁻ⁿ): simple-statistics'
 * `binomialDistribution` goes through log-gamma and gives 0.7499999999999998 for the min–max of 3.
 */

/** The confidence level asked of every interval of a median in this harness. */
export const MEDIAN_CONFIDENCE = 0.95;

/** The fewest values whose order-statistic interval of the median reaches {@link MEDIAN_CONFIDENCE}. */
export const VALUES_FOR_CONFIDENCE = 6;

/** Which order statistics bound the interval, and how often such an interval holds the median. */
export interface OrderStatisticRank {
  /** 1-based: the interval is [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎]. */
  readonly k: number;
  /** 1 − 2·P(Binomial(n, ½) ≤ k − 1), 0–1. */
  readonly coverage: number;
}

/** A median with its order-statistic confidence interval, in the values' unit. */
export interface MedianInterval {
  readonly n: number;
  readonly median: number;
  readonly lower: number;
  readonly upper: number;
  /** The probability that such an interval holds the population's median, 0–1 (0 for one value). */
  readonly coverage: number;
  /** The coverage reaches the level asked for (false below 6 values at 95%). */
  readonly reachesConfidence: boolean;
}

/** P(Binomial(n, ½) ≤ j), for j ≥ −1. */
function binomialHalfCdf(n: number, j: number): number {
  if (j < 0) return 0;
  if (j >= n) return 1;
  let term = 2 ** -n;
  let sum = 0;
  for (let i = 0; i <= j; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return Math.min(1, sum);
}

/**
 * The widest-rank (narrowest) order-statistic interval of the median of `n` values whose coverage
 * reaches `confidence`; when none does (n < 6 at 95%), k = 1, the min–max, with its own coverage
 * 1 − 2^(1−n). Throws a RangeError for n < 1 or a confidence outside (0, 1).
 */
export function orderStatisticRank(n: number, confidence = MEDIAN_CONFIDENCE): OrderStatisticRank {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`an interval of the median needs at least one value, got ${n}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`the confidence level must be between 0 and 1, got ${confidence}`);
  const coverageOf = (k: number) => Math.max(0, 1 - 2 * binomialHalfCdf(n, k - 1));
  let k = 1;
  // Narrow the interval while the next one inward still reaches the level (k ≤ n/2 keeps lower ≤ upper).
  while (k + 1 <= Math.ceil(n / 2) && coverageOf(k + 1) >= confidence) k++;
  return { k, coverage: coverageOf(k) };
}

/**
 * The median of `values` (the mean of the middle two for an even count) and its order-statistic
 * interval at `confidence`; null when `values` is empty. Throws a RangeError for a value that is not
 * a finite number.
 */
export function medianInterval(values: readonly number[], confidence = MEDIAN_CONFIDENCE): MedianInterval | null {
  if (values.length === 0) return null;
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('an interval of the median needs finite numbers');
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const { k, coverage } = orderStatisticRank(n, confidence);
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { n, median, lower: sorted[k - 1] as number, upper: sorted[n - k] as number, coverage, reachesConfidence: coverage >= confidence };
}
