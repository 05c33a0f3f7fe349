/**
 * Every command's output fits the terminal it is written to: bench:micro's and bench:sweep's
 * tables with their legends (drawn here from the committed results, which ran every strategy),
 * compare's header lines, and the messages on standard error (a strategy skipped, a run
 * interrupted, an error), which wrap on a terminal and stay one line in a pipe. No strategy runs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { interruptedLine } from '../bench/commands/interrupt.ts';
import { CONTINUATION, fitMessage, messageWidth } from '../bench/commands/message-line.ts';
import { renderMicroTerminal, type MicroReport } from '../bench/commands/micro.ts';
import { where } from '../bench/commands/compare.ts';
import type { Report } from '../bench/reports/report.ts';
import { renderSweepTerminal, type SweepReport } from '../bench/reports/sweep-report.ts';
import { displayWidth } from '../bench/reports/text-width.ts';

const results = (name: string): unknown => JSON.parse(readFileSync(fileURLToPath(new URL(`../results/${name}`, import.meta.url)), 'utf8'));
const micro = results('micro.json') as MicroReport;
const sweep = results('sweep.json') as SweepReport;

/** The widest line of `text`, in terminal columns. */
const widest = (text: string) => Math.max(...text.split('\n').map(displayWidth));

const widths = [40, 80, 100, 132];

describe('bench:micro', () => {
  it.each(widths)('its table and legend fit %i columns, nothing cut', (width) => {
    const text = renderMicroTerminal(micro.rows, width);
    expect(widest(text)).toBeLessThanOrEqual(width);
    expect(text).not.toContain('…');
    // Every measurement is named in the first block (the key column), its words in order.
    for (const row of micro.rows) expect(text.replace(/[\s│]+/g, ' ')).toContain(row.name.split(' ')[0]);
    expect(text.replace(/\s+/g, ' ')).toContain('Contended handoff: from the event log');
  });

  it('is wider than 80 columns when the terminal is: the table uses the room it has', () => {
    expect(widest(renderMicroTerminal(micro.rows, 200))).toBeGreaterThan(120);
  });
});

describe('bench:sweep', () => {
  it.each(widths)('its tables, titles and legend fit %i columns, nothing cut', (width) => {
    const text = renderSweepTerminal(sweep.rows, sweep.settings, width);
    expect(widest(text)).toBeLessThanOrEqual(width);
    expect(text).not.toContain('…');
    expect(text).toContain('Throughput and waits against clients');
    expect(text.replace(/\s+/g, ' ')).toContain('(none loses updates by design).');
  });
});

describe('compare', () => {
  const report = {
    environment: {
      date: '2026-11-30T08:44:24.592Z', cpu: 'AMD EPYC 7B13 64-Core Processor with a long model name', cores: 2, memoryGiB: 24, os: 'Linux', node: 'v20.20.2', packages: {}, commit: '831e95b',
      load: { loadAverageStart: [2.86, 1.99, 3.01], loadAverageEnd: [18.04, 47.47, 50.28], otherProcessesCores: 0.15, concurrentRuns: 0, warnings: ['other processes used 1.9 cores on average during the run: its figures are slower and more spread than on an idle machine'] },
    },
  } as unknown as Report;

  it.each(widths)('its header lines fit %i columns, the warning indented under its file', (width) => {
    const text = where('base', report, width);
    expect(widest(text)).toBeLessThanOrEqual(width);
    expect(text.startsWith('base: 2026-11-30T08:44:24.592Z')).toBe(true);
    expect(text.split('\n').filter((line) => line !== '').every((line, i) => i === 0 || line.startsWith('  '))).toBe(true);
    expect(text.replace(/\s+/g, ' ')).toContain('warning: other processes used 1.9 cores on average');
  });
});

describe('messages on standard error', () => {
  const skipping =
    'skipping pg-advisory, pg-row-lock: no PostgreSQL at postgres://127.0.0.1:5432/test (connect ECONNREFUSED 127.0.0.1:5432); start one: sudo service postgresql start, or set DATABASE_URL';

  it('wrap at a terminal\'s width, continuation lines indented, every word kept in order', () => {
    for (const width of [30, 80, 120]) {
      const text = fitMessage(skipping, width);
      expect(widest(text)).toBeLessThanOrEqual(width);
      const lines = text.split('\n');
      expect(lines.slice(1).every((line) => line.startsWith(CONTINUATION) && !line.startsWith(`${CONTINUATION} `))).toBe(true);
      // Nothing cut: the same characters, only the breaks and indents differ (a word wider than the line is broken inside).
      expect(text.replace(/\s+/g, '')).toBe(skipping.replace(/\s+/g, ''));
    }
    const interrupted = interruptedLine('SIGTERM', ['/tmp/sync-bench-abc']);
    expect(widest(fitMessage(interrupted, 80))).toBeLessThanOrEqual(80);
    expect(fitMessage(interrupted, 80).split('\n').length).toBeGreaterThan(1);
  });

  it('stay one line when the stream is not a terminal (a pipe or a file), however long', () => {
    expect(messageWidth({ isTTY: false, columns: 80 })).toBeNull();
    expect(messageWidth({})).toBeNull();
    expect(fitMessage(skipping, null)).toBe(skipping);
    expect(messageWidth({ isTTY: true, columns: 93 })).toBe(93);
    expect(messageWidth({ isTTY: true, columns: 5 })).toBe(20);
  });
});
