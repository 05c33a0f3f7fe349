/**
 * The commands never lose a figure and never end in a stack trace or a hang: failures inside a
 * run, closed pipes, signals, a broken environment and odd inputs, each tried with the real thing
 * (a real child process, a real signal, a real pipe, a real file system).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { faultExitCode, parse as parseBench, suiteExitCode } from '../bench/commands/bench.ts';
import { parse as parseSweep } from '../bench/commands/sweep.ts';
import { interruptedLine } from '../bench/commands/interrupt.ts';
import { PYTHON_REFERENCE } from '../bench/suites/fault-suite.ts';
import { OWNER_FILE, processStartTime } from '../bench/runners/run-folder.ts';
import { scratchCheckout } from './fixtures/scratch-checkout.ts';
import { answerTo } from './helpers/in-process.ts';
import { killRunningCommands, root, runCommand, type Launch } from './helpers/run-command.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-cli-failures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
/** Children still running when their test ends (it timed out or failed) are killed: none outlives its test. */
afterEach(killRunningCommands);

/** Runs `script` (default: bench/commands/bench.ts) with `args` as the npm script does (no tsx cache). */
const run = (args: readonly string[], launch: Launch & { readonly script?: string } = {}) =>
  runCommand(launch.script ?? 'bench/commands/bench.ts', args, { ...launch, env: { TSX_DISABLE_CACHE: '1', ...launch.env } });

/** A fresh temporary folder for one child, to see what it leaves behind. */
function freshTmp(): string {
  return mkdtempSync(join(scratch, 'tmp-'));
}

/** The run directories a child left in `tmp`. */
function leftIn(tmp: string): string[] {
  return readdirSync(tmp).filter((f) => f.startsWith('sync-bench-'));
}

/** Resolves once a run directory with a db exists in `tmp`; returns its path. */
async function runDirectoryIn(tmp: string): Promise<string> {
  let found: string | undefined;
  await expect
    .poll(
      () => {
        found = leftIn(tmp)
          .map((f) => join(tmp, f))
          .find((d) => existsSync(join(d, 'db.json')));
        return found !== undefined;
      },
      { timeout: 30_000, interval: 10 },
    )
    .toBe(true);
  return found ?? '';
}

/**
 * A run's size where it is not what a test is about: one worker thread (each costs a Node start
 * with the TypeScript loader, about 0.9 s of CPU), and two clients. What the tests check of a
 * command (exit codes, where its output goes, what it leaves behind) does not depend on them.
 */
const ONE_THREAD = ['--threads', '1'];
const SMALL = ['--clients', '2', ...ONE_THREAD];

/** One row: the baseline, threads runner, no latency, a small run. */
const oneRow = ['--workload', 'ticket-rush', '--strategy', 'none', '--runner', 'threads', '--latency', 'zero', ...SMALL, '--repeat', '1'];

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
}

describe('a failure inside a run is its failed row', () => {
  it('the run directory removed mid-run: a failed row naming it, the suite goes on, JSON written, nothing left, exit 1', async () => {
    const tmp = freshTmp();
    const json = join(scratch, 'removed-dir.json');
    const child = await run(['--workload', 'ticket-rush', '--latency', 'doc', '--strategy', 'file-lock,none', '--runner', 'threads', '--clients', '5', ...ONE_THREAD, '--repeat', '1', '--json', json], {
      env: { TMPDIR: tmp },
      during: async () => rmSync(await runDirectoryIn(tmp), { recursive: true, force: true }),
    });
    expect(child.code, child.stderr).toBe(1);
    noStackTrace(child.stderr);
    expect(child.stdout).toMatch(/file-lock.*failed: .*ENOENT/);
    const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: { strategy: string; verdict: string }[] }).rows;
    expect(rows.map((r) => [r.strategy, r.verdict])).toEqual([
      ['file-lock', 'failed'],
      ['none', 'incorrect'],
    ]);
    expect(leftIn(tmp)).toEqual([]);
  });

  it('exit code: 1 for a failed row or an incorrect strategy that promises what the workload needs; 0 for the baseline being incorrect', () => {
    expect(suiteExitCode([{ verdict: 'correct', covered: true }, { verdict: 'incorrect', covered: false }])).toBe(0);
    expect(suiteExitCode([{ verdict: 'incorrect', covered: true }])).toBe(1);
    expect(suiteExitCode([{ verdict: 'failed', covered: false }])).toBe(1);
    expect(suiteExitCode([{ verdict: 'not applicable', covered: true }])).toBe(0);
  });
});

