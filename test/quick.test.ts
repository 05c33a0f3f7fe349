/**
 * `npm run bench -- --quick`: the subset the README's Quick start leads with. Its command line is
 * read in this process (no run is made): it parses to the settings the README and --help claim,
 * a setting given beside it replaces its choice, and it writes no results/ file, only --json's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, progressWhat, QUICK, quickNotice } from '../bench/commands/bench.ts';
import type { RunSettings } from '../bench/runners/run.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { reportDir, resultsDir } from '../bench/reports/report.ts';
import { displayWidth } from '../bench/reports/text-width.ts';
import { answerTo } from './helpers/in-process.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-quick-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The suite settings `argv` parses to; fails the test for a listing or a fault run. */
function suiteOf(argv: string[]) {
  const parsed = parse(argv);
  if (parsed.mode !== 'suite') throw new Error(`${argv.join(' ')} parsed to mode ${parsed.mode}`);
  return parsed;
}

describe('npm run bench -- --quick', () => {
  it('is ticket-rush at latency doc: none, flock and queue-owner under threads, 3 repetitions', () => {
    const { suite, quick } = suiteOf(['--quick']);
    expect(quick).toBe(true);
    expect(suite).toMatchObject({ workloads: ['ticket-rush'], latencies: ['doc'], strategies: ['none', 'flock', 'queue-owner'], runners: ['threads'], repeat: 3, clients: null, tickets: 1 });
    expect(suite).toMatchObject(QUICK);
  });

  it('writes no results/ file: not the default suite, no --json; with --json, only that file', () => {
    const bare = suiteOf([]);
    // The check itself: a bare run does write results/.
    expect(reportDir(bare)).toBe(resultsDir);
    const quick = suiteOf(['--quick']);
    expect(quick.isDefault).toBe(false);
    expect(reportDir(quick)).toBeNull();
    expect(quick.json).toBeNull();
    const json = join(scratch, 'quick.json');
    const withJson = suiteOf(['--quick', '--json', json]);
    expect(reportDir(withJson)).toBeNull();
    expect(withJson.json).toBe(json);
  });

  it('a setting given beside it replaces its choice, the others kept', () => {
    expect(suiteOf(['--quick', '--runner', 'processes']).suite).toMatchObject({ runners: ['processes'], strategies: [...QUICK.strategies], latencies: ['doc'], repeat: 3 });
    expect(suiteOf(['--quick', '--repeat', '6', '--strategy', 'none,atomics-mutex']).suite).toMatchObject({ runners: ['threads'], strategies: ['none', 'atomics-mutex'], repeat: 6 });
    expect(suiteOf(['--quick', '--repeat', '1']).isDefault).toBe(false);
  });

  it('is refused with --fault, in one line that says why (exit code 2)', async () => {
    const { code, stderr } = await answerTo(parse, ['--quick', '--fault', 'crash-in-cs']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--quick and --fault are not accepted together/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('is named in --help, with its choices', async () => {
    const { code, stdout } = await answerTo(parse, ['--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--quick');
    expect(help).toContain(`${QUICK.strategies.join(', ')} (no lock, a lock, message passing)`);
    expect(help).toContain('writes nothing to results/');
  });

  it('says before it starts what it runs, its estimated time, and that results/ is left alone, fitted to the terminal', () => {
    const { suite } = suiteOf(['--quick']);
    for (const width of [40, 80]) {
      const text = quickNotice({ ...suite, skipped: {} }, width);
      expect(Math.max(...text.split('\n').map(displayWidth))).toBeLessThanOrEqual(width);
      const flat = text.replace(/\s+/g, ' ');
      expect(flat).toContain('none, flock, queue-owner');
      expect(flat).toMatch(/Estimated time: about \d+ s/);
      expect(flat).toContain('writes nothing to results/');
    }
  });
});

describe("npm run bench's progress line", () => {
  it('names the runner of the run, beside its workload, latency, strategy and repetition', () => {
    for (const runner of ['threads', 'processes'] as const) {
      const settings = { workload: 'ticket-rush', latency: latencyProfiles.doc, runner, strategy: 'flock' } as unknown as RunSettings;
      expect(progressWhat({ settings, repetition: 2 })).toBe(`ticket-rush · doc · ${runner} · flock · repetition 2`);
    }
  });
});
