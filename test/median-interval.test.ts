/**
 * The order-statistic interval of a median: which order statistics, the exact coverage (binomial
 * sums, checked against the values of Conover's table of confidence intervals for the median), the
 * min–max below 6 values with a coverage below 95% stated as it is, never rounded up.
 */
import { describe, expect, it } from 'vitest';
import { medianInterval, orderStatisticRank, VALUES_FOR_CONFIDENCE } from '../bench/reports/median-interval.ts';

describe('orderStatisticRank', () => {
  it.each([
    // n, k, coverage = 1 − 2·P(Binomial(n, ½) ≤ k − 1)
    [1, 1, 0],
    [2, 1, 0.5],
    [3, 1, 0.75],
    [5, 1, 0.9375],
    [6, 1, 1 - 2 / 64],
    [7, 1, 1 - 2 / 128],
    [8, 1, 1 - 2 / 256],
    [9, 2, 1 - (2 * 10) / 512],
    [11, 2, 1 - (2 * 12) / 2048],
    [12, 3, 1 - (2 * 79) / 4096],
    [20, 6, 1 - (2 * (1 + 20 + 190 + 1140 + 4845 + 15504)) / 2 ** 20],
  ])('%i values: [x(k), x(n+1−k)] with k = %i, coverage %f', (n, k, coverage) => {
    const rank = orderStatisticRank(n);
    expect(rank.k).toBe(k);
    expect(rank.coverage).toBeCloseTo(coverage, 9);
  });

  it('reaches 95% from 6 values on, never below', () => {
    expect(VALUES_FOR_CONFIDENCE).toBe(6);
    for (let n = 1; n < 6; n++) expect(orderStatisticRank(n).coverage).toBeLessThan(0.95);
    for (let n = 6; n <= 100; n++) expect(orderStatisticRank(n).coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses no values and a confidence outside (0, 1)', () => {
    expect(() => orderStatisticRank(0)).toThrow(RangeError);
    expect(() => orderStatisticRank(5, 1)).toThrow(/between 0 and 1/);
  });
});

describe('medianInterval', () => {
  it('gives the median and the order statistics of the rank, whatever the order of the values', () => {
    expect(medianInterval([9, 1, 5, 3, 7, 2, 8, 4, 6])).toEqual({ n: 9, median: 5, lower: 2, upper: 8, coverage: 1 - 20 / 512, reachesConfidence: true });
    expect(medianInterval([4, 1, 3, 2, 6, 5])).toMatchObject({ n: 6, median: 3.5, lower: 1, upper: 6, reachesConfidence: true });
  });

  it('below 6 values gives the min–max, saying it does not reach 95%', () => {
    expect(medianInterval([5264, 5250, 5277])).toEqual({ n: 3, median: 5264, lower: 5250, upper: 5277, coverage: 0.75, reachesConfidence: false });
    expect(medianInterval([10])).toEqual({ n: 1, median: 10, lower: 10, upper: 10, coverage: 0, reachesConfidence: false });
  });

  it('is null for no values and refuses a value that is not finite', () => {
    expect(medianInterval([])).toBeNull();
    expect(() => medianInterval([1, Number.NaN])).toThrow(RangeError);
  });
});
