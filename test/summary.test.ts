/** The verdict of a row is its worst repetition's, judged from each run's problems: never "correct" for a bad run. */
import { describe, expect, it } from 'vitest';
import type { CompletedRun, RunResult, RunSettings } from '../bench/runners/run.ts';
import { percentiles, summarise, withSlowdowns, worstOf, type ResultRow } from '../bench/suites/summary.ts';
import { violationsCell } from '../bench/reports/columns.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';

const settings: RunSettings = { workload: 'ticket-rush', strategy: 'file-lock', clients: 2, threads: 1, tickets: 1, latency: latencyProfiles.zero, seed: 1, staggerMs: 0, fault: null };

function run(problems: string[], linearizable: 'yes' | 'no' | 'unknown' = 'yes', wallMs = 10): CompletedRun {
  return {
    status: 'completed',
    runner: 'threads',
    programWallMs: wallMs + 5,
    workDir: '',
    wallMs,
    cpuMs: 1,
    firstEnterMs: 0,
    firstRequestMs: 0,
    clientsPerThread: [2],
    log: { violations: problems.length, violationExamples: [], missing: 0, repeated: 0, aborts: 0, maxRetries: 0, waitsMs: [1, 2], holdsMs: [1], holdOvershootsMs: [0], handoffGapsMs: [0.5], inversions: 0 },
    check: { figures: { workload: 'ticket-rush', sold: 1, oversold: 0, finalCount: 0, lostUpdates: 0, tornReads: 0, tornReadsInside: 0 }, problems: [] },
    fault: null,
    window: null,
    linearizable: { verdict: linearizable, operations: 2, window: [], checkMs: 0, history: [[0, 1, 2, 'bought'], [1, 1.5, 3, linearizable === 'no' ? 'bought' : 'sold out']] },
    history: null,
    problems,
  };
}
const failed: RunResult = { status: 'failed', workDir: '', error: 'no progress for 10 s' };

describe('summarise', () => {
  it('is correct only when every repetition is', () => {
    expect(summarise(settings, [run([]), run([])]).verdict).toBe('correct');
    const row = summarise(settings, [run([]), run(['1 mutual-exclusion violations']), run([])]);
    expect(row.verdict).toBe('incorrect');
    expect(row.reasons).toEqual(['1 mutual-exclusion violations']);
    expect(row.violations).toBe(1);
  });

  it('takes a failed repetition as the worst, before an incorrect one', () => {
    const row = summarise(settings, [run(['2 oversold']), failed, run([])]);
    expect(row.verdict).toBe('failed');
    expect(row.reasons).toEqual(['no progress for 10 s']);
  });

  it('among incorrect repetitions, reports the one with the most reasons', () => {
    expect(worstOf([{ verdict: 'incorrect', reasons: ['a'] }, { verdict: 'incorrect', reasons: ['a', 'b'] }, { verdict: 'correct', reasons: [] }])?.reasons).toEqual(['a', 'b']);
  });

  it('is "not applicable" with its reason, and no figures, when nothing could run', () => {
    const row = summarise({ ...settings, runner: 'processes' }, [], 'not applicable to processes: why');
    expect(row).toMatchObject({ verdict: 'not applicable', reasons: ['not applicable to processes: why'], wallMs: null, linearizable: null });
  });

  it('keeps the history of the first repetition that is not linearizable, else unknown, else the first', () => {
    expect(summarise(settings, [run([], 'yes'), run([], 'no'), run([], 'no')]).history).toMatchObject({ repetition: 2, tickets: 1 });
    expect(summarise(settings, [run([], 'yes'), run([], 'unknown')]).history?.repetition).toBe(2);
    expect(summarise(settings, [failed, run([], 'yes')]).history?.repetition).toBe(2);
    expect(summarise(settings, [failed]).history).toBeNull();
  });

  it('folds linearizability: no before unknown before yes', () => {
    expect(summarise(settings, [run([], 'yes'), run([], 'unknown')]).linearizable).toBe('unknown');
    expect(summarise(settings, [run([], 'unknown'), run([], 'no'), run([], 'yes')]).linearizable).toBe('no');
    expect(summarise(settings, [run([], 'yes')]).linearizable).toBe('yes');
  });

  it('gives wall and throughput as median with min and max over repetitions', () => {
    const row = summarise(settings, [run([], 'yes', 10), run([], 'yes', 30), run([], 'yes', 20)]);
    expect(row.wallMs).toEqual({ median: 20, min: 10, max: 30 });
    expect(row.throughput).toEqual({ median: 100, min: 2 / 0.03, max: 200 });
  });
});