describe('a fault run exits 1 when a run failed or a strategy that promises exclusion left the state inconsistent', () => {
  // The broken strategies are registered in a copy of the checkout, as a newcomer's would be.
  const copy = scratchCheckout([
    { name: 'throws-in-connect', module: 'test/fixtures/broken/throws-in-connect.ts', exported: 'default' },
    { name: 'fake-lock', module: 'test/fixtures/broken/fake-lock.ts', exported: 'default' },
  ]);
  afterAll(() => copy.remove());
  const fault = (strategy: string) =>
    run(['--fault', 'crash-in-cs', '--strategy', strategy, '--runner', 'threads', '--repeat', '1', '--json', join(scratch, `fault-${strategy}.json`)], { script: copy.path('bench/commands/bench.ts') });

  it('a strategy whose every client fails to connect: a failed row, exit 1, named on stderr', async () => {
    const child = await fault('throws-in-connect');
    expect(child.code, child.stderr).toBe(1);
    expect(child.stderr).toMatch(/^1 fault row with a failed run or an inconsistent state: throws-in-connect\/threads \(1 of 1 runs failed\)$/m);
    const report = JSON.parse(readFileSync(join(scratch, 'fault-throws-in-connect.json'), 'utf8')) as { rows: { userSees: string[] }[] };
    expect(report.rows.map((r) => r.userSees)).toEqual([['run failed: broken on purpose: connect throws']]);
  });

  it('a lock that is never taken, claiming mutual exclusion: its lost updates leave the state inconsistent, exit 1', async () => {
    const child = await fault('fake-lock');
    expect(child.code, child.stderr).toBe(1);
    expect(child.stderr).toMatch(/^1 fault row with a failed run or an inconsistent state: fake-lock\/threads \(state not consistent\)$/m);
  });

  it("the tutorial's Python lock, whose waiters give up, and not-applicable rows do not make it 1", () => {
    const row = { runner: 'processes', fault: 'crash-in-cs', design: '', recoveryMs: null, userSees: [] } as const;
    expect(faultExitCode([{ ...row, strategy: PYTHON_REFERENCE, repetitions: 1, othersFinished: 0, consistent: null }])).toBe(0);
    expect(faultExitCode([{ ...row, strategy: 'atomics-mutex', repetitions: 0, othersFinished: 0, consistent: null }])).toBe(0);
    expect(faultExitCode([{ ...row, strategy: 'flock', repetitions: 3, othersFinished: 2, consistent: true }])).toBe(1);
  });

  it('the baseline none, inconsistent as expected: exit 0', async () => {
    const child = await fault('none');
    expect(child.code, child.stderr).toBe(0);
    expect(child.stderr).not.toContain('fault row');
  });
});

