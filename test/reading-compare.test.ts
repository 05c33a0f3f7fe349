/**
 * `npm run compare` knows noise and can fail: each row's ratio of medians with an interval from its
 * own repetitions, flagged beyond the noise threshold with no correction over rows (checked on the
 * committed suite with one row slowed), a geometric mean per workload with an interval; runs with
 * different settings refused; missing rows, empty files and foreign files are errors, not zeros.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wilcoxonRankSum } from 'simple-statistics';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../bench/commands/compare.ts';
import { compareReports, NOISE_THRESHOLD } from '../bench/reports/comparison.ts';
import { loadResults } from '../bench/reports/results-file.ts';
import { holm, mannWhitneyU, midRanks, repetitionsNeeded, smallestP } from '../bench/reports/rank-test.ts';
import type { Report } from '../bench/reports/report.ts';
import type { ResultRow } from '../bench/suites/summary.ts';
import { answerTo } from './helpers/in-process.ts';
import { killRunningCommands, runCommand } from './helpers/run-command.ts';

describe('the Mann-Whitney U test', () => {
  // Expected p-values from scipy.stats.mannwhitneyu 1.17 (two-sided; method "exact" without ties,
  // "asymptotic" for the large sample) and, with ties, from enumerating all 126 splits by hand.
  it.each([
    [[1, 2, 3], [4, 5, 6], 0.1],
    [[1, 2, 3, 4], [5, 6, 7, 8], 0.028571428571],
    [[1, 5, 3, 8, 2], [4, 6, 7, 9, 10], 0.095238095238],
    [[5256, 5254, 5277], [5250, 5240, 5295], 0.7],
    [[1, 2, 2, 3], [2, 3, 4, 4, 5], 0.087301587302],
  ])('%j against %j: p = %f (exact)', (x, y, p) => {
    const test = mannWhitneyU(x, y);
    expect(test.method).toBe('exact');
    expect(test.p).toBeCloseTo(p, 9);
  });

  it('uses the normal approximation, with ties and continuity corrected, on large samples', () => {
    const x = Array.from({ length: 40 }, (_, i) => (i * 1.1) % 7);
    const y = Array.from({ length: 30 }, (_, i) => ((i * 0.9) % 5) + 1);
    const test = mannWhitneyU(x, y);
    expect(test.method).toBe('normal');
    expect(test.u).toBe(607);
    expect(test.p).toBeCloseTo(0.9385072345850507, 6);
  });

  it('ranks as simple-statistics does (mid-ranks for ties)', () => {
    const [x, y] = [[3, 1, 4, 1, 5], [9, 2, 6, 5, 3, 5]];
    const ranks = midRanks([...x, ...y]);
    expect(ranks.slice(0, x.length).reduce((a, b) => a + b, 0)).toBe(wilcoxonRankSum(x, y));
  });

  it('knows the smallest p-value it can give, and the repetitions α needs', () => {
    expect(smallestP(3, 3)).toBeCloseTo(0.1);
    expect(smallestP(4, 4)).toBeCloseTo(2 / 70);
    expect(repetitionsNeeded(0.05)).toBe(4);
    expect(repetitionsNeeded(0.05 / 24)).toBe(7);
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
  });
});

const none = { p50: null, p99: null, max: null, samples: 0 };

interface RowOptions {
  readonly workload?: 'ticket-rush' | 'ordered-print';
  readonly latency?: 'doc' | 'zero';
  readonly threads?: number;
  readonly verdict?: ResultRow['verdict'];
}

function row(strategy: string, walls: readonly number[], o: RowOptions = {}): ResultRow {
  const sorted = [...walls].sort((a, b) => a - b);
  const spread = { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
  return {
    workload: o.workload ?? 'ticket-rush', strategy, paradigm: '', guarantee: 'mutual exclusion', covered: true, stateLocation: '', latency: o.latency ?? 'doc', clients: 50,
    threads: o.threads ?? 2, clientsPerThread: 25, tickets: 1, repetitions: walls.length, wallMs: spread,
    throughput: { median: 50000 / spread.median, min: 50000 / spread.max, max: 50000 / spread.min }, cpuMs: null, firstEnterMs: null, slowdown: null,
    waitMs: { ...none, p50: 10 }, handoffGapMs: none, holdMs: none, holdOvershootMs: none, verdict: o.verdict ?? 'correct', reasons: [], violations: 0,
    commits: 50, aborts: 0, maxRetries: 0, inversions: 0,
    runs: walls.map((wallMs, i) => ({ repetition: i + 1, verdict: 'correct', reasons: [], wallMs, clientsPerThread: [25, 25], violations: 0, aborts: 0, figures: {} })),
  } as unknown as ResultRow;
}

function report(rows: ResultRow[]): Report {
  const environment = { date: '2026-01-01T00:00:00.000Z', cpu: 'cpu', cores: 2, memoryGiB: 1, os: 'os', node: 'v20', packages: {}, commit: null };
  const settings = { workloads: [], strategies: [], latencies: [], clients: null, threads: 2, tickets: 1, repeat: 3, seed: 1 };
  return { schema: 'sync-bench/results@1', environment, command: '', settings, rows } as unknown as Report;
}

/** n repetitions spread evenly over ±1% of `center`, shifted by `phase` tenths of a step: other phases' values interleave with them. */
const around = (center: number, n: number, phase = 0) => Array.from({ length: n }, (_, i) => center * (1 + (i + phase / 10 - n / 2) / (50 * n)));

