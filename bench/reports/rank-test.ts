/**
 * The Mann-Whitney U test (Wilcoxon rank-sum test), two-sided, over the repetitions of two runs,
 * and Holm's correction over the rows of a comparison. compare shows the uncorrected p-value for
 * information only and flags rows by their ratio of medians instead (see `comparison.ts`): over the
 * default suite's rows, Holm could never let a row of 7 repetitions a side through.
 *
 * Sources: H. B. Mann and D. R. Whitney, "On a test of whether one of two random variables is
 * stochastically larger than the other", Ann. Math. Statist. 18 (1947) 50–60 (the statistic and
 * its exact null distribution); the normal approximation with the tie correction of the variance
 * and a continuity correction as in scipy.stats.mannwhitneyu (method "asymptotic") and in
 * google/benchmark's tools/gbench/report.py, which calls it; S. Holm, "A simple sequentially
 * rejective multiple test procedure", Scand. J. Statist. 6 (1979) 65–70.
 *
 * No maintained npm package gives the test's p-value (`mann-whitney-utest` 1.0.5 and its fork
 * compare U with a z-score and return no p-value), so the distribution is computed here; the rank
 * sum and the error function come from simple-statistics, Holm's adjustment from
 * @stdlib/stats-padjust.
 */
import padjust from '@stdlib/stats-padjust';
import { errorFunction, wilcoxonRankSum } from 'simple-statistics';

/** Up to this many values in both samples together, the p-value is exact (the full permutation distribution). */
export const EXACT_LIMIT = 60;

/** One two-sided Mann-Whitney U test. */
export interface RankTest {
  /** U of the first sample: the number of pairs (x, y) with x > y, ties counting ½. */
  readonly u: number;
  /** Two-sided p-value: the chance, were both samples drawn from one distribution, of a U as far from n₁n₂/2 or farther. */
  readonly p: number;
  /** `exact`: counted over every way to split the pooled values (ties kept as mid-ranks); `normal`: the approximation. */
  readonly method: 'exact' | 'normal';
}

/** Mid-ranks (1-based; tied values share the mean of their ranks) of `values`, in their order. */
export function midRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.v === order[start]?.v) end++;
    for (let k = start; k <= end; k++) ranks[order[k]?.i ?? 0] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/**
 * Exact two-sided p-value of the rank sum `observed` of n₁ values out of the pooled `ranks`: the
 * share of all C(N, n₁) choices of n₁ ranks whose sum is at least as far from its mean n₁(N+1)/2.
 * Counted by dynamic programming over doubled ranks (integers, as mid-ranks are halves).
 */
function exactP(ranks: readonly number[], n1: number, observed: number): number {
  const doubled = ranks.map((r) => Math.round(r * 2));
  const total = doubled.reduce((a, b) => a + b, 0);
  // ways[k][s]: choices of k ranks (among those seen so far) with doubled sum s.
  const ways = Array.from({ length: n1 + 1 }, () => new Float64Array(total + 1));
  (ways[0] as Float64Array)[0] = 1;
  for (const r of doubled) {
    for (let k = n1; k >= 1; k--) {
      const to = ways[k] as Float64Array;
      const from = ways[k - 1] as Float64Array;
      for (let s = total; s >= r; s--) to[s] = (to[s] ?? 0) + (from[s - r] ?? 0);
    }
  }
  const mean = n1 * (ranks.length + 1); // doubled
  const far = Math.abs(Math.round(observed * 2) - mean);
  let extreme = 0;
  let all = 0;
  (ways[n1] as Float64Array).forEach((count, s) => {
    all += count;
    if (Math.abs(s - mean) >= far) extreme += count;
  });
  return Math.min(1, extreme / all);
}

/** Two-sided p-value of U by the normal approximation, with the tie-corrected variance and a continuity correction of ½. */
function normalP(pooled: readonly number[], n1: number, n2: number, u: number): number {
  const n = n1 + n2;
  const counts = new Map<number, number>();
  for (const v of pooled) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ties = [...counts.values()].reduce((sum, t) => sum + (t ** 3 - t), 0);
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = Math.max(0, Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance);
  // 2 · (1 − Φ(z)), with Φ(z) = ½(1 + erf(z/√2)).
  return Math.min(1, 1 - errorFunction(z / Math.SQRT2));
}

/**
 * The two-sided Mann-Whitney U test of `x` against `y` (e.g. the wall times, ms, of each
 * repetition of a row in two runs): exact up to {@link EXACT_LIMIT} values together, else the
 * normal approximation. Throws a RangeError when a sample is empty or holds a value that is not a
 * finite number.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): RankTest {
  if (x.length === 0 || y.length === 0) throw new RangeError('the Mann-Whitney U test needs at least one value in each sample');
  if ([...x, ...y].some((v) => !Number.isFinite(v))) throw new RangeError('the Mann-Whitney U test needs finite numbers');
  const n1 = x.length;
  const n2 = y.length;
  const rankSum = wilcoxonRankSum([...x], [...y]);
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const pooled = [...x, ...y];
  if (n1 + n2 <= EXACT_LIMIT) return { u, p: exactP(midRanks(pooled), n1, rankSum), method: 'exact' };
  return { u, p: normalP(pooled, n1, n2, u), method: 'normal' };
}

/** C(n, k), as a float (exact up to 2⁵³). */
function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) c = (c * (n - Math.min(k, n - k) + i)) / i;
  return c;
}

/**
 * The smallest two-sided p-value the exact test can give with samples of n₁ and n₂ values: every
 * value of one sample below every value of the other, 2 / C(n₁+n₂, n₁) (more with ties), at most 1.
 */
export function smallestP(n1: number, n2: number): number {
  return n1 < 1 || n2 < 1 ? 1 : Math.min(1, 2 / choose(n1 + n2, n1));
}

/** The fewest repetitions, the same on both sides, with which the test can give a p-value of `threshold` or less. */
export function repetitionsNeeded(threshold: number): number {
  let n = 1;
  while (smallestP(n, n) > threshold && n < 1000) n++;
  return n;
}

/**
 * Holm's step-down adjustment of `pValues` (one per row compared): a row whose adjusted p-value is
 * below α is a change at family-wise error rate α, whatever the number of rows.
 */
export function holm(pValues: readonly number[]): number[] {
  return pValues.length === 0 ? [] : padjust([...pValues], 'holm');
}
