/**
 * The suite's stopping rule, on fixed wall times: converged once the 95% order-statistic interval of
 * the median is within 1% of it (or 2 ms for short rows), never before 6 repetitions (the min–max of
 * 5 covers 93.75%: a rule that stopped a tight row at 3 or 5 would claim a precision it has not
 * shown), at least 3 repetitions, never past the cap.
 */
import { describe, expect, it } from 'vitest';
import { MIN_REPETITIONS, needsAnother, precisionOf } from '../bench/suites/precision.ts';

// flock / threads / ticket-rush / doc in the committed suite: a 5.2 s floor row with a 0.2% spread.
const floorRow = [5264.3, 5250.1, 5277.0, 5262.8, 5266.9, 5259.4, 5270.2];

describe('precisionOf', () => {
  it('a floor row with a 0.2% spread converges at 6 repetitions, not at 5', () => {
    const six = precisionOf(floorRow.slice(0, 6));
    expect(six).toMatchObject({ repetitions: 6, lowerMs: 5250.1, upperMs: 5277, converged: true });
    expect(six?.coverage).toBeCloseTo(1 - 2 / 64, 9);
    expect(six?.targetMs).toBeCloseTo(0.01 * six!.medianMs, 9);
    const five = precisionOf(floorRow.slice(0, 5));
    expect(five).toMatchObject({ repetitions: 5, converged: false });
    expect(five?.coverage).toBeCloseTo(0.9375, 9);
    expect(precisionOf(floorRow.slice(0, 3))?.converged).toBe(false);
  });

  it('a row whose interval is wider than 1% of the median has not converged', () => {
    // One repetition 1.5% over the median; with 7 values the interval is the min–max.
    expect(precisionOf([1000, 1001, 1002, 1003, 1004, 1005, 1018])).toMatchObject({ converged: false, upperMs: 1018 });
    expect(precisionOf([1000, 1001, 1002, 1003, 1004, 1005, 1013])).toMatchObject({ converged: true });
  });

  it('a short row converges within 2 ms of its median, not within 1%', () => {
    expect(precisionOf([16, 17, 17.5, 18, 18.5, 19])).toMatchObject({ targetMs: 2, converged: true });
    // A zero-latency row of the committed suite: 16.8 ms with −36% / +30%.
    expect(precisionOf([10.8, 14, 15.5, 16.8, 17.9, 19.6, 21.8])).toMatchObject({ converged: false });
  });

  it('is null without a completed repetition', () => {
    expect(precisionOf([])).toBeNull();
  });
});

describe('needsAnother', () => {
  it('runs at least 3, at most the cap, and between them until converged', () => {
    expect(MIN_REPETITIONS).toBe(3);
    expect(needsAnother([5264, 5264], 2, 3, 7)).toBe(true);
    expect(needsAnother(floorRow.slice(0, 5), 5, 3, 7)).toBe(true);
    expect(needsAnother(floorRow.slice(0, 6), 6, 3, 7)).toBe(false);
    expect(needsAnother([10, 20, 30, 40, 50, 60], 6, 3, 7)).toBe(true);
    expect(needsAnother([10, 20, 30, 40, 50, 60, 70], 7, 3, 7)).toBe(false);
    expect(needsAnother([5264], 1, 3, 1)).toBe(false);
  });

  it('counts failed repetitions against the cap: a row that always fails stops there', () => {
    expect(needsAnother([], 6, 3, 7)).toBe(true);
    expect(needsAnother([], 7, 3, 7)).toBe(false);
  });
});
