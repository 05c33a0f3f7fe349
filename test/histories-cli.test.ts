import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../bench/commands/check-history.ts';
import { writeHistoryFile } from '../bench/histories/history-writer.ts';
import { ticketRushHistory } from '../bench/histories/synthetic.ts';
import { answerTo } from './helpers/in-process.ts';
import { killRunningCommands, runCommand } from './helpers/run-command.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-check-history-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(killRunningCommands);

/**
 * `npm run check-history -- ARGS`, in this process: the command's main (it reads a file and
 * searches, nothing more), its exit code and what it writes. One test runs it as a process of its
 * own, to see the exit code leave the process.
 */
const checkHistory = (args: string[], env: Record<string, string> = {}) => answerTo(main, args, env);

const fixture = (name: string) => `test/fixtures/histories/${name}`;

describe('npm run check-history: the Jepsen printed fixtures', () => {
  const cases: [string, string[], number, RegExp[]][] = [
    ['register-read-overlaps-write.jepsen.txt', ['--model', 'cas-register'], 0, [/verdict: linearizable/]],
    ['info-write-explains-read.jepsen.txt', ['--model', 'cas-register'], 0, [/2 operations: 1 ok, 0 fail, 1 info; 2 processes/, /verdict: linearizable/]],
    ['cas-failed-did-not-happen.jepsen.txt', ['--model', 'cas-register'], 0, [/1 fail/, /verdict: linearizable/]],
    ['tickets-one-bought.jepsen.txt', ['--model', 'ticket-counter', '--tickets', '1'], 0, [/1 ticket at the start/, /verdict: linearizable/]],
    ['register-read-never-written.jepsen.txt', ['--model', 'cas-register'], 1, [/verdict: not linearizable/, /this operation cannot be put in an order/, /#1 +1 +line 3 +line 4 +ok +read\(\) -> 2/]],
    [
      'register-stale-read.jepsen.txt',
      ['--model', 'cas-register'],
      1,
      [/these 2 operations/, /#1 +1 +line 2 +line 3 +ok +read\(\) -> 1/, /#2 +2 +line 4 +line 5 +ok +read\(\) -> nil/, /taken as outcome-unknown:\n.*\n +#0 +0 +line 1 +line 6 +ok +write\(1\)/],
    ],
    ['cas-both-succeed.jepsen.txt', ['--model', 'cas-register'], 1, [/#1 .*cas\(0, 1\)/, /#2 .*cas\(0, 2\)/, /making any one of them outcome-unknown would make it linearizable/]],
    ['tickets-two-bought.jepsen.txt', ['--model', 'ticket-counter'], 1, [/1 ticket at the start/, /#0 .*buy\(\) -> bought/, /#1 .*buy\(\) -> bought/]],
    ['tickets-two-bought.jepsen.txt', ['--model', 'ticket-counter', '--tickets', '2'], 0, [/2 tickets at the start/, /verdict: linearizable/]],
  ];

  it.each(cases)('%s %j: exit %i', async (file, args, code, patterns) => {
    const result = await checkHistory([fixture(file), ...args]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(code);
    expect(result.stdout).toContain(`history: ${fixture(file)} (Jepsen printed history, times are line numbers;`);
    for (const p of patterns) expect(result.stdout).toMatch(p);
  });

  it('a step budget too small for the search: unknown, exit 3', async () => {
    const result = await checkHistory([fixture('cas-both-succeed.jepsen.txt'), '--model', 'cas-register', '--budget-steps', '1']);
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/verdict: unknown: the search ran out of its budget \(10000 ms, 1 steps, 10000000 configurations in memory\)/);
  });
});

describe('npm run check-history in a process of its own', () => {
  it('a history that is not linearizable: exit 1, the window on stdout, nothing on stderr', async () => {
    const file = fixture('register-read-never-written.jepsen.txt');
    const result = await runCommand('bench/commands/check-history.ts', [file, '--model', 'cas-register'], { env: { TSX_DISABLE_CACHE: '1' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`history: ${file} (Jepsen printed history, times are line numbers;`);
    expect(result.stdout).toMatch(/#1 +1 +line 3 +line 4 +ok +read\(\) -> 2/);
  });
});

describe('npm run check-history: JSON lines as the harness writes them', () => {
  it('1000 clients served one at a time: linearizable; 50 unserialised: not linearizable, window of two buyers, times in ms', async () => {
    const serial = await writeHistoryFile(scratch, ['ticket-rush', 'quick', 'lock', 1000], ticketRushHistory({ clients: 1000, tickets: 1, readMs: 10, writeMs: 20, mode: 'serial' }));
    const ok = await checkHistory([serial, '--model', 'ticket-counter']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/\(JSON lines, times in ms; 1000 operations: 1000 ok, 0 fail, 0 info; 1000 processes\)/);
    const none = await writeHistoryFile(scratch, ['ticket-rush', 'doc', 'none', 50], ticketRushHistory({ clients: 50, tickets: 1, readMs: 100, writeMs: 200, mode: 'unserialised' }));
    const bad = await checkHistory([none, '--model', 'ticket-counter', '--budget-ms', '60000']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/#0 +0 +0 ms +300 ms +ok +buy\(\) -> bought/);
    expect(bad.stdout).toMatch(/#1 +1 +0 ms +300\.001 ms +ok +buy\(\) -> bought/);
  });
});

describe('npm run check-history: numbers a double cannot hold', () => {
  it('an invoke 100 ns after a completion at 2^60 ns (epoch times): ordered, not linearizable, times shown after the first event', async () => {
    const result = await checkHistory([fixture('register-epoch-ns-100-apart.jsonl'), '--model', 'cas-register']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("(JSON lines, times in ms from the first event (at 1152921504606846976 ns); 2 operations: 2 ok");
    expect(result.stdout).toMatch(/#1 +1 +0\.0011 ms +0\.005 ms +ok +read\(\) -> nil/);
    expect(result.stdout).toMatch(/#0 +0 +0 ms +0\.001 ms +ok +write\(1\)/);
  });
});

describe('npm run check-history: bad command lines and files', () => {
  const broken = join(scratch, 'broken.jepsen.txt');
  writeFileSync(broken, '0\t:invoke\t:read\tnil\n0\t:ok\t:write\t1\n');
  const bad: [string[], RegExp][] = [
    [[], /missing required argument 'file'/],
    [[fixture('cas-both-succeed.jepsen.txt')], /--model is required: give one of cas-register, ticket-counter/],
    [[fixture('cas-both-succeed.jepsen.txt'), '--model', 'queue'], /--model 'queue' is not accepted: give one of cas-register, ticket-counter/],
    [[fixture('cas-both-succeed.jepsen.txt'), '--model', 'cas-register', '--tickets', '3'], /--tickets is not accepted with --model cas-register/],
    [[fixture('tickets-two-bought.jepsen.txt'), '--model', 'ticket-counter', '--tickets', '-1'], /--tickets '-1' is not accepted: give a whole number from 0 to 1000000/],
    [[fixture('cas-both-succeed.jepsen.txt'), '--model', 'cas-register', '--budget-ms', '0'], /--budget-ms '0' is not accepted: give a whole number from 1 to 86400000/],
    [[fixture('cas-both-succeed.jepsen.txt'), '--model', 'cas-register', '--frobnicate'], /unknown option '--frobnicate'; run with --help/],
    [['no/such/file.jepsen.txt', '--model', 'cas-register'], /no\/such\/file\.jepsen\.txt: cannot read no\/such\/file\.jepsen\.txt \(ENOENT\)/],
    [[broken, '--model', 'cas-register'], /broken\.jepsen\.txt: line 2: process 0 completes write but invoked read \(line 1\)/],
    [[fixture('tickets-two-bought.jepsen.txt'), '--model', 'cas-register'], /tickets-two-bought\.jepsen\.txt: operation 0 \(process 0\): the cas register has no function 'buy'/],
    [[fixture('cas-both-succeed.jepsen.txt'), '--model', 'ticket-counter'], /the ticket counter has no function 'write'/],
  ];

  it.each(bad)('%j: exit 2, one line on stderr, nothing on stdout', async (args, message) => {
    const { code, stdout, stderr } = await checkHistory(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('refuses options npm kept for itself (no -- before them)', async () => {
    const { code, stderr } = await checkHistory([fixture('cas-both-succeed.jepsen.txt')], { npm_config_model: 'cas-register' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/npm kept --model for itself/);
  });

  it('--help lists the options and exit codes', async () => {
    const { code, stdout } = await checkHistory(['--help']);
    expect(code).toBe(0);
    for (const s of ['--model <name>', 'cas-register,', 'ticket-counter', '--tickets <n>', '--budget-ms <n>', '--budget-steps <n>', 'Exit code 0: linearizable']) expect(stdout).toContain(s);
  });
});