/** 24 rows, as many as the default suite: two workloads, two profiles, six strategies. */
const strategies = ['none', 'file-lock', 'atomics-mutex', 'message-channel', 'queue-owner', 'optimistic'];
function suite(n: number, phase: number, slower: string | null = null): ResultRow[] {
  return (['ticket-rush', 'ordered-print'] as const).flatMap((workload) =>
    (['doc', 'zero'] as const).flatMap((latency) =>
      strategies.map((s, k) => row(s, around((100 + k) * (s === slower && workload === 'ticket-rush' && latency === 'doc' ? 1.2 : 1), n, phase), { workload, latency })),
    ),
  );
}

describe('compareReports: the ratio of medians against the noise threshold', () => {
  it('with 3 repetitions a side finds the one row that is 20% slower among 24, and only it', () => {
    const c = compareReports(report(suite(3, 0)), report(suite(3, 1, 'file-lock')));
    expect(c.matched).toHaveLength(24);
    expect(c.slower.map((m) => m.key)).toEqual(['ticket-rush/doc/50 clients/2 threads/file-lock']);
    expect(c.faster).toEqual([]);
    expect(c.threshold).toBe(NOISE_THRESHOLD);
  });

  it('an A/A pair of 7 a side flags nothing', () => {
    const c = compareReports(report(suite(7, 0)), report(suite(7, 3)));
    expect([...c.slower, ...c.faster]).toEqual([]);
    expect(c.matched.every((m) => m.change.kind === 'interval')).toBe(true);
  });

  it('gives the geometric mean of new / base per workload', () => {
    const c = compareReports(report([row('none', [100]), row('file-lock', [200])]), report([row('none', [110]), row('file-lock', [180])]));
    const [ratio] = c.ratios;
    expect(ratio?.rows).toBe(2);
    expect(ratio?.wall).toBeCloseTo(Math.sqrt(1.1 * 0.9), 9);
    expect(ratio?.throughput).toBeCloseTo(Math.sqrt((1 / 1.1) * (1 / 0.9)), 9);
  });
});

