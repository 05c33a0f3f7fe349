/**
 * The estimate a bare `npm run bench` prints before it starts (`bench/suites/suite-estimate.ts`):
 * the rows it counts are those the suite runs, and the notice says what will be rewritten.
 */
import { describe, expect, it } from 'vitest';
import { defaultSuiteNotice, parse } from '../bench/commands/bench.ts';
import { CONVERGES_FROM } from '../bench/suites/precision.ts';
import { estimateSuite, REFERENCE_REPETITION_S, REPETITION_S } from '../bench/suites/suite-estimate.ts';
import type { SuiteSettings } from '../bench/suites/suite.ts';

describe('the suite estimate', () => {
  it('counts the rows each runner can serve, at the fewest repetitions that can converge and at the cap, with the reference program', () => {
    const estimate = estimateSuite({ workloads: ['ticket-rush'], strategies: ['flock', 'atomics-mutex'], latencies: ['doc'], runners: ['threads', 'processes'], repeat: 7, skipped: {} });
    // atomics-mutex cannot serve processes.
    expect(estimate).toMatchObject({ rows: 3, notRun: 1 });
    const round = 2 * REPETITION_S['ticket-rush doc threads'] + REPETITION_S['ticket-rush doc processes'];
    expect(estimate.fewestS).toBeCloseTo(CONVERGES_FROM * round + 7 * REFERENCE_REPETITION_S['ticket-rush']);
    expect(estimate.mostS).toBeCloseTo(7 * round + 7 * REFERENCE_REPETITION_S['ticket-rush']);
    expect(estimate.fewestS).toBeLessThan(estimate.mostS);
  });

  it('leaves out skipped strategies, and the reference program without processes at doc', () => {
    const estimate = estimateSuite({ workloads: ['ordered-print'], strategies: ['flock', 'redis-lease'], latencies: ['zero'], runners: ['threads'], repeat: 4, skipped: { 'redis-lease': 'no server' } });
    expect(estimate).toMatchObject({ rows: 1, notRun: 1 });
    expect(estimate.fewestS).toBeCloseTo(4 * REPETITION_S['ordered-print zero threads']);
    expect(estimate.mostS).toBeCloseTo(4 * REPETITION_S['ordered-print zero threads']);
  });

  it('every measured group has a cost', () => {
    for (const [group, seconds] of Object.entries(REPETITION_S)) if (!group.startsWith('noop')) expect(seconds, group).toBeGreaterThan(0);
  });
});

describe('the notice of a bare npm run bench', () => {
  it('says it runs the whole suite, how long that is estimated to take, and that it rewrites results/, within the width', () => {
    const parsed = parse([]);
    if (parsed.mode !== 'suite') throw new Error('a bare command line is a suite');
    expect(parsed.isDefault).toBe(true);
    const suite: SuiteSettings = { ...parsed.suite, skipped: {} };
    const notice = defaultSuiteNotice(suite, 80);
    const { fewestS, mostS, rows } = estimateSuite(suite);
    const flat = notice.replace(/\n/g, ' ');
    expect(flat).toContain('runs the whole default suite');
    expect(flat).toContain(`${rows} rows`);
    // At the default cap (6, the fewest that can converge) the two ends meet: one figure, not "38–38".
    const [low, high] = [Math.round(fewestS / 60), Math.round(mostS / 60)];
    expect(flat).toContain(low === high ? `Estimated time: about ${low} min` : `Estimated time: ${low}–${high} min`);
    expect(flat).not.toMatch(/(\d+)–\1 min/);
    expect(flat).toContain('rewrites results/default-suite.md');
    for (const line of notice.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
