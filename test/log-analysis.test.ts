import { describe, expect, it } from 'vitest';
import type { CriticalSectionRecord } from '../bench/event-log.ts';
import { analyseLog } from '../bench/log-analysis.ts';

/** A critical section: slot, request, enter, exit (ms), run once on thread 1. */
function cs(slot: number, request: number, enter: number, exit: number, attempts = 1, aborts = 0): CriticalSectionRecord {
  return { slot, thread: 1, request, enter, exit, nominal: Number.NaN, attempts, aborts };
}

describe('analyseLog on synthetic histories', () => {
  it('finds no violation in a serial history and measures waits, holds and handoff gaps', () => {
    const result = analyseLog([cs(0, 0, 0, 10), cs(1, 0, 11, 20), cs(2, 0, 20.5, 30)]);
    expect(result.violations).toBe(0);
    expect(result.waitsMs).toEqual([0, 11, 20.5]);
    expect(result.holdsMs).toEqual([10, 9, 9.5]);
    expect(result.handoffGapsMs).toEqual([1, 0.5]);
  });

  it('flags an overlap, whatever order the slots are in, and names it', () => {
    const result = analyseLog([cs(1, 0, 5, 15), cs(0, 0, 0, 10)]);
    expect(result.violations).toBe(1);
    expect(result.violationExamples[0]).toMatch(/slot 1 .* overlaps slot 0/);
  });

  it('flags a section nested inside a long one even after a short one ended', () => {
    // 0 holds [0, 100]; 1 is inside it; 2 starts after 1 ended but still inside 0.
    const result = analyseLog([cs(0, 0, 0, 100), cs(1, 0, 10, 20), cs(2, 0, 30, 40)]);
    expect(result.violations).toBe(2);
  });

  it('takes no handoff gap when nobody was waiting', () => {
    const result = analyseLog([cs(0, 0, 0, 10), cs(1, 50, 50, 60)]);
    expect(result.handoffGapsMs).toEqual([]);
  });

  it('counts sections that never ran and sections that ran twice', () => {
    const result = analyseLog([cs(0, 0, 0, 10), cs(1, 0, Number.NaN, Number.NaN, 0), cs(2, 0, 20, 30, 2)]);
    expect(result.missing).toBe(1);
    expect(result.repeated).toBe(1);
  });

  it('counts FIFO inversions: a later request that entered first, beyond the 1 ms tolerance', () => {
    // Asked at 0, 5, 10; entered in the order 0, 10, 5: slot 2 overtook slot 1.
    expect(analyseLog([cs(0, 0, 0, 10), cs(1, 5, 20, 30), cs(2, 10, 10, 20)]).inversions).toBe(1);
    // Requests 0.5 ms apart are not ordered.
    expect(analyseLog([cs(0, 0, 10, 20), cs(1, 0.5, 0, 10)]).inversions).toBe(0);
  });

  it('counts aborted attempts apart from commits, and a section that only aborted as missing', () => {
    const result = analyseLog([cs(0, 0, 0, 10, 3, 2), cs(1, 0, Number.NaN, Number.NaN, 1, 1), cs(2, 0, 20, 30)]);
    expect(result.aborts).toBe(3);
    expect(result.maxRetries).toBe(2);
    expect(result.missing).toBe(1);
    expect(result.repeated).toBe(0);
  });
});
