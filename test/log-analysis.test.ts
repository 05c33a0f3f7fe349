import { describe, expect, it } from 'vitest';
import type { CriticalSectionRecord } from '../bench/evidence/event-log.ts';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { jainIndex } from '../bench/evidence/fairness.ts';
import { analyseLog, arrivalInversions, ORDER_TOLERANCE_MS } from '../bench/evidence/log-analysis.ts';
import { measureWindow } from '../bench/evidence/window.ts';

/** A critical section: slot, request, enter, exit (ms), run once on thread 1. */
function cs(slot: number, request: number, enter: number, exit: number, attempts = 1, aborts = 0): CriticalSectionRecord {
  return { slot, client: slot, thread: 1, request, enter, exit, nominal: Number.NaN, attempts, aborts, input: 0, body: 1, complete: exit, outcome: 1 };
}

describe('analyseLog at the edges', () => {
  it('a section that enters exactly when the previous one exits is a handoff of 0 ms, not a violation', () => {
    const result = analyseLog([cs(0, 0, 0, 10), cs(1, 5, 10, 20)]);
    expect(result.violations).toBe(0);
    expect(result.handoffGapsMs).toEqual([0]);
  });

  it('a request made exactly at the previous exit still waited for it: its gap counts', () => {
    expect(analyseLog([cs(0, 0, 0, 10), cs(1, 10, 10.5, 20)]).handoffGapsMs).toEqual([0.5]);
  });

  it('measures hold over nominal as exit − enter − nominal, only where a nominal was stamped', () => {
    const withNominal = { ...cs(0, 0, 2, 10), nominal: 5 };
    const result = analyseLog([withNominal, cs(1, 0, 11, 12)]);
    expect(result.holdOvershootsMs).toEqual([3]);
    expect(result.waitsMs).toEqual([2, 11]);
  });

  it('judges only sections that committed and have both stamps: an aborted-only or never-entered one is missing, not a violation', () => {
    const aborted = cs(1, 0, Number.NaN, Number.NaN, 1, 1);
    const result = analyseLog([cs(0, 0, 0, 10), aborted, cs(2, 0, 1, 5)]);
    expect(result.violations).toBe(1);
    expect(result.missing).toBe(1);
    expect(result.holdsMs).toEqual([10, 4]);
  });

  it('keeps at most three examples of violations, however many there are', () => {
    const result = analyseLog([cs(0, 0, 0, 100), ...Array.from({ length: 5 }, (_, i) => cs(i + 1, 0, i + 1, i + 2))]);
    expect(result.violations).toBe(5);
    expect(result.violationExamples).toHaveLength(3);
  });

  it('the latest exit so far is the holder: a short section inside a long one does not hide a later overlap', () => {
    expect(analyseLog([cs(0, 0, 0, 100), cs(1, 0, 10, 20), cs(2, 0, 50, 60)]).violations).toBe(2);
  });
});

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

  it('counts FIFO inversions exactly like the pairwise definition, ties included', () => {
    const rng = xoroshiro128plus(7);
    for (let trial = 0; trial < 50; trial++) {
      // Requests and enters on a coarse grid, so ties and near-ties (within 1 ms) are common.
      const records = Array.from({ length: 60 }, (_, slot) => {
        const request = uniformInt(rng, 0, 40) / 2;
        return cs(slot, request, request + uniformInt(rng, 0, 40) / 2, 1000);
      });
      let pairwise = 0;
      for (const a of records) for (const b of records) if (b.request - a.request > ORDER_TOLERANCE_MS && b.enter < a.enter) pairwise++;
      expect(analyseLog(records).inversions).toBe(pairwise);
    }
  });
});

