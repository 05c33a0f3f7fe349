import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listing, parse } from '../bench/commands/bench.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import { strategies, strategyNames } from '../strategies/registry.ts';
import { displayWidth } from '../bench/reports/text-width.ts';
import { answerTo } from './helpers/in-process.ts';
import { killRunningCommands, root, runCommand } from './helpers/run-command.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(killRunningCommands);

const bench = (...args: string[]) => runCommand('bench/commands/bench.ts', args);

describe('npm run bench: bad command lines', () => {
  const bad: [string[], RegExp][] = [
    [['--clients', '0'], /--clients '0'.*1 to 4096/],
    [['--clients', '-3'], /--clients '-3'/],
    [['--clients', '2.5'], /--clients '2.5'/],
    [['--repeat', '0'], /--repeat '0'.*1 to 100/],
    [['--threads', 'many'], /--threads 'many'/],
    [['--tickets', '99999999'], /--tickets '99999999'.*0 to 1000000/],
    [['--strategy', 'spinlock'], new RegExp(`--strategy 'spinlock'.*${strategyNames.join(', ')}`)],
    [['--workload', 'ticket-rush,nope'], /--workload 'ticket-rush,nope'.*ordered-print, ticket-rush/],
    [['--latency', 'slow'], /--latency 'slow'.*doc, quick, zero/],
    [['--json', '/no/such/dir/out.json'], /--json '\/no\/such\/dir\/out.json'.*does not exist or is not writable/],
    [['--db', '/no/such/db.json'], /--db '\/no\/such\/db.json' is not accepted: cannot read it \(ENOENT\)/],
    [['--db', 'package-lock.json'], /--db 'package-lock.json' is not accepted: it needs an integer "count"/],
    [['--db', 'README.md'], /--db 'README.md' is not accepted: it is not valid JSON/],
    [['--fault', 'meteor'], /--fault 'meteor' is not accepted: give one of crash-in-cs, hang-in-cs, pause-in-cs, crash-server, crash-owner, partition, partition-drop, crash-after-answer$/m],
    [['--fault', 'crash-in-cs', '--workload', 'ordered-print'], /--workload 'ordered-print' is not accepted with --fault/],
    [['--fault', 'crash-in-cs', '--clients', '1'], /--clients '1' is not accepted with --fault: give at least 2/],
    [['--json', 'results'], /--json 'results' is not accepted: it is a directory/],
    [['--db', '/dev/zero'], /--db '\/dev\/zero' is not accepted: it is not a regular file/],
    [['--fault', 'crash-in-cs,hang-in-cs'], /--fault 'crash-in-cs,hang-in-cs' is not accepted: give one of crash-in-cs, hang-in-cs, pause-in-cs, crash-server, crash-owner, partition, partition-drop, crash-after-answer/],
    [['--frobnicate'], /unknown option '--frobnicate'; run with --help for the accepted options/],
    [['--repeat'], /option '--repeat <n>' argument missing; run with --help/],
    [['--redis', 'http://127.0.0.1:6379'], /--redis 'http:\/\/127.0.0.1:6379' is not accepted: give a redis: or rediss: URL/],
    [['--postgres', 'nonsense'], /--postgres 'nonsense' is not accepted: it is not a URL/],
    [['--rtt', '-1'], /--rtt '-1' is not accepted: give a number from 0 to 10000/],
    [['--rtt', 'fast'], /--rtt 'fast' is not accepted/],
    [['--fault', 'crash-in-cs', '--rtt', '1'], /--rtt is not accepted with --fault/],
    [['--min-repeat', '0'], /--min-repeat '0'.*1 to 100/],
    [['--repeat', '3', '--min-repeat', '5'], /--min-repeat '5' is not accepted: it is more than --repeat 3/],
    [['--fault', 'crash-in-cs', '--min-repeat', '2'], /--min-repeat is not accepted with --fault/],
  ];

  // The parser, in this process: what main prints and returns before it runs anything.
  it.each(bad)('%j: exit code 2, one line naming the flag and what is accepted, nothing run', async (args, message) => {
    // Where the case's own --json points, or a path of ours: nothing may be written there.
    const json = args[0] === '--json' ? join(root, args[1] ?? '') : join(scratch, 'should-not-exist.json');
    const before = existsSync(json) && statSync(json).isDirectory() ? readdirSync(json).sort() : null;
    const { code, stdout, stderr } = await answerTo(parse, [...(args[0] === '--json' ? [] : ['--json', json]), ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    if (before === null) expect(existsSync(json)).toBe(false);
    else expect(readdirSync(json).sort()).toEqual(before);
  });

  it('the command itself, in a process of its own: exit code 2, one line, nothing run or written', async () => {
    const json = join(scratch, 'should-not-exist.json');
    const { code, stdout, stderr } = await bench('--json', json, '--clients', '0');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^error: --clients '0' is not accepted: give a whole number from 1 to 4096$/)]);
    expect(existsSync(json)).toBe(false);
  });

  it('the limits themselves are accepted, read as the settings given', async () => {
    const args = ['--workload', 'ticket-rush', '--clients', '4096', '--tickets', '0', '--repeat', '100', '--min-repeat', '100', '--rtt', '10000'];
    expect(await answerTo(parse, args)).toEqual({ code: null, stdout: '', stderr: '' });
    expect(parse(args)).toMatchObject({ mode: 'suite', suite: { workloads: ['ticket-rush'], clients: 4096, tickets: 0, repeat: 100, minRepeat: 100, rttMs: 10_000 } });
  });
});

