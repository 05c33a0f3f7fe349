/**
 * Reading the results on a terminal: tables that fit its width, a column choice, cells that wrap
 * instead of being cut, a progress line that never wraps, rows marked unstable.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import stringWidth from 'string-width';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from '../bench/commands/bench.ts';
import { progressText } from '../bench/commands/progress.ts';
import { renderMarkdown, type Report } from '../bench/reports/report.ts';
import { resetColumnChoice } from '../bench/reports/column-choice.ts';
import { renderTerminal } from '../bench/reports/table.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import type { ResultRow } from '../bench/suites/summary.ts';
import { answerTo } from './helpers/in-process.ts';
import { killRunningCommands, root, runCommand } from './helpers/run-command.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-reading-table-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

afterEach(killRunningCommands);

const bench = (env: Record<string, string>, ...args: string[]) => runCommand('bench/commands/bench.ts', args, { env });

const widest = (text: string) => Math.max(...text.split('\n').map((line) => stringWidth(line)));

/**
 * A small real run: ticket-rush at zero latency, one repetition, of strategies that every runner
 * can run, so both runners' rows are in the table; 2 clients on one thread (or in 2 processes),
 * since what is tested is the table's layout, not the run (each thread or client process costs a
 * Node start-up).
 */
const small = ['--workload', 'ticket-rush', '--strategy', 'none,file-lock', '--latency', 'zero', '--clients', '2', '--threads', '1', '--repeat', '1'];