describe('results are saved before they are shown', () => {
  it('a reader that has gone away (| head -1): no crash, the JSON is written', async () => {
    const json = join(scratch, 'epipe.json');
    const child = await run(['--workload', 'ordered-print,ticket-rush', '--strategy', 'none,atomics-mutex', '--runner', 'threads', '--latency', 'quick,zero', ...SMALL, '--repeat', '1', '--json', json], {
      stdoutClosed: true,
    });
    expect(child.code, child.stderr).toBe(0);
    noStackTrace(child.stderr);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { rows: unknown[] }).rows).toHaveLength(8);
  });

  it("--json - writes the JSON alone to stdout and the tables to stderr", async () => {
    const child = await run([...oneRow, '--json', '-']);
    expect(child.code, child.stderr).toBe(0);
    expect((JSON.parse(child.stdout) as { rows: unknown[] }).rows).toHaveLength(1);
    expect(child.stderr).toContain('wall (ms)');
    expect(existsSync(join(root, '-'))).toBe(false);
  });


  it.each([['/dev/stdout'], ['/dev/fd/1'], ['/proc/self/fd/1']])('--json %s into a pipe is --json -: the JSON alone on the pipe, the tables on stderr', async (path) => {
    const child = await run([...oneRow, '--json', path]);
    expect(child.code, child.stderr).toBe(0);
    expect((JSON.parse(child.stdout) as { rows: unknown[] }).rows).toHaveLength(1);
    expect(child.stderr).toContain('wall (ms)');
  });

  it.each([['/dev/stdout'], ['/proc/self/fd/1']])('--json %s redirected to a file (> f) is --json -: the file holds the JSON, not the tables', async (path) => {
    const file = join(scratch, 'redirected.txt');
    const child = await run([...oneRow, '--json', path], { stdoutFile: file });
    expect(child.code, child.stderr).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { rows: unknown[] }).rows).toHaveLength(1);
    expect(child.stderr).toContain('wall (ms)');
  });

  it('--json naming the very file stdout is redirected to is --json - too: nothing replaces the file under the tables', async () => {
    const file = join(scratch, 'same.json');
    const child = await run([...oneRow, '--json', file], { stdoutFile: file });
    expect(child.code, child.stderr).toBe(0);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { rows: unknown[] }).rows).toHaveLength(1);
  });

  it.each([
    ['bench/commands/bench.ts', '/dev/stderr', /^error: --json '\/dev\/stderr' is not accepted: it is standard error, .*give --json - for the JSON alone on standard output/],
    ['bench/commands/sweep.ts', '/proc/self/fd/2', /^error: --json '\/proc\/self\/fd\/2' is not accepted: it is standard error/],
    ['bench/commands/bench.ts', 'fifo', /^error: --json '.*fifo' is not accepted: it is a pipe \(FIFO\), not a regular file .*give --json - for standard output/],
  ])('%s --json %s is refused naming -, exit 2, nothing run', async (script, path, message) => {
    const fifo = join(scratch, 'fifo');
    if (path === 'fifo' && !existsSync(fifo)) execFileSync('mkfifo', [fifo]);
    // The parser, in this process: the names and the FIFO are refused whatever this process's own stdout is.
    const sweep = script.endsWith('sweep.ts');
    const child = await answerTo(sweep ? parseSweep : parseBench, [...(sweep ? ['--axis', 'clients'] : oneRow), '--json', path === 'fifo' ? fifo : path]);
    expect(child.code).toBe(2);
    expect(child.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(child.stdout).toBe('');
  });

  it('a results file that cannot be written at the end: one line naming it, a fallback copy named, the tables shown, exit 1', async () => {
    const tmp = freshTmp();
    const folder = join(scratch, 'vanishing');
    mkdirSync(folder);
    const child = await run(['--workload', 'ticket-rush', '--strategy', 'file-lock', '--runner', 'threads', '--latency', 'quick', '--clients', '5', ...ONE_THREAD, '--repeat', '1', '--json', join(folder, 'out.json')], {
      env: { TMPDIR: tmp },
      during: async () => {
        await runDirectoryIn(tmp);
        rmSync(folder, { recursive: true, force: true });
      },
    });
    expect(child.code).toBe(1);
    noStackTrace(child.stderr);
    expect(child.stderr).toMatch(new RegExp(`^error: could not write ${join(folder, 'out.json')}: ENOENT`, 'm'));
    const fallback = /the figures are saved in (\S+) instead/.exec(child.stderr)?.[1];
    expect(fallback).toBeDefined();
    expect((JSON.parse(readFileSync(fallback ?? '', 'utf8')) as { rows: unknown[] }).rows).toHaveLength(1);
    expect(child.stdout).toContain('wall (ms)');
  });

  it('an output path that is an input (--db, also through a symlink) is refused before anything runs', async () => {
    const db = join(scratch, 'db.json');
    writeFileSync(db, '{"count": 2}');
    const link = join(scratch, 'db-link.json');
    symlinkSync(db, link);
    for (const json of [db, link]) {
      const child = await answerTo(parseBench, ['--db', db, '--json', json]);
      expect(child.code).toBe(2);
      expect(child.stderr.trim().split('\n')).toHaveLength(1);
      expect(child.stderr).toContain('it is the --db file');
      expect(readFileSync(db, 'utf8')).toBe('{"count": 2}');
    }
  });
});