describe('the violations figure and why it is missing', () => {
  const cell = (row: ResultRow) => violationsCell(row);

  it('is the worst repetition\'s count for a lock', () => {
    expect(cell(summarise(settings, [run([]), run(['a', 'b'])]))).toBe('2');
  });

  it('says why it is missing: optimistic, in a server, a failed worst repetition, a row not run', () => {
    const optimistic = summarise({ ...settings, strategy: 'optimistic' }, [run([])]);
    expect([optimistic.violationsNote, cell(optimistic)]).toEqual(['optimistic', 'n/a: optimistic']);
    const server = summarise({ ...settings, strategy: 'pg-update' }, [run([])]);
    expect([server.violationsNote, cell(server)]).toEqual(['in server', 'n/a: in server']);
    const failedRow = summarise(settings, [run([]), failed]);
    expect([failedRow.violations, failedRow.violationsNote, cell(failedRow)]).toEqual([null, 'failed', '–']);
    const notRun = summarise({ ...settings, strategy: 'optimistic', runner: 'processes' }, [], 'not applicable to processes: why');
    expect([notRun.violationsNote, cell(notRun)]).toEqual(['not run', '–']);
    expect(summarise(settings, [run([])]).violationsNote).toBeNull();
  });

  it('reads a row written before the note existed as before: serializable commits had none on purpose', () => {
    const { violationsNote: _, ...old } = summarise({ ...settings, strategy: 'optimistic' }, [run([])]);
    expect(cell(old)).toBe('n/a: optimistic');
    const { violationsNote: __, ...oldFailed } = summarise(settings, [failed]);
    expect(cell(oldFailed)).toBe('–');
  });
});

describe('covered: whether a strategy promises what the workload needs', () => {
  it('a mutual-exclusion strategy covers both workloads; serializable commits cover ticket-rush only; none covers nothing', () => {
    expect(summarise(settings, [run([])]).covered).toBe(true);
    expect(summarise({ ...settings, workload: 'ordered-print' }, [run([])]).covered).toBe(true);
    expect(summarise({ ...settings, strategy: 'optimistic' }, [run([])]).covered).toBe(true);
    expect(summarise({ ...settings, strategy: 'optimistic', workload: 'ordered-print' }, [run([])]).covered).toBe(false);
    expect(summarise({ ...settings, strategy: 'none' }, [run([])]).covered).toBe(false);
  });

  it('says where the clients ran: the threads runner has no processes, the processes runner one per client by default', () => {
    expect(summarise(settings, [run([])])).toMatchObject({ runner: 'threads', processes: null });
    expect(summarise({ ...settings, runner: 'processes', clients: 4 }, [run([])])).toMatchObject({ runner: 'processes', processes: 4, clientsPerThread: 1 });
    expect(summarise({ ...settings, runner: 'processes', clients: 4, processes: 2 }, [run([])])).toMatchObject({ processes: 2, clientsPerThread: 2 });
  });
});

describe('withSlowdowns', () => {
  it('divides each row by the none row of the same workload, latency, runner and clients, and leaves others without one', () => {
    const none = summarise({ ...settings, strategy: 'none' }, [run([], 'yes', 10)]);
    const lock = summarise(settings, [run([], 'yes', 40)]);
    const otherRunner = summarise({ ...settings, runner: 'processes' }, [run([], 'yes', 40)]);
    const otherClients = summarise({ ...settings, clients: 3 }, [run([], 'yes', 40)]);
    const [a, b, c, d] = withSlowdowns([none, lock, otherRunner, otherClients]);
    expect(a?.slowdown).toBe(1);
    expect(b?.slowdown).toBe(4);
    expect(c?.slowdown).toBeNull();
    expect(d?.slowdown).toBeNull();
  });
});

describe('percentiles', () => {
  it('gives p99 only from 100 samples, and nulls for none', () => {
    expect(percentiles([])).toEqual({ p50: null, p99: null, max: null, samples: 0 });
    expect(percentiles(Array.from({ length: 99 }, (_, i) => i)).p99).toBeNull();
    const hundred = percentiles(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(hundred).toMatchObject({ p50: 50.5, max: 100, samples: 100 });
    expect(hundred.p99).toBeCloseTo(99, 1);
  });
});
