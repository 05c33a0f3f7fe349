import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Longest a command line may take to be answered, ms. The real measurement takes over a minute
 * and writes results/ only at its end, so a micro.ts that ignored its arguments and started
 * measuring is killed long before it could write anything: no test here runs the benchmark.
 */
const ANSWER_MS = 10_000;

async function micro(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...tsWorkerExecArgv, 'bench/commands/micro.ts', ...args], { cwd: root, timeout: ANSWER_MS, killSignal: 'SIGKILL' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number | null; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** sha256 of each results file of bench:micro, or 'absent'. */
function resultsHashes(): Record<string, string> {
  return Object.fromEntries(
    ['results/micro.json', 'results/micro.md'].map((file) => {
      const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
      return [file, existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : 'absent'];
    }),
  );
}

describe('npm run bench:micro: bad command lines', () => {
  const bad: [string[], RegExp][] = [
    [['--frobnicate'], /^error: unknown option '--frobnicate'; run with --help for the accepted options$/],
    [['extra'], /^error: too many arguments.*; run with --help for the accepted options$/],
  ];

  it.each(bad)('%j: exit code 2, one line on stderr, nothing run or written', async (args, message) => {
    const before = resultsHashes();
    const { code, stdout, stderr } = await micro(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr.trimEnd()).toMatch(message);
    expect(resultsHashes()).toEqual(before);
  });
});

describe('npm run bench:micro: --help', () => {
  it('prints the usage on stdout and exits 0, running nothing', async () => {
    const before = resultsHashes();
    const { code, stdout, stderr } = await micro('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run bench:micro/);
    expect(stdout).toMatch(/-h, --help/);
    expect(stdout).toMatch(/results\/micro\.md/);
    expect(stderr).toBe('');
    expect(resultsHashes()).toEqual(before);
  });
});
