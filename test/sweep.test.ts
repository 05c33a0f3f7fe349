import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from '../bench/commands/sweep.ts';
import { renderSweepCharts, renderSweepMarkdown, type SweepReport } from '../bench/reports/sweep-report.ts';
import { answerTo } from './helpers/in-process.ts';
import { killRunningCommands, runCommand } from './helpers/run-command.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-sweep-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(killRunningCommands);

const sweep = (...args: string[]) => runCommand('bench/commands/sweep.ts', args);

describe('npm run bench:sweep: bad command lines', () => {
  const bad: [string[], RegExp][] = [
    [['--clients', '0,4'], /--clients '0,4' is not accepted: give whole numbers from 1 to 4096/],
    [['--clients', '4,x'], /--clients '4,x'/],
    [['--clients', '1,,4'], /--clients '1,,4' is not accepted/],
    [['--strategy', 'none,'], /--strategy 'none,' is not accepted/],
    [['--axis', 'latency'], /--axis 'latency' is not accepted: choose from clients, threads, cs/],
    [['--window', '5'], /--window '5' is not accepted: give a whole number from 10 to 60000/],
    [['--inside', '-1'], /--inside '-1'/],
    [['--strategy', 'spinlock'], /--strategy 'spinlock'/],
    [['--json', '/no/such/dir/s.json'], /does not exist or is not writable/],
    [['--out', '/no/such/dir'], /--out '\/no\/such\/dir' is not accepted: it is not an existing, writable folder/],
    [['--render', '/no/such/sweep.json'], /--render '\/no\/such\/sweep.json' is not accepted: no such file/],
    [['--render', 'package.json', '--repeat', '2'], /--render is not accepted with other options than --out/],
    [['--frobnicate'], /unknown option '--frobnicate'; run with --help/],
  ];
  // The parser, in this process: what main prints and returns before it runs anything.
  it.each(bad)('%j: one line, exit 2, nothing run', async (args, message) => {
    const { code, stdout, stderr } = await answerTo(parse, args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('the command itself, in a process of its own: a --render file that is not a sweep is one line, exit 2, nothing run', async () => {
    // Found when main reads the file, after the parser accepted the command line.
    const { code, stdout, stderr } = await sweep('--render', 'package.json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: --render 'package.json' is not accepted: not the JSON of a sweep/)]);
  });

  it('--help names the axes, the figures and their units', async () => {
    const { code, stdout } = await answerTo(parse, ['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--axis/);
    expect(stdout).toMatch(/ops\/s/);
    expect(stdout).toMatch(/Jain/);
  });
});

describe('npm run bench:sweep: a small sweep', () => {
  it('measures every point under every strategy, writes JSON, and draws the charts from it', async () => {
    const json = join(scratch, 'small-sweep.json');
    const out = mkdtempSync(join(scratch, 'out-'));
    const args = ['--axis', 'clients,cs', '--clients', '1,8', '--inside', '20', '--strategy', 'none,atomics-mutex', '--repeat', '1', '--window', '100', '--warmup', '20', '--json', json, '--out', out];
    const { code, stdout, stderr } = await sweep(...args);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/Throughput and waits against clients/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SweepReport;
    expect(report.schema).toBe('sync-bench/sweep@1');
    expect(report.rows.map((r) => `${r.axis}:${r.x}:${r.strategy}`)).toEqual([
      'clients:1:none', 'clients:1:atomics-mutex', 'clients:8:none', 'clients:8:atomics-mutex', 'cs:0.1:none', 'cs:0.1:atomics-mutex',
    ]);
    for (const row of report.rows) {
      // Measured at every point; on a loaded machine a 100 ms window can hold no commit (0 ops/s, honestly).
      expect(row.throughput?.median).toBeGreaterThanOrEqual(0);
      if (row.strategy === 'atomics-mutex') expect(row.verdict, row.reasons.join('; ')).toBe('correct');
    }
    expect(report.rows.some((row) => (row.throughput?.median ?? 0) > 0)).toBe(true);
    // One client cannot lose an update; eight unsynchronised ones are expected to (not asserted: it is a race).
    expect(report.rows[0]?.verdict).toBe('correct');

    expect(readdirSync(out).sort()).toEqual([
      'sweep-clients-fairness.svg', 'sweep-clients-throughput.svg', 'sweep-clients-wait-p99.svg', 'sweep-cs-throughput.svg', 'sweep-cs-wait-p99.svg',
      'sweep.json', 'sweep.md',
    ]);
    const charts = await renderSweepCharts(report.rows);
    expect(Object.keys(charts).sort()).toEqual([
      'sweep-clients-fairness.svg', 'sweep-clients-throughput.svg', 'sweep-clients-wait-p99.svg', 'sweep-cs-throughput.svg', 'sweep-cs-wait-p99.svg',
    ]);
    const svg = charts['sweep-clients-throughput.svg'] ?? '';
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('throughput (ops/s)');
    expect(svg).toContain('atomics-mutex');
    // --render redraws the same from the JSON alone, running nothing.
    const redrawn = mkdtempSync(join(scratch, 'redrawn-'));
    const again = await sweep('--render', json, '--out', redrawn);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(redrawn, 'sweep.md'), 'utf8')).toBe(readFileSync(join(out, 'sweep.md'), 'utf8'));
    // Without --out, next to the JSON it was given (never into results/).
    const beside = await sweep('--render', join(out, 'sweep.json'));
    expect(beside.code, beside.stderr).toBe(0);
    expect(beside.stderr).toContain(`wrote ${join(out, 'sweep.md')}`);
    const markdown = renderSweepMarkdown(report);
    expect(markdown).toContain('![sweep-clients-throughput.svg](sweep-clients-throughput.svg)');
    expect(markdown).toContain("Jain's index, clients");
  });
});