describe('arrivalInversions: the departures from arrival order a verdict judges', () => {
  // Clients 0–2 on thread 1, 3 on thread 2; client 4's thread is unknown.
  const thread = (client: number) => (client < 3 ? 1 : client === 3 ? 2 : undefined);

  it('counts a later request of the same thread that entered first, however close the requests, and names it', () => {
    const found = arrivalInversions([cs(0, 0, 30, 40), cs(1, 0.001, 10, 20)], thread);
    expect(found.count).toBe(1);
    expect(found.examples).toEqual(['client 1 asked 0.001 ms after client 0 on its thread and entered 20.000 ms before it']);
    expect(arrivalInversions([cs(0, 0, 30, 40), cs(1, 3, 10, 20), cs(2, 4, 5, 8)], thread).count).toBe(3);
  });

  it('leaves out other threads, unknown threads, equal requests, uncommitted sections and in-order pairs', () => {
    expect(arrivalInversions([cs(0, 0, 30, 40), cs(3, 3, 10, 20)], thread).count).toBe(0);
    expect(arrivalInversions([cs(4, 0, 30, 40), cs(1, 3, 10, 20)], thread).count).toBe(0);
    expect(arrivalInversions([cs(0, 5, 30, 40), cs(1, 5, 10, 20)], thread).count).toBe(0);
    expect(arrivalInversions([cs(0, 0, 30, 40, 1, 1), cs(1, 3, 10, 20)], thread).count).toBe(0);
    expect(arrivalInversions([cs(0, 0, Number.NaN, Number.NaN, 0), cs(1, 3, 10, 20)], thread).count).toBe(0);
    expect(arrivalInversions([cs(0, 0, 10, 20), cs(1, 3, 30, 40)], thread)).toEqual({ count: 0, examples: [] });
  });

  it('keeps at most three examples, and each names a pair that is inverted', () => {
    const stack = Array.from({ length: 8 }, (_, i) => cs(i % 3, i, 100 - 10 * i, 105 - 10 * i));
    const found = arrivalInversions(stack, thread);
    expect(found.examples).toHaveLength(3);
    for (const example of found.examples) expect(example).toMatch(/^client \d asked \d+\.\d{3} ms after client \d on its thread and entered \d+\.\d{3} ms before it$/);
  });

  it('counts exactly like the pairwise definition, per thread, ties included', () => {
    const rng = xoroshiro128plus(11);
    for (let trial = 0; trial < 50; trial++) {
      const records = Array.from({ length: 60 }, (_, slot) => {
        const request = uniformInt(rng, 0, 40) / 2;
        return { ...cs(slot, request, request + uniformInt(rng, 0, 40) / 2, 1000), client: uniformInt(rng, 0, 5) };
      });
      const threadOf = (client: number) => (client === 5 ? undefined : client % 2);
      let pairwise = 0;
      for (const a of records) {
        for (const b of records) {
          const t = threadOf(a.client);
          if (t !== undefined && t === threadOf(b.client) && a.request < b.request && b.enter < a.enter) pairwise++;
        }
      }
      const found = arrivalInversions(records, threadOf);
      expect(found.count).toBe(pairwise);
      expect(found.examples.length).toBeLessThanOrEqual(3);
      expect(found.examples.length > 0).toBe(pairwise > 0);
    }
  });
});

describe("Jain's fairness index", () => {
  it('is 1 for an even split, 1/n for one taker, and null when nobody took anything', () => {
    expect(jainIndex([5, 5, 5, 5])).toBe(1);
    expect(jainIndex([8, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([3, 1])).toBeCloseTo(16 / 20, 12);
    expect(jainIndex([0, 0])).toBeNull();
    expect(jainIndex([])).toBeNull();
  });
});

describe('the measurement window of a timed run', () => {
  const r = (slot: number, client: number, request: number, enter: number, exit: number): CriticalSectionRecord => ({
    ...cs(slot, request, enter, exit),
    client,
  });
  // Window (10, 20]. Client 0 (thread 1) and client 1 (thread 2).
  const records = [
    r(0, 0, 0, 1, 2), // warm-up: not counted
    r(1, 1, 5, 12, 13), // waited into the window: its wait counts, its exit counts
    r(2, 0, 14, 14, 15),
    r(3, 0, 16, 16, 17),
    r(4, 1, 19, 22, 23), // requested in the window, exits after it: wait counts, exit does not
    r(5, 0, 25, 25, 26), // drain: not counted
  ];

  it('counts exits inside the window per client and per thread, and waits that overlap it', () => {
    const w = measureWindow(records, 10, 20, [1, 2]);
    expect(w.commits).toBe(3);
    expect(w.throughput).toBe(300);
    expect(w.perClient).toEqual([2, 1]);
    expect(w.perThread).toEqual([2, 1]);
    expect(w.waitsMs).toEqual([7, 0, 0, 3]);
    // Two and one acquisitions: too few for a fairness index.
    expect(w.jainClients).toBeNull();
    expect(w.jainThreads).toBeNull();
  });

  it("gives Jain's index from enough acquisitions, per client of each thread", () => {
    // Clients 0 and 1 on thread 1, client 2 on thread 2; 20 sections each, all inside (0, 100].
    const even = Array.from({ length: 60 }, (_, slot) => r(slot, slot % 3, slot, slot + 0.1, slot + 0.2));
    const w = measureWindow(even, 0, 100, [1, 1, 2]);
    expect(w.perClient).toEqual([20, 20, 20]);
    expect(w.perThread).toEqual([40, 20]);
    expect(w.jainClients).toBe(1);
    // 40 over 2 clients and 20 over 1 client: even per client, so not unfair.
    expect(w.jainThreads).toBe(1);
    // Client 2 starved: 40 of 60 slots to clients 0 and 1 only.
    const starved = even.map((x) => (x.client === 2 ? { ...x, client: x.slot % 2 } : x));
    const u = measureWindow(starved, 0, 100, [1, 1, 2]);
    expect(u.perClient).toEqual([30, 30, 0]);
    expect(u.jainClients).toBeCloseTo(2 / 3, 12);
  });
});