describe('npm run bench: the terminal table fits the width', () => {
  it.each([80, 120])('at %i columns (COLUMNS, output not a terminal) no line is wider, and the JSON keeps every figure', async (columns) => {
    const json = join(scratch, `fit-${columns}.json`);
    const { code, stdout } = await bench({ COLUMNS: String(columns) }, ...small, '--json', json);
    expect(code).toBe(0);
    expect(widest(stdout)).toBeLessThanOrEqual(columns);
    // The headline columns, not the others; and a line saying how to see them.
    expect(stdout).toMatch(/verdict/);
    expect(stdout).toMatch(/slowdown/);
    expect(stdout).not.toMatch(/FIFO/);
    expect(stdout).toMatch(/^Not shown: state, program-wall, cpu, first-enter, .*/m);
    const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: Record<string, unknown>[] };
    for (const key of ['cpuMs', 'firstEnterMs', 'holdMs', 'inversions', 'sold', 'finalCount', 'tornReads']) expect(rows[0]).toHaveProperty(key);
  });

  it('--wide shows every column, still within the width', async () => {
    const { code, stdout } = await bench({ COLUMNS: '80' }, ...small, '--wide');
    expect(code).toBe(0);
    expect(widest(stdout)).toBeLessThanOrEqual(80);
    for (const word of ['FIFO', 'CPU', 'state', 'retries', 'torn']) expect(stdout).toContain(word);
    expect(stdout).not.toMatch(/^Not shown/m);
  });

  it('--columns shows the columns named, in that order', async () => {
    const { code, stdout } = await bench({ COLUMNS: '100' }, ...small, '--columns', 'strategy,cpu,verdict');
    expect(code).toBe(0);
    const table = stdout.split('\n').filter((line) => line.startsWith('│'));
    const header = table[0] ?? '';
    expect(header.indexOf('CPU')).toBeGreaterThan(header.indexOf('strategy'));
    expect(header.indexOf('verdict')).toBeGreaterThan(header.indexOf('CPU'));
    expect(table.join('\n')).not.toMatch(/throughput|runner|wall/);
  });

  it.each([
    [['--columns', 'strategy,speed'], /--columns 'strategy,speed' is not accepted: choose from strategy, runner, .*wall/],
    [['--columns', 'wall', '--wide'], /--columns and --wide are not accepted together/],
  ])('%j: exit code 2, one line, nothing run', async (args, message) => {
    // The parser, in this process (its exit code leaving a process is tested in cli.test.ts), with
    // no column choice left from an earlier parse.
    resetColumnChoice();
    const { code, stdout, stderr } = await answerTo(parse, [...small, ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});

const none = { p50: null, p99: null, max: null, samples: 0 };

function row(strategy: ResultRow['strategy'], walls: number[], reasons: string[] = []): ResultRow {
  const sorted = [...walls].sort((a, b) => a - b);
  const spread = { median: sorted[Math.floor(sorted.length / 2)] ?? 0, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
  return {
    workload: 'ticket-rush', strategy, paradigm: '', guarantee: 'mutual exclusion', covered: true, stateLocation: 'db file (disk)', latency: 'doc', clients: 50, threads: 2, clientsPerThread: 25,
    tickets: 1, repetitions: walls.length, wallMs: spread, throughput: { median: 50000 / spread.median, min: 50000 / spread.max, max: 50000 / spread.min },
    cpuMs: null, firstEnterMs: null, slowdown: null, waitMs: none, handoffGapMs: none, holdMs: none, holdOvershootMs: none,
    verdict: reasons.length === 0 ? 'correct' : 'incorrect', reasons, violations: 0, commits: 50, aborts: 0, maxRetries: 0, inversions: 0,
    runs: walls.map((wallMs, i) => ({ repetition: i + 1, verdict: 'correct', reasons: [], wallMs, clientsPerThread: [25, 25], violations: 0, aborts: 0, figures: {} })),
  } as unknown as ResultRow;
}

describe('renderTerminal: cells are wrapped, never cut', () => {
  it('keeps every character of a long CJK cell, as it keeps a long English one', () => {
    const cjk = '相互排除違反が四十八件あり最後の一枚が五十回売れました';
    const out = renderTerminal([row('none', [300, 301, 302], [cjk, 'forty-eight mutual-exclusion violations'])], { width: 60, columns: { kind: 'headline' } });
    expect(out).not.toContain('…');
    expect(widest(out)).toBeLessThanOrEqual(60);
    // Read the verdict column back: its pieces, in order, make the whole text.
    const firstBlock = out.split('(continued')[0] ?? '';
    const verdictText = firstBlock
      .split('\n')
      .filter((line) => line.startsWith('│'))
      .map((line) => line.split('│')[3]?.trim() ?? '')
      .join('');
    expect(verdictText).toContain(cjk);
  });

  it('marks a row whose repetitions spread widely as unstable, on the terminal and in the Markdown, and explains it', () => {
    const rows = [row('file-lock', [5256, 5254, 5277]), row('atomics-mutex', [5231, 5229, 9000])];
    const out = renderTerminal(rows, { width: 200, columns: { kind: 'headline' } });
    // The rows of the table: from a strategy's first line to the rule under it.
    const table = out.split('\n').filter((line) => line.startsWith('│') || line.startsWith('├'));
    const rowOf = (strategy: string) => {
      const start = table.findIndex((l) => l.includes(strategy));
      const end = table.findIndex((l, i) => i > start && !l.startsWith('│'));
      return table.slice(start, end < 0 ? undefined : end).join('\n');
    };
    expect(rowOf('atomics-mutex').match(/\(unstable\)/g)).toHaveLength(2); // wall and throughput
    expect(rowOf('file-lock')).not.toContain('(unstable)');
    expect(out.replace(/\s+/g, ' ')).toMatch(/\(unstable\): the repetitions' wall times disagree .*pyperf/);
    const report = {
      schema: 'sync-bench/results@1',
      environment: { date: 'd', cpu: 'c', cores: 2, memoryGiB: 1, os: 'o', node: 'n', packages: {}, commit: null },
      command: '',
      settings: {},
      rows,
    } as unknown as Report;
    expect(renderMarkdown(report)).toMatch(/\| atomics-mutex .*\(unstable\)/);
  });
});

describe('the progress line', () => {
  const what = 'ticket-rush · doc · message-channel · repetition 3';

  it.each([200, 120, 80, 60, 40, 20, 8])('is never wider than a %i-column terminal, less its last column', (columns) => {
    const text = progressText(10, 72, what, 95_000, columns);
    expect(stringWidth(text)).toBeLessThanOrEqual(columns - 1);
    if (columns >= 20) expect(text).toMatch(/^\[11\/72\] .* 1:35 ~?/);
  });

  it('is whole where it fits', () => {
    expect(progressText(10, 72, what, 95_000, 200)).toBe(`[11/72] ${what} · 1:35 elapsed, ~9:49 left`);
  });

  it('on a real 80-column terminal, every rewrite of the line and every table line fits', async () => {
    const command = [process.execPath, ...tsWorkerExecArgv, 'bench/commands/bench.ts', ...small, '--repeat', '2'].map((a) => `'${a}'`).join(' ');
    let output: string;
    try {
      ({ stdout: output } = await promisify(execFile)('script', ['-qfec', `stty cols 80 rows 40; ${command}`, '/dev/null'], { cwd: root }));
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stdout?: string };
      if (e.code === 'ENOENT') return; // No `script` (util-linux) here: the pure checks above stand.
      throw error;
    }
    // Each rewrite of the progress line starts with a carriage return and "erase line" (ESC [ K).
    const pieces = output.replace(/\r\n/g, '\n').split('\n').flatMap((line) => line.split(`\r${String.fromCharCode(27)}[K`));
    expect(pieces.some((p) => /^\[1\/\d+\] ticket-rush/.test(p))).toBe(true);
    for (const piece of pieces) expect(stringWidth(piece)).toBeLessThanOrEqual(80);
    for (const piece of pieces.filter((p) => p.startsWith('['))) expect(stringWidth(piece)).toBeLessThanOrEqual(79);
  });
});