describe('what a dead run left is removed at the next start', () => {
  it("a runner killed with SIGKILL leaves its folder; the next command removes it, saying so, and keeps a live run's and a stranger's", async () => {
    const tmp = freshTmp();
    let killedPid = 0;
    const killed = await run(['--workload', 'ticket-rush', '--strategy', 'file-lock', '--runner', 'processes', '--latency', 'doc', '--clients', '5', '--processes', '2', '--repeat', '1', '--json', join(scratch, 'killed.json')], {
      env: { TMPDIR: tmp },
      during: async (c) => {
        await runDirectoryIn(tmp);
        killedPid = c.pid ?? 0;
        c.kill('SIGKILL');
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const left = leftIn(tmp);
    expect(left).toHaveLength(1);
    // A live run's folder (this process), one whose pid was reused (a live pid, another start time), and a folder with no owner file.
    const live = join(tmp, 'sync-bench-live');
    const reused = join(tmp, 'sync-bench-reused');
    const stranger = join(tmp, 'sync-bench-stranger');
    for (const dir of [live, reused, stranger]) mkdirSync(dir);
    writeFileSync(join(live, OWNER_FILE), `${process.pid} ${processStartTime(process.pid) ?? ''}\n`);
    writeFileSync(join(reused, OWNER_FILE), `${process.pid} 1\n`);
    const next = await run(['--workload', 'ticket-rush', '--strategy', 'none', '--runner', 'threads', '--latency', 'zero', ...SMALL, '--repeat', '1', '--json', join(scratch, 'next.json')], { env: { TMPDIR: tmp } });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/^removed 2 temporary folders that runs which ended without cleaning up left: .*$/m);
    expect(next.stderr).toContain(`${join(tmp, left[0] ?? '')} (pid ${killedPid} is gone)`);
    expect(next.stderr).toContain(`${reused} (pid ${process.pid} was reused)`);
    expect(leftIn(tmp).sort()).toEqual(['sync-bench-live', 'sync-bench-stranger']);
  });
});

describe('signals and exit', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s cleans up like Ctrl-C: threads and run directories removed, nothing written, exit %i', async (signal, code) => {
    const tmp = freshTmp();
    const json = join(scratch, `${signal}.json`);
    const child = await run(['--workload', 'ticket-rush', '--strategy', 'file-lock', '--latency', 'doc', '--clients', '20', '--repeat', '1', '--json', json], {
      env: { TMPDIR: tmp },
      during: async (c) => {
        await runDirectoryIn(tmp);
        c.kill(signal);
      },
    });
    expect(child.code).toBe(code);
    expect(child.stderr).toContain(`interrupted (${signal}): the run's temporary files and threads were removed; nothing was written`);
    noStackTrace(child.stderr);
    expect(leftIn(tmp)).toEqual([]);
    expect(existsSync(json)).toBe(false);
  });

  it.each([['threads'], ['processes']])('SIGTERM to the whole process group mid-run (%s runner), as a job control or a CI time-out sends it: the same clean-up, and the line is true', async (runner) => {
    const tmp = freshTmp();
    const json = join(scratch, `group-${runner}.json`);
    const child = await run(['--workload', 'ticket-rush', '--strategy', 'file-lock', '--runner', runner, '--latency', 'doc', '--clients', '20', '--repeat', '1', '--json', json], {
      env: { TMPDIR: tmp },
      detached: true,
      during: async (c) => {
        await runDirectoryIn(tmp);
        process.kill(-(c.pid ?? 0), 'SIGTERM');
      },
    });
    expect(child.code, child.stderr).toBe(143);
    expect(child.stderr).toContain("interrupted (SIGTERM): the run's temporary files and threads were removed; nothing was written");
    expect(leftIn(tmp)).toEqual([]);
    expect(existsSync(json)).toBe(false);
  });

  it('the line after an interruption names a run folder that could not be removed instead of saying all was removed', () => {
    expect(interruptedLine('SIGTERM', ['/tmp/sync-bench-abc'])).toBe(
      "interrupted (SIGTERM): the run's threads were ended, but its temporary folder /tmp/sync-bench-abc could not be removed (the next command removes it at its start); nothing was written",
    );
  });

  it('bench:micro stops on SIGTERM too: its threads and temporary directory removed, nothing written, exit 143', async () => {
    const tmp = freshTmp();
    const before = readFileSync(join(root, 'results/micro.json'), 'utf8');
    const child = await run([], {
      script: 'bench/commands/micro.ts',
      env: { TMPDIR: tmp },
      during: async (c) => {
        await expect.poll(() => readdirSync(tmp).some((f) => f.startsWith('sync-bench-micro-')), { timeout: 30_000, interval: 10 }).toBe(true);
        c.kill('SIGTERM');
      },
    });
    expect(child.code).toBe(143);
    expect(child.stderr).toContain('interrupted (SIGTERM)');
    expect(readdirSync(tmp)).toEqual([]);
    expect(readFileSync(join(root, 'results/micro.json'), 'utf8')).toBe(before);
  });

  it('a fault run exits as soon as it is done: no timer keeps it alive', async () => {
    const child = await run(['--fault', 'crash-in-cs', '--strategy', 'none,atomics-mutex', '--latency', 'zero', '--clients', '3', '--repeat', '1', '--json', join(scratch, 'fault.json')]);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stderr).not.toContain('still alive');
    // Far below the 5 s fault timer that used to keep the process alive; a hang, not a speed, is tested.
    expect(child.quietBeforeExitMs).toBeLessThan(2_500);
  });

  it('an entry point whose work is done but that left a timer running exits at once, naming what kept it', async () => {
    const child = await run([], { script: 'test/fixtures/lingering-entry.ts' });
    expect(child.code).toBe(3);
    expect(child.stdout).toBe('done\n');
    expect(child.stderr).toMatch(/^note: still alive 500 ms after the work ended \(.*\bTimeout\b.*\); exiting$/m);
  });

  it('an entry point whose work can never finish exits 1 with one line, not 0', async () => {
    const child = await run([], { script: 'test/fixtures/never-settles-entry.ts' });
    expect(child.code).toBe(1);
    expect(child.stderr).toMatch(/^error: the command stopped with its work unfinished/m);
  });
});