/** The committed default suite, with every completed repetition of the rows `which` picks multiplied by `factor`. */
function committedWith(factor: number, which: (r: ResultRow) => boolean): Report {
  const copy = structuredClone(loadResults(fileURLToPath(new URL('../results/default-suite.json', import.meta.url))));
  for (const r of copy.rows.filter(which)) {
    for (const run of r.runs) if (typeof run.wallMs === 'number') (run as { wallMs: number }).wallMs = run.wallMs * factor;
  }
  return copy;
}

const flockThreadsDoc = (r: ResultRow) => r.workload === 'ticket-rush' && r.latency === 'doc' && (r.runner ?? 'threads') === 'threads' && r.strategy === 'flock';

describe('compare on the committed suite (results/default-suite.json)', () => {
  const committed = committedWith(1, () => false);

  it('the unaltered file against itself flags nothing', () => {
    const c = compareReports(committed, committedWith(1, () => false));
    expect(c.matched.length).toBeGreaterThan(100);
    expect([...c.slower, ...c.faster]).toEqual([]);
  });

  it('flock / threads / ticket-rush / doc with every repetition doubled is flagged slower, and only it', () => {
    const c = compareReports(committed, committedWith(2, flockThreadsDoc));
    expect(c.slower.map((m) => m.key)).toEqual(['ticket-rush/doc/50 clients/2 threads/flock']);
    expect(c.slower[0]?.change).toMatchObject({ kind: 'interval', flag: 'slower' });
    expect(c.faster).toEqual([]);
  });

  it('the same row 5% slower (a 5.2 s row with a 0.2% spread) is flagged too, and 5% faster is flagged faster', () => {
    const spread = committed.rows.find(flockThreadsDoc)?.wallMs;
    expect(spread !== null && spread !== undefined && (spread.max - spread.min) / spread.median).toBeLessThan(0.01);
    expect(compareReports(committed, committedWith(1.05, flockThreadsDoc)).slower.map((m) => m.strategy)).toEqual(['flock']);
    expect(compareReports(committed, committedWith(1 / 1.05, flockThreadsDoc)).faster.map((m) => m.strategy)).toEqual(['flock']);
  });

  it('1% slower, inside the noise threshold, is not flagged', () => {
    const c = compareReports(committed, committedWith(1.01, flockThreadsDoc));
    expect([...c.slower, ...c.faster]).toEqual([]);
  });
});