describe('npm run bench: good command lines', () => {
  it('--list fits the output width: at 80 and 100 columns no line is wider, every description kept', () => {
    for (const width of [80, 100]) {
      const text = listing(width);
      expect(Math.max(...text.split('\n').map((l) => displayWidth(l)))).toBeLessThanOrEqual(width);
      for (const name of strategyNames) expect(text.replace(/\s+/g, ' ')).toContain(strategies[name].description.replace(/\s+/g, ' '));
    }
  });

  it('--list names every strategy with its paradigm', () => {
    // In this process: the command line read as the listing, and the listing's text. A real
    // process prints it in cli-failures.test.ts (started through a symlink).
    expect(parse(['--list'])).toEqual({ mode: 'list' });
    const stdout = listing(100);
    for (const name of [...strategyNames, 'ticket-rush', 'ordered-print', 'doc', 'zero']) {
      expect(stdout).toContain(name);
    }
    for (const name of strategyNames) expect(stdout).toContain(strategies[name].paradigm);
  });

  it('a fault named alone rewrites its results file where it has one (crash-in-cs, pause-in-cs, crash-owner, crash-server, partition, partition-drop), never with other settings', () => {
    const saves = (argv: string[]) => (parse(argv) as { isDefault?: boolean }).isDefault;
    for (const fault of ['crash-in-cs', 'pause-in-cs', 'crash-owner', 'crash-server', 'partition', 'partition-drop']) {
      expect(saves(['--fault', fault])).toBe(true);
      expect(saves(['--fault', fault, '--repeat', '1'])).toBe(false);
    }
    for (const fault of ['hang-in-cs', 'crash-after-answer']) expect(saves(['--fault', fault])).toBe(false);
  });

  it('a small run prints its table and writes JSON rows with the documented fields', async () => {
    const json = join(scratch, 'run.json');
    const { code, stdout } = await bench('--workload', 'ticket-rush', '--strategy', 'none,atomics-mutex', '--runner', 'threads', '--latency', 'zero', '--clients', '8', '--threads', '1', '--repeat', '1', '--json', json);
    expect(code).toBe(0);
    expect(stdout).toContain('atomics-mutex');
    expect(stdout).toContain('wall (ms)');
    const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: Record<string, unknown>[] };
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      for (const key of ['workload', 'strategy', 'latency', 'clients', 'wallMs', 'throughput', 'verdict', 'violations', 'sold', 'oversold', 'finalCount', 'lostUpdates', 'tornReads']) {
        expect(row).toHaveProperty(key);
      }
    }
  });
});

describe('npm run bench: Ctrl-C', () => {
  it('stops the run, removes its temporary directory and threads, and leaves results/ as it was', async () => {
    const digest = () =>
      createHash('sha256')
        .update(
          (readdirSync(join(root, 'results'), { recursive: true }) as string[])
            .filter((f) => statSync(join(root, 'results', f)).isFile())
            .sort()
            .map((f) => `${f}\0${readFileSync(join(root, 'results', f), 'utf8')}`)
            .join('\0'),
        )
        .digest('hex');
    const before = digest();
    const tmp = mkdtempSync(join(scratch, 'tmp-'));
    // The default suite: the one run that rewrites results/, at its end.
    const child = spawn(process.execPath, [...tsWorkerExecArgv, 'bench/commands/bench.ts'], { cwd: root, env: { ...process.env, TMPDIR: tmp } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Interrupt once a run is under way: its temporary directory exists.
      await expect.poll(() => readdirSync(tmp).some((f) => f.startsWith('sync-bench-')), { timeout: 30_000, interval: 50 }).toBe(true);
      // Twice, as a terminal's Ctrl-C can arrive both directly and forwarded by a launcher.
      child.kill('SIGINT');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      // Whatever failed above, the default suite never goes on to rewrite results/ after this test.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toContain("interrupted (SIGINT): the run's temporary files and threads were removed; nothing was written");
    expect(readdirSync(tmp).filter((f) => f.startsWith('sync-bench-'))).toEqual([]);
    expect(digest()).toBe(before);
  });
});
