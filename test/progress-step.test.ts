/**
 * The progress line: bench:micro's fitted to the terminal, so it is rewritten in place instead of
 * wrapping and staying on screen; the suite's time left counted runner by runner.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressText, showStep } from '../bench/commands/progress.ts';
import type { RunnerName } from '../bench/runners/runner.ts';
import { timeLeftMs, type RunnerTimes } from '../bench/suites/suite.ts';
import { displayWidth } from '../bench/reports/text-width.ts';

describe('showStep', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on a terminal 40 columns wide, a longer step is shortened to 39 columns with "…" and rewrites the line', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    const columns = Object.getOwnPropertyDescriptor(process.stderr, 'columns');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    Object.defineProperty(process.stderr, 'columns', { value: 40, configurable: true });
    try {
      showStep('floor: fork IPC round trip to another process, then the contended handoff of every strategy');
      showStep('short step');
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
      if (columns) Object.defineProperty(process.stderr, 'columns', columns);
      else delete (process.stderr as { columns?: number }).columns;
    }
    expect(written).toHaveLength(2);
    const [long, short] = written.map((w) => w.replace('\r\x1b[K', ''));
    expect(written.every((w) => w.startsWith('\r\x1b[K'))).toBe(true);
    expect(displayWidth(long ?? '')).toBe(39);
    expect(long).toMatch(/…$/);
    expect(short).toBe('short step');
  });
});

describe("the suite's time left", () => {
  const times = (entries: [RunnerName, number, number][]): RunnerTimes => new Map(entries.map(([runner, runs, ms]) => [runner, { runs, ms }]));

  it('is not known before a run has ended', () => {
    expect(timeLeftMs(times([]), new Map([['threads', 6]]))).toBeNull();
  });

  it('counts the runs left of a runner at its own mean: once process runs start, their time, not the threads runs\'', () => {
    // Six threads runs of 1 s each, then the first process run took 10 s; five process runs left.
    const made = times([['threads', 6, 6_000], ['processes', 1, 10_000]]);
    expect(timeLeftMs(made, new Map([['threads', 0], ['processes', 5]]))).toBe(50_000);
    // The mean of every run (16 s / 7) would say 11.4 s: the "0:17 left of a 79 s run" of the issue.
    expect(progressText(7, 12, 'ticket-rush · zero · processes · flock · repetition 2', 16_000, 200, timeLeftMs(made, new Map([['processes', 5]])))).toMatch(/~0:50 left$/);
  });

  it('counts a runner not started yet at the mean of every run so far', () => {
    const made = times([['threads', 4, 8_000]]);
    expect(timeLeftMs(made, new Map([['threads', 2], ['processes', 6]]))).toBe(16_000);
  });

  it('says "left" from the runs\' mean when the suite gives no time left (a fault run), and nothing before the first run', () => {
    expect(progressText(2, 4, 'x', 10_000, 200)).toBe('[3/4] x · 0:10 elapsed, ~0:10 left');
    expect(progressText(0, 4, 'x', 0, 200, null)).toBe('[1/4] x · 0:00 elapsed');
  });
});
