import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReports } from '../bench/reports/comparison.ts';
import type { Report } from '../bench/reports/report.ts';
import type { ResultRow } from '../bench/suites/summary.ts';
import { main } from '../bench/commands/compare.ts';
import { answerTo } from './helpers/in-process.ts';

const none = { p50: null, p99: null, max: null, samples: 0 };

function row(strategy: ResultRow['strategy'], wall: [number, number, number], verdict: ResultRow['verdict'] = 'correct'): ResultRow {
  const [median, min, max] = wall;
  return {
    workload: 'ticket-rush', strategy, paradigm: '', guarantee: 'mutual exclusion', covered: true, stateLocation: '', latency: 'doc', runner: 'threads', clients: 50, threads: 2, processes: null, programWallMs: null, clientsPerThread: 25,
    tickets: 1, repetitions: 3, wallMs: { median, min, max }, throughput: { median: 50000 / median, min: 50000 / max, max: 50000 / min },
    cpuMs: null, firstEnterMs: null, slowdown: null, waitMs: { ...none, p50: 10 }, handoffGapMs: none, holdMs: none, holdOvershootMs: none, verdict, linearizable: null, reasons: [], violations: 0,
    commits: 150, aborts: 0, maxRetries: 0, inversions: 0, runs: [],
  };
}

function report(rows: ResultRow[]): Report {
  const environment = { date: '', cpu: '', cores: 2, memoryGiB: 1, os: '', node: '', packages: {}, commit: null };
  const settings = { workloads: [], strategies: [], latencies: [], runners: [], clients: null, threads: 2, processes: null, tickets: 1, repeat: 3, seed: 1, services: { redis: 'redis://127.0.0.1:6379', postgres: 'postgres://127.0.0.1:5432/test', rabbitmq: 'amqp://guest:guest@127.0.0.1:5672', nats: 'nats://127.0.0.1:4222' }, rttMs: 0, skipped: {} };
  return { schema: 'sync-bench/results@1', environment, command: '', settings, rows };
}

describe('compareReports', () => {
  const base = report([row('file-lock', [5300, 5290, 5310]), row('atomics-mutex', [5230, 5225, 5240]), row('queue-owner', [210, 205, 215])]);
  const next = report([row('file-lock', [5250, 5240, 5295]), row('atomics-mutex', [5000, 4990, 5010], 'incorrect'), row('optimistic', [400, 390, 410])]);
  const comparison = compareReports(base, next);

  it('gives the change in percent, and marks only a change beyond both runs\' spread', () => {
    const fileLock = comparison.matched.find((m) => m.strategy === 'file-lock');
    const mutex = comparison.matched.find((m) => m.strategy === 'atomics-mutex');
    expect(fileLock?.wallMs.changePercent).toBeCloseTo((-50 / 5300) * 100);
    expect(fileLock?.wallMs.beyondSpread).toBe(false); // 5240–5295 overlaps 5290–5310
    expect(mutex?.wallMs.beyondSpread).toBe(true); // 4990–5010 is below 5225–5240
  });

  it('flags a verdict that went from correct to anything else', () => {
    expect(comparison.matched.filter((m) => m.verdictRegressed).map((m) => m.strategy)).toEqual(['atomics-mutex']);
  });

  it('lists rows present in only one file instead of dropping them', () => {
    expect(comparison.onlyInBase).toEqual(['ticket-rush/doc/50 clients/2 threads/queue-owner']);
    expect(comparison.onlyInNext).toEqual(['ticket-rush/doc/50 clients/2 threads/optimistic']);
  });

  describe('npm run compare', () => {
    // Made when a test of this block runs, not when the file is collected: a run that filters
    // these tests out (mutation testing runs only the tests that cover a mutant) leaves nothing.
    let dir = '';
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sync-bench-compare-test-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // The command's main in this process (it reads two files, nothing more); reading-compare.test.ts runs it as a process of its own.
    const run = (...args: string[]) => answerTo(main, args);

    it('exits 1 and names the row when a verdict regressed; 0 when none did', async () => {
      writeFileSync(join(dir, 'base.json'), JSON.stringify(base));
      writeFileSync(join(dir, 'next.json'), JSON.stringify(next));
      const regressed = await run(join(dir, 'base.json'), join(dir, 'next.json'));
      expect(regressed.code).toBe(1);
      expect(regressed.stdout).toContain('correct → incorrect  REGRESSED');
      expect(regressed.stdout).toContain('only in base:');
      expect(regressed.stderr).toContain('ticket-rush/doc/50 clients/2 threads/atomics-mutex');
      expect((await run(join(dir, 'base.json'), join(dir, 'base.json'))).code).toBe(0);
    });

    it('exits 2 with one line for a file that is not a results file', async () => {
      writeFileSync(join(dir, 'other.json'), '{"rows": 3}');
      const { code, stderr } = await run(join(dir, 'other.json'), join(dir, 'other.json'));
      expect(code).toBe(2);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain('is not a results file');
    });
  });
});
