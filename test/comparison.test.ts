/**
 * compare's rules, one at a time, on small reports built here: which settings differ, how rows
 * pair (with and without --force), each figure's change, the ratio of medians' three answers, the
 * regression rule and the geometric means. Every call is inside its test, so that mutation
 * testing sees which test covers which line.
 */
import { describe, expect, it } from 'vitest';
import { compareReports, rowKey, settingDifferences, workloadRatios, type FigureChange, type MatchedRow } from '../bench/reports/comparison.ts';
import type { Report } from '../bench/reports/report.ts';
import type { ResultRow } from '../bench/suites/summary.ts';

const none = { p50: null, p99: null, max: null, samples: 0 };

interface RowOptions {
  readonly workload?: 'ticket-rush' | 'ordered-print';
  readonly runner?: 'threads' | 'processes' | undefined;
  readonly threads?: number;
  readonly tickets?: number;
  readonly verdict?: ResultRow['verdict'];
  readonly waitP50?: number | null;
}

/** A row whose repetitions took `walls` ms; median, min and max from them. */
function row(strategy: string, walls: readonly number[], o: RowOptions = {}): ResultRow {
  const sorted = [...walls].sort((a, b) => a - b);
  const spread = walls.length === 0 ? null : { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
  const built = {
    workload: o.workload ?? 'ticket-rush', strategy, paradigm: '', guarantee: 'mutual exclusion', covered: true, stateLocation: '', latency: 'doc',
    runner: o.runner ?? 'threads', clients: 50, threads: o.threads ?? 2, processes: null, programWallMs: null, clientsPerThread: 25, tickets: o.tickets ?? 1,
    repetitions: walls.length, wallMs: spread,
    throughput: spread === null ? null : { median: 50000 / spread.median, min: 50000 / spread.max, max: 50000 / spread.min },
    cpuMs: null, firstEnterMs: null, slowdown: null, waitMs: { ...none, p50: o.waitP50 === undefined ? 10 : o.waitP50 }, handoffGapMs: none, holdMs: none,
    holdOvershootMs: none, verdict: o.verdict ?? 'correct', linearizable: null, reasons: [], violations: 0, commits: 50, aborts: 0, maxRetries: 0, inversions: 0,
    runs: walls.map((wallMs, i) => ({ repetition: i + 1, verdict: 'correct', reasons: [], wallMs, clientsPerThread: [25, 25], violations: 0, aborts: 0, figures: {} })),
  };
  // Files written before the runner existed have no `runner` field.
  if (o.runner === undefined && 'runner' in o) delete (built as { runner?: string }).runner;
  return built as unknown as ResultRow;
}

function report(rows: ResultRow[], seed = 1): Report {
  const environment = { date: '2026-01-01T00:00:00.000Z', cpu: 'cpu', cores: 2, memoryGiB: 1, os: 'os', node: 'v20', packages: {}, commit: null };
  const settings = { workloads: [], strategies: [], latencies: [], runners: [], clients: null, threads: 2, processes: null, tickets: 1, repeat: 7, seed };
  return { schema: 'sync-bench/results@1', environment, command: '', settings, rows } as unknown as Report;
}

const seven = (center: number) => [0, 1, 2, 3, 4, 5, 6].map((i) => center + i);

function only(comparison: { matched: readonly MatchedRow[] }): MatchedRow {
  expect(comparison.matched).toHaveLength(1);
  return comparison.matched[0] as MatchedRow;
}

describe('settingDifferences', () => {
  it('finds none between runs of the same settings', () => {
    expect(settingDifferences(report([row('flock', [1])]), report([row('flock', [2])]))).toEqual([]);
  });

  it('names each setting that differs, per workload, with every value of each side', () => {
    const base = report([row('flock', [1], { threads: 2 }), row('none', [1], { threads: 4 })]);
    const next = report([row('flock', [1], { threads: 8 }), row('none', [1], { threads: 8 })]);
    expect(settingDifferences(base, next)).toEqual([{ workload: 'ticket-rush', setting: 'threads', base: '2 and 4', next: '8' }]);
  });

  it('counts tickets only for ticket-rush and the seed only for ordered-print', () => {
    const printTickets = settingDifferences(report([row('flock', [1], { workload: 'ordered-print', tickets: 1 })]), report([row('flock', [1], { workload: 'ordered-print', tickets: 9 })]));
    expect(printTickets).toEqual([]);
    const rushSeed = settingDifferences(report([row('flock', [1])], 1), report([row('flock', [1])], 2));
    expect(rushSeed).toEqual([]);
    expect(settingDifferences(report([row('flock', [1], { tickets: 1 })]), report([row('flock', [1], { tickets: 9 })]))).toEqual([{ workload: 'ticket-rush', setting: 'tickets', base: '1', next: '9' }]);
    const printSeed = settingDifferences(report([row('flock', [1], { workload: 'ordered-print' })], 1), report([row('flock', [1], { workload: 'ordered-print' })], 2));
    expect(printSeed).toEqual([{ workload: 'ordered-print', setting: 'seed', base: '1', next: '2' }]);
  });

  it('compares only the workloads both files ran, and reads a row without a runner as threads', () => {
    const base = report([row('flock', [1], { runner: undefined }), row('flock', [1], { workload: 'ordered-print', threads: 2 })]);
    const next = report([row('flock', [1], { runner: 'threads' })]);
    expect(settingDifferences(base, next)).toEqual([]);
    expect(settingDifferences(base, report([row('flock', [1], { runner: 'processes' })]))).toEqual([{ workload: 'ticket-rush', setting: 'runner', base: 'threads', next: 'processes' }]);
  });

  it('sees a value added on one side as a difference', () => {
    const base = report([row('flock', [1], { threads: 2 })]);
    const next = report([row('flock', [1], { threads: 2 }), row('none', [1], { threads: 4 })]);
    expect(settingDifferences(base, next)).toEqual([{ workload: 'ticket-rush', setting: 'threads', base: '2', next: '2 and 4' }]);
  });
});

describe('rowKey', () => {
  it('names the runner only when it is not threads', () => {
    expect(rowKey(row('flock', [1]))).toBe('ticket-rush/doc/50 clients/2 threads/flock');
    expect(rowKey(row('flock', [1], { runner: 'processes' }))).toBe('ticket-rush/doc/processes/50 clients/2 threads/flock');
  });
});

describe('pairing rows', () => {
  const base = report([row('flock', [100], { threads: 2 })]);
  const next = report([row('flock', [120], { threads: 4 })]);

  it('without --force, pairs only rows of the same settings, and lists the others', () => {
    const comparison = compareReports(base, next);
    expect(comparison.matched).toEqual([]);
    expect(comparison.onlyInBase).toEqual(['ticket-rush/doc/50 clients/2 threads/flock']);
    expect(comparison.onlyInNext).toEqual(['ticket-rush/doc/50 clients/4 threads/flock']);
    expect(comparison.forced).toBe(false);
  });

  it('with --force, pairs a row with the one row equal in all but the differing settings, and says how they differ', () => {
    const comparison = compareReports(base, next, { force: true });
    const pair = only(comparison);
    expect(pair.differences).toEqual(['threads 2 → 4']);
    expect(pair.wallMs.changePercent).toBeCloseTo(20);
    expect(comparison.forced).toBe(true);
    expect(comparison.onlyInBase).toEqual([]);
  });

  it('with --force, leaves a row unpaired when two rows could be its partner, or when the partner is of another strategy', () => {
    const two = report([row('flock', [120], { threads: 4 }), row('flock', [130], { threads: 8 })]);
    expect(compareReports(report([row('flock', [100], { threads: 2 })]), two, { force: true }).matched).toEqual([]);
    expect(compareReports(base, report([row('sqlite', [120], { threads: 4 })]), { force: true }).matched).toEqual([]);
  });

  it('with --force, does not pair across a setting in which the runs agree', () => {
    // Threads differ between the files; tickets differ only between each row and its would-be partner.
    const b = report([row('flock', [100], { threads: 2, tickets: 1 }), row('none', [10], { threads: 2, tickets: 5 })]);
    const n = report([row('flock', [100], { threads: 4, tickets: 5 }), row('none', [10], { threads: 4, tickets: 1 })]);
    const comparison = compareReports(b, n, { force: true });
    // As sets of values the files agree on tickets (1 and 5 on both sides), so no row pairs across them.
    expect(comparison.differences.map((d) => d.setting)).toEqual(['threads']);
    expect(comparison.matched).toEqual([]);
    const strict = compareReports(report([row('flock', [100], { threads: 2, tickets: 1 })]), report([row('flock', [100], { threads: 4, tickets: 1 }), row('none', [1], { threads: 4, tickets: 5 })]), { force: true });
    expect(strict.differences.map((d) => d.setting)).toEqual(['threads', 'tickets']);
    expect(only(strict).differences).toEqual(['threads 2 → 4']);
  });

  it('is not "forced" when --force found nothing to force', () => {
    expect(compareReports(base, base, { force: true }).forced).toBe(false);
  });
});

describe('each figure', () => {
  it('gives the change in percent, none when a side is missing or the base is 0', () => {
    const pair = only(compareReports(report([row('flock', [100], { waitP50: 0 })]), report([row('flock', [150], { waitP50: 5 })])));
    expect(pair.wallMs).toEqual({ base: 100, next: 150, changePercent: 50, beyondSpread: true });
    expect(pair.waitP50Ms).toEqual({ base: 0, next: 5, changePercent: null, beyondSpread: false });
    const missing = only(compareReports(report([row('flock', [100], { waitP50: null })]), report([row('flock', [100], { waitP50: 5 })])));
    expect(missing.waitP50Ms).toEqual({ base: null, next: 5, changePercent: null, beyondSpread: false });
    expect(missing.handoffGapP50Ms).toEqual({ base: null, next: null, changePercent: null, beyondSpread: false });
  });

  it('marks a change beyond both spreads in either direction, and not an overlap or a touch', () => {
    const beyond = (b: number[], n: number[]) => only(compareReports(report([row('flock', b)]), report([row('flock', n)]))).wallMs.beyondSpread;
    expect(beyond([100, 110], [111, 120])).toBe(true);
    expect(beyond([100, 110], [90, 99])).toBe(true);
    expect(beyond([100, 110], [110, 120])).toBe(false);
    expect(beyond([100, 110], [90, 100])).toBe(false);
    expect(beyond([100, 110], [105, 106])).toBe(false);
  });

  it('has no wall-time change for a side without figures', () => {
    const pair = only(compareReports(report([row('flock', [])]), report([row('flock', [100])])));
    expect(pair.wallMs).toEqual({ base: null, next: 100, changePercent: null, beyondSpread: false });
  });
});

describe('the ratio of medians per row', () => {
  it('says "no data" when a side has no repetition, and "too few" below 3 repetitions a side, with the ratio', () => {
    const comparison = compareReports(report([row('flock', []), row('none', [10, 10])]), report([row('flock', seven(100)), row('none', [30, 30, 30])]));
    expect(comparison.matched.map((m) => m.change.kind)).toEqual(['no data', 'too few']);
    expect(comparison.matched[1]?.change).toMatchObject({ ratio: 3, repetitions: [2, 3] });
    expect(comparison.slower).toEqual([]);
  });

  it('with 7 a side, gives the ratio with the min–max interval (98.4% a side) and flags a clear change either way', () => {
    const slower = only(compareReports(report([row('flock', seven(100))]), report([row('flock', seven(200))])));
    expect(slower.change).toMatchObject({ kind: 'interval', ratio: 203 / 103, lower: 200 / 106, upper: 206 / 100, flag: 'slower', repetitions: [7, 7] });
    if (slower.change.kind !== 'interval') throw new Error('interval');
    expect(slower.change.coverage).toBeCloseTo((1 - 2 / 128) ** 2, 9);
    expect(slower.change.p).toBeCloseTo(2 / 3432, 9);
    const faster = only(compareReports(report([row('flock', seven(200))]), report([row('flock', seven(100))])));
    expect(faster.change).toMatchObject({ kind: 'interval', flag: 'faster' });
  });

  it('does not flag the same samples, nor a change whose interval reaches inside ±3%', () => {
    expect(only(compareReports(report([row('flock', seven(100))]), report([row('flock', seven(100))]))).change).toMatchObject({ kind: 'interval', flag: null });
    // 4% slower in the medians, but 6% spread: the interval's lower end is below 1.03.
    const wide = only(compareReports(report([row('flock', seven(100))]), report([row('flock', seven(104))])));
    expect(wide.change).toMatchObject({ kind: 'interval', flag: null });
  });

  it('flags on each row alone: one changed row among many is flagged as it would be alone (no correction over rows)', () => {
    const rows = (shift: number) => ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((s, i) => row(s, [0, 1, 2].map((j) => 1000 + j + (i === 0 ? shift : 0))));
    const comparison = compareReports(report(rows(0)), report(rows(100)));
    expect(comparison.slower.map((m) => m.strategy)).toEqual(['a']);
    expect(comparison.faster).toEqual([]);
    expect(comparison.threshold).toBe(0.03);
  });
});

describe('rows that did not converge', () => {
  it('are named per side; rows of files written before the precision rule are not', () => {
    const unconverged = (r: ResultRow, converged: boolean) => ({ ...r, precision: { repetitions: 7, medianMs: 1, lowerMs: 0, upperMs: 2, coverage: 0.98, targetMs: 2, converged } }) as ResultRow;
    const pair = only(compareReports(report([unconverged(row('flock', seven(100)), false)]), report([unconverged(row('flock', seven(100)), true)])));
    expect([pair.baseNotConverged, pair.nextNotConverged]).toEqual([true, false]);
    const old = only(compareReports(report([row('flock', seven(100))]), report([row('flock', seven(100))])));
    expect([old.baseNotConverged, old.nextNotConverged]).toEqual([false, false]);
  });
});

describe('the regression rule', () => {
  it('flags correct → anything else, and nothing else', () => {
    const regressed = (b: ResultRow['verdict'], n: ResultRow['verdict']) => only(compareReports(report([row('flock', [1], { verdict: b })]), report([row('flock', [1], { verdict: n })]))).verdictRegressed;
    expect(regressed('correct', 'incorrect')).toBe(true);
    expect(regressed('correct', 'failed')).toBe(true);
    expect(regressed('correct', 'correct')).toBe(false);
    expect(regressed('incorrect', 'correct')).toBe(false);
    expect(regressed('failed', 'incorrect')).toBe(false);
  });
});

describe('workloadRatios', () => {
  it('gives per workload, in order, the geometric means of new / base, over rows with positive figures only', () => {
    const base = report([row('a', [100]), row('b', [100]), row('c', [100], { workload: 'ordered-print' }), row('d', [])]);
    const next = report([row('a', [200]), row('b', [50]), row('c', [300], { workload: 'ordered-print' }), row('d', [100])]);
    const ratios = compareReports(base, next).ratios;
    expect(ratios.map((r) => [r.workload, r.rows])).toEqual([['ticket-rush', 2], ['ordered-print', 1]]);
    expect(ratios[0]?.wall).toBeCloseTo(1);
    expect(ratios[0]?.throughput).toBeCloseTo(1);
    expect(ratios[1]?.wall).toBeCloseTo(3);
    expect(ratios[1]?.throughput).toBeCloseTo(1 / 3);
    // One repetition a row: no interval, so the mean is not a figure to trust.
    expect(ratios[0]?.wallInterval).toBeNull();
  });

  it('gives the wall mean an interval from the geometric means of the rows\' interval ends', () => {
    const base = report([row('a', [100, 100, 100]), row('b', [100, 110, 120])]);
    const next = report([row('a', [200, 200, 200]), row('b', [50, 55, 60])]);
    const [ratio] = compareReports(base, next).ratios;
    expect(ratio?.wall).toBeCloseTo(Math.sqrt(2 * 0.5));
    expect(ratio?.wallInterval?.lower).toBeCloseTo(Math.sqrt(2 * (50 / 120)));
    expect(ratio?.wallInterval?.upper).toBeCloseTo(Math.sqrt(2 * (60 / 100)));
  });

  it('leaves out a workload with no row to compare, and rows with a zero figure', () => {
    const change: FigureChange = { base: 0, next: 10, changePercent: null, beyondSpread: false };
    const ok: FigureChange = { base: 10, next: 20, changePercent: 100, beyondSpread: false };
    const m = (wallMs: FigureChange, throughput: FigureChange) => ({ workload: 'w', wallMs, throughput, change: { kind: 'no data' } }) as unknown as MatchedRow;
    expect(workloadRatios([m(change, ok)])).toEqual([]);
    expect(workloadRatios([m(ok, change)])).toEqual([]);
    expect(workloadRatios([m({ ...ok, next: 0 }, ok)])).toEqual([]);
    expect(workloadRatios([m(ok, { ...ok, next: 0 })])).toEqual([]);
    expect(workloadRatios([m(ok, ok)])).toEqual([{ workload: 'w', rows: 1, wall: 2, throughput: 2, wallInterval: null }]);
  });
});
