import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from '../bench/commands/micro.ts';
import { answerTo } from './helpers/in-process.ts';

/**
 * The command line is read by micro's parser, in this process: it returns (accepted) or throws (a
 * usage error, or after --help), and only main, never called here, measures. No test here runs
 * the benchmark. (A real process of bench:micro is stopped by SIGTERM in cli-failures.test.ts.)
 */
const micro = (...args: string[]) => answerTo(parse, args);

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