describe('the environment is checked once, at start, with one line', () => {
  it.each([['/proc'], [join(tmpdir(), 'sync-bench-no-such-folder')]])('TMPDIR=%s: exit 2 and what to set, nothing run', async (folder) => {
    const child = await run(['--workload', 'ticket-rush', '--strategy', 'none', '--latency', 'zero', '--repeat', '1'], { env: { TMPDIR: folder } });
    expect(child.code).toBe(2);
    expect(child.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: the temporary folder .* cannot hold a run .*set TMPDIR/)]);
    expect(child.stdout).toBe('');
    expect(existsSync(join(tmpdir(), 'sync-bench-no-such-folder'))).toBe(false);
  });

  it.each([
    ['bench/commands/bench.ts', 'npm run bench'],
    ['bench/commands/sweep.ts', 'npm run bench:sweep'],
  ])('%s: options that npm kept (no --) are refused, not ignored', async (script, command) => {
    // The parser, in this process, with npm's variables as npm would set them.
    const child = await answerTo(script.endsWith('sweep.ts') ? parseSweep : parseBench, [], { npm_config_strategy: 'none', npm_config_repeat: '1' });
    expect(child.code).toBe(2);
    expect(child.stderr.trim()).toBe(`error: npm kept --strategy, --repeat for itself (npm_config_* variables): put -- before the options, e.g. ${command} -- --strategy …`);
  });

  it.each([
    ['bench/commands/bench.ts', ['--list'], 'strategies:'],
    ['bench/commands/compare.ts', ['--help'], 'Usage:'],
    ['bench/commands/sweep.ts', ['--help'], 'Usage:'],
    ['bench/commands/micro.ts', ['--help'], 'Usage:'],
  ])('%s started through a symlinked path runs', async (script, args, expected) => {
    const link = join(scratch, `link-${script.replace(/\W/g, '-')}`);
    symlinkSync(root, link);
    const child = await run(args, { script: join(link, script) });
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain(expected);
  });
});

describe('input edges', () => {
  it('a --db file with a byte-order mark and a count of 0 is accepted, as is --tickets 0', async () => {
    const db = join(scratch, 'bom.json');
    writeFileSync(db, '\uFEFF{"count": 0}');
    for (const args of [['--db', db], ['--tickets', '0']]) {
      const json = join(scratch, 'zero-tickets.json');
      const child = await run(['--workload', 'ticket-rush', '--strategy', 'atomics-mutex', '--runner', 'threads', '--latency', 'zero', '--clients', '4', ...ONE_THREAD, '--repeat', '1', '--json', json, ...args]);
      expect(child.code, child.stderr).toBe(0);
      const [row] = (JSON.parse(readFileSync(json, 'utf8')) as { rows: { sold: number; tickets: number; verdict: string }[] }).rows;
      expect(row).toMatchObject({ sold: 0, tickets: 0, verdict: 'correct' });
    }
  });

  it('--clients 1 --threads 256 starts one thread, and the title says so in the singular', async () => {
    const json = join(scratch, 'one-client.json');
    const child = await run(['--workload', 'ticket-rush', '--strategy', 'none', '--runner', 'threads', '--latency', 'zero', '--clients', '1', '--threads', '256', '--repeat', '1', '--json', json]);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain('1 client on 1 thread');
    const [row] = (JSON.parse(readFileSync(json, 'utf8')) as { rows: { threads: number }[] }).rows;
    expect(row?.threads).toBe(1);
  });
});