describe('npm run compare', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sync-bench-reading-compare-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(killRunningCommands);
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  // The command's main in this process (it reads two files, nothing more), on a terminal 100 columns wide.
  const compare = (...args: string[]) => answerTo(main, args, { COLUMNS: '100' });

  it('an A/A pair: nothing flagged, exit 0, the threshold stated in the legend, a geometric mean per workload with its interval', async () => {
    const { code, stdout } = await compare(file('aa-base.json', report(suite(7, 0))), file('aa-new.json', report(suite(7, 2))));
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/\* (slower|faster) \d/);
    expect(stdout.replace(/\s+/g, ' ')).toMatch(/the whole interval lies beyond the noise threshold of ±3% \(above 1\.03 or below 0\.97\)/);
    expect(stdout.replace(/\s+/g, ' ')).toMatch(/no correction over rows/);
    expect(stdout).toMatch(/^ticket-rush: geometric mean of new \/ base over 12 rows: wall 1\.0\d\d× \[0\.9\d\d–1\.0\d\d\]/m);
  });

  it('the committed suite with one row doubled: exit 1, the row named on stderr; against itself: exit 0', async () => {
    const committed = fileURLToPath(new URL('../results/default-suite.json', import.meta.url));
    const doubled = await compare(committed, file('doubled.json', committedWith(2, flockThreadsDoc)));
    expect(doubled.code).toBe(1);
    expect(doubled.stderr).toMatch(/slower beyond the noise threshold: ticket-rush\/doc\/50 clients\/2 threads\/flock \(\* slower 2\.000× \[1\.9\d\d–2\.0\d\d\]/);
    expect(doubled.stdout).toMatch(/^slower beyond the noise threshold \(±3%\):$/m);
    const same = await compare(committed, committed);
    expect(same.code).toBe(0);
    expect(same.stdout).not.toMatch(/\* (slower|faster) \d/);
  });

  it('in a process of its own: the committed suite with one row doubled exits 1, naming the row', async () => {
    const committed = fileURLToPath(new URL('../results/default-suite.json', import.meta.url));
    const doubled = await runCommand('bench/commands/compare.ts', [committed, file('doubled-process.json', committedWith(2, flockThreadsDoc))], { env: { COLUMNS: '100' } });
    expect(doubled.code).toBe(1);
    expect(doubled.stderr).toMatch(/slower beyond the noise threshold: ticket-rush\/doc\/50 clients\/2 threads\/flock \(\* slower 2\.000× \[1\.9\d\d–2\.0\d\d\]/);
    expect(doubled.stdout).toMatch(/^slower beyond the noise threshold \(±3%\):$/m);
  });

  it('a row flagged faster alone: exit 0', async () => {
    const { code, stdout } = await compare(file('slow.json', report([row('none', [200, 201, 202])])), file('fast.json', report([row('none', [100, 101, 102])])));
    expect(code).toBe(0);
    expect(stdout).toMatch(/\* faster 0\.502×/);
  });

  it('runs with different settings: exit 2, one line listing each difference; --force compares them, marked on every line', async () => {
    const base = file('threads-2.json', report([row('none', [100, 101, 102]), row('file-lock', [200, 201, 202])]));
    const next = file('threads-4.json', report([row('none', [100, 101, 102], { threads: 4 }), row('file-lock', [200, 201, 202], { threads: 4 })]));
    const refused = await compare(base, next);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/settings differ \(ticket-rush threads: base 2, new 4\).*--force/);
    const forced = await compare(base, next, '--force');
    expect(forced.code).toBe(0);
    // Every line of every row, in every block, carries the mark (the forced column is repeated like the strategy).
    const lines = forced.stdout.split('\n').filter((l) => /^│ (none|file-lock) /.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toContain('FORCED');
    expect(forced.stdout.replace(/[│\s]+/g, ' ')).toContain('threads 2 → 4');
  });

  it('no matching row, a base row missing from the new file, and a new file without rows: exit 1, said on stderr', async () => {
    const base = file('two.json', report([row('none', [100]), row('file-lock', [200])]));
    const missing = await compare(base, file('one.json', report([row('none', [100])])));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing from the new file: ticket-rush/doc/50 clients/2 threads/file-lock');
    const disjoint = await compare(base, file('other.json', report([row('optimistic', [100])])));
    expect(disjoint.code).toBe(1);
    expect(disjoint.stderr).toMatch(/no row of .*two\.json matches a row of .*other\.json/);
    const empty = await compare(base, file('empty.json', report([])));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/empty\.json has no rows/);
  });

  it.each([
    ['a fault table', { schema: 'sync-bench/faults@1', rows: [] }, /is a fault table \(npm run bench -- --fault\), "schema": "sync-bench\/faults@1", not a results file/],
    ['null', null, /is not a results file/],
    ['a row that is not an object', { schema: 'sync-bench/results@1', rows: [null] }, /row 1 is null, not an object/],
    ['a row without a workload', { schema: 'sync-bench/results@1', rows: [{}] }, /row 1 has no "workload"/],
    ['a row whose wall time is text', { schema: 'sync-bench/results@1', rows: [{ ...row('none', [1]), wallMs: 'fast' }] }, /row 1 has "wallMs": "fast" \(expected \{ median, min, max \} or null\)/],
    ['not JSON', '{"schema": ', /cannot read .* as JSON/],
  ])('%s: one line and exit 2, never a TypeError', async (_, content, message) => {
    const path = file('foreign.json', content);
    for (const args of [[path, path], [file('good.json', report([row('none', [1])])), path]]) {
      const { code, stdout, stderr } = await compare(...args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    }
  });
});
