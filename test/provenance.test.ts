import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeHarness, harnessCommit, type Environment } from '../bench/reports/environment.ts';
import { renderFaultMarkdown, type FaultReport } from '../bench/suites/fault-suite.ts';
import { renderMicroMarkdown } from '../bench/commands/micro.ts';
import { renderSweepMarkdown } from '../bench/reports/sweep-report.ts';
import { defaultSweep } from '../bench/suites/sweep.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-provenance-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Another user than the one running the tests: git refuses a checkout this user owns. */
const OTHER_UID = 12345;
const isRoot = process.getuid?.() === 0;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

/** A fresh repository in the scratch folder with one commit on main: its folder, HEAD's hash and `git describe`. */
function repository(name: string): { dir: string; hash: string; described: string } {
  const dir = join(scratch, name);
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'file.txt'), 'one\n');
  git(dir, 'add', 'file.txt');
  git(dir, 'commit', '-q', '-m', 'one');
  return { dir, hash: git(dir, 'rev-parse', 'HEAD'), described: git(dir, 'describe', '--always') };
}

function giveToOtherUser(dir: string): void {
  execFileSync('chown', ['-R', `${OTHER_UID}:${OTHER_UID}`, dir]);
}

/** Runs `fn` with a PATH that holds no git; puts PATH back after. */
function withoutGit<T>(fn: () => T): T {
  const saved = process.env.PATH;
  const empty = mkdtempSync(join(scratch, 'no-git-'));
  process.env.PATH = empty;
  try {
    return fn();
  } finally {
    process.env.PATH = saved;
  }
}

describe('harnessCommit: a checkout owned by another user', () => {
  it.skipIf(!isRoot)('is described by git, which is told to trust it (safe.directory), dirty state included', () => {
    const { dir, described } = repository('owned-by-other');
    giveToOtherUser(dir);
    // Without the exception git refuses, as it did for the harness before.
    expect(() => execFileSync('git', ['describe', '--always'], { cwd: dir, stdio: 'pipe' })).toThrow(/dubious ownership/);

    expect(harnessCommit(dir)).toEqual({ commit: described, commitSource: 'git' });
    writeFileSync(join(dir, 'file.txt'), 'changed\n');
    expect(harnessCommit(dir)).toEqual({ commit: `${described}-dirty`, commitSource: 'git' });
  });

  it.skipIf(!isRoot)('falls back to the .git files, loose ref, when git still refuses (the harness in a subfolder of the checkout)', () => {
    const { dir, hash } = repository('refused-loose');
    const sub = join(dir, 'harness');
    mkdirSync(sub);
    giveToOtherUser(dir);

    const found = harnessCommit(sub);
    expect(found.commit).toBe(hash);
    expect(found.commitSource).toMatch(/^\.git files \(git refused: fatal: detected dubious ownership in repository at '.*refused-loose'\); uncommitted changes unknown$/);
    expect(describeHarness(found)).toBe(`${hash}, read from ${found.commitSource}`);
  });

  it.skipIf(!isRoot)('falls back to the .git files, packed ref, when git still refuses', () => {
    const { dir, hash } = repository('refused-packed');
    git(dir, 'pack-refs', '--all');
    const sub = join(dir, 'harness');
    mkdirSync(sub);
    giveToOtherUser(dir);

    const found = harnessCommit(sub);
    expect(found.commit).toBe(hash);
    expect(found.commitSource).toMatch(/git refused: fatal: detected dubious ownership/);
  });
});

describe('harnessCommit: without git, or without a checkout', () => {
  it('reads HEAD from the .git files when git is not installed, and says so', () => {
    const { dir, hash } = repository('no-git-binary');
    git(dir, 'update-ref', '--no-deref', 'HEAD', hash); // a detached HEAD: the hash itself
    expect(withoutGit(() => harnessCommit(dir))).toEqual({ commit: hash, commitSource: '.git files (git not found); uncommitted changes unknown' });
  });

  it('says why the commit is unknown when the branch has no commit yet', () => {
    const dir = join(scratch, 'unborn');
    mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main');
    const found = withoutGit(() => harnessCommit(dir));
    expect(found.commit).toBeNull();
    expect(found.commitSource).toMatch(/^commit unknown: HEAD names refs\/heads\/main, which has no commit in .*\(git not found\)$/);
  });

  it('gives null and "not a git checkout" for a folder with no .git at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-bench-no-git-'));
    try {
      const found = harnessCommit(dir);
      expect(found.commit).toBeNull();
      expect(found.commitSource).toMatch(/^not a git checkout: no \.git in .*sync-bench-no-git-\w+ or above \(git refused: fatal: not a git repository/);
      expect(describeHarness(found)).toBe(found.commitSource);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('describeHarness in the reports', () => {
  it('reads reports written before commitSource existed as before', () => {
    expect(describeHarness({ commit: 'abc1234-dirty' })).toBe('abc1234-dirty');
    expect(describeHarness({ commit: null })).toBe('not a git checkout');
    expect(describeHarness({ commit: 'abc1234', commitSource: 'git' })).toBe('abc1234');
  });

  it('is the harness line of the fault, sweep and micro reports', () => {
    const environment: Environment = {
      date: '2025-01-01T00:00:00.000Z', cpu: 'cpu', cores: 2, memoryGiB: 1, os: 'os', node: 'v20', packages: {},
      commit: null, commitSource: 'commit unknown: HEAD names refs/heads/main, which has no commit in /x/.git (git not found)',
    };
    const line = `- harness: ${environment.commitSource}\n`;
    const settings = { fault: 'crash-in-cs', strategies: [], latency: 'quick', runners: ['threads'], clients: 2, threads: 2, processes: null, tickets: 2, repeat: 1, services: { redis: 'redis://127.0.0.1:6379', postgres: 'postgres://127.0.0.1:5432/test', rabbitmq: 'amqp://guest:guest@127.0.0.1:5672', nats: 'nats://127.0.0.1:4222' }, skipped: {} } as const;
    const fault: FaultReport = { schema: 'sync-bench/faults@1', environment, command: '', settings, rows: [] };
    expect(renderFaultMarkdown(fault)).toContain(line);
    expect(renderSweepMarkdown({ schema: 'sync-bench/sweep@1', environment, command: '', settings: defaultSweep, rows: [] })).toContain(line);
    expect(renderMicroMarkdown({ schema: 'sync-bench/micro@1', environment, rows: [] })).toContain(line);
  });
});
