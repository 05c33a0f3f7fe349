import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSystemOf } from './file-system.ts';
import { wrapText } from './text-width.ts';
import { loadAtEnd, loadAtStart, type LoadStart, type MachineLoad } from './machine-load.ts';

/** Where a set of figures came from. */
export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** Versions of the packages that take part in the measurement. */
  readonly packages: Record<string, string>;
  /**
   * `git describe` of the harness, with "-dirty" for uncommitted changes outside `results/` (the
   * results being rewritten do not make the harness dirty); the full hash of HEAD when git would
   * not answer and it was read from the `.git` files (see `commitSource`); null when it is unknown.
   */
  readonly commit: string | null;
  /**
   * How `commit` was read, or why it is null (see {@link HarnessCommit}). Absent from reports
   * written before it existed; {@link describeHarness} reads either.
   */
  readonly commitSource?: string;
  /**
   * The file system of the temporary folder, where every run's db file, lock and logs live
   * ("/tmp on ext4"): file-lock and the db's reads and writes go through it. Absent from reports
   * written before it existed, and where /proc/mounts cannot be read.
   */
  readonly tempFileSystem?: string;
  /**
   * What limits the CPUs beyond their count, where the machine says: the cgroup CPU quota
   * ("cgroup quota 1.5 CPUs") and the frequency governor of cpu0 ("governor powersave"). Empty or
   * absent when neither is known.
   */
  readonly cpuLimits?: readonly string[];
  /** Environment variables that change how Node runs the harness (NODE_OPTIONS, UV_THREADPOOL_SIZE), when set. */
  readonly variables?: Readonly<Record<string, string>>;
  /** When the run ended (ISO 8601; `date` is when it started). Only in reports from {@link finishEnvironment}. */
  readonly endDate?: string;
  /** How busy the machine was during the run (see `machine-load.ts`). Only in reports from {@link finishEnvironment}. */
  readonly load?: MachineLoad;
}

/** The harness's commit and how it was found. */
export interface HarnessCommit {
  /** As `Environment.commit`. */
  readonly commit: string | null;
  /**
   * `'git'` when git described it (uncommitted changes known); when read from the `.git` files,
   * `".git files (git refused: <first line of git's error>); uncommitted changes unknown"` (or
   * "git not found", "git failed: …"); when null, why, e.g. `'not a git checkout: no .git in <dir>
   * or above (git …)'` or `'commit unknown: HEAD names refs/heads/main, which has no commit …'`.
   */
  readonly commitSource: string;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

const MEASURED_PACKAGES = ['piscina', 'proper-lockfile', 'tinybench', 'tsx', 'simple-statistics'];

/** The installed version, read from the package's manifest (some packages do not export it). */
function packageVersion(name: string): string {
  try {
    const manifest = fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url));
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** Why a git command failed, in one line: the first line of its stderr, or why it did not start. */
function gitFailure(error: unknown): string {
  const e = error as { stderr?: unknown; code?: unknown; message?: unknown };
  const stderr = typeof e.stderr === 'string' ? e.stderr.trim().split('\n')[0] : undefined;
  if (stderr !== undefined && stderr !== '') return `git refused: ${stderr}`;
  if (e.code === 'ENOENT') return 'git not found';
  return `git failed: ${String(e.message ?? error).split('\n')[0]}`;
}

/**
 * Asks git for the commit of `dir`, trusting it (`-c safe.directory=<dir>`: the user runs this
 * harness's code, so its checkout is theirs to trust even when another user owns it). Throws
 * git's error when git is missing or refuses.
 */
function describeWithGit(dir: string): string {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', `safe.directory=${dir}`, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const changed = git('status', '--porcelain', '--', '.', ':(exclude)results');
  return `${git('describe', '--always')}${changed === '' ? '' : '-dirty'}`;
}

/** The git directory of the checkout holding `dir` (its `.git`, or where a `.git` file points), or null. */
function findGitDir(dir: string): string | null {
  for (let at = dir; ; at = dirname(at)) {
    const dotGit = join(at, '.git');
    try {
      if (statSync(dotGit).isDirectory()) return dotGit;
      const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
      if (pointer !== undefined) return resolve(at, pointer.trim());
    } catch {
      // No .git here: look further up, as git does.
    }
    if (dirname(at) === at) return null;
  }
}

const HASH = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * HEAD's commit read from the files of `gitDir` without git: `HEAD`, then the loose ref it names
 * or its line in `packed-refs` (in the common directory for a linked worktree). Throws an Error
 * saying what is missing.
 */
function readHead(gitDir: string): string {
  const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
  if (HASH.test(head)) return head;
  const ref = /^ref: (\S+)$/.exec(head)?.[1];
  if (ref === undefined) throw new Error(`${join(gitDir, 'HEAD')} is neither a hash nor a ref`);
  let common = gitDir;
  try {
    common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    // Not a linked worktree: the refs are in gitDir itself.
  }
  for (const base of new Set([gitDir, common])) {
    try {
      const loose = readFileSync(join(base, ref), 'utf8').trim();
      if (HASH.test(loose)) return loose;
    } catch {
      // Not a loose ref here; try the next place.
    }
  }
  try {
    for (const line of readFileSync(join(common, 'packed-refs'), 'utf8').split('\n')) {
      const [hash, name] = line.trim().split(' ');
      if (name === ref && hash !== undefined && HASH.test(hash)) return hash;
    }
  } catch {
    // No packed-refs: the ref does not exist.
  }
  throw new Error(`HEAD names ${ref}, which has no commit in ${common}`);
}

/**
 * The commit of the checkout holding `dir` (by default the harness's own folder): from git when it
 * answers; else read from the `.git` files, with why git did not answer; else null, with why.
 * Never throws.
 */
export function harnessCommit(dir: string = root): HarnessCommit {
  let at: string;
  try {
    // git compares safe.directory with the physical path, without a trailing slash.
    at = realpathSync.native(dir);
  } catch (error) {
    return { commit: null, commitSource: `commit unknown: cannot open ${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  let why: string;
  try {
    return { commit: describeWithGit(at), commitSource: 'git' };
  } catch (error) {
    why = gitFailure(error);
  }
  const gitDir = findGitDir(at);
  if (gitDir === null) return { commit: null, commitSource: `not a git checkout: no .git in ${at} or above (${why})` };
  try {
    return { commit: readHead(gitDir), commitSource: `.git files (${why}); uncommitted changes unknown` };
  } catch (error) {
    return { commit: null, commitSource: `commit unknown: ${(error as Error).message} (${why})` };
  }
}

/**
 * The "harness" line of a report: the commit, with how it was read when git did not describe it,
 * or why it is unknown. Reports written before `commitSource` existed give the commit or
 * "not a git checkout".
 */
export function describeHarness(env: Pick<Environment, 'commit' | 'commitSource'>): string {
  if (env.commit === null) return env.commitSource ?? 'not a git checkout';
  return env.commitSource === undefined || env.commitSource === 'git' ? env.commit : `${env.commit}, read from ${env.commitSource}`;
}

/** "<dir> on <type>" for the temporary folder (see `file-system.ts`); undefined where unknown. */
function tempFileSystem(): string | undefined {
  const found = fileSystemOf(os.tmpdir());
  return found === undefined ? undefined : `${found.dir} on ${found.type}`;
}

function readFirstLine(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
}

/** The cgroup CPU quota (v2 `cpu.max`, else v1 `cpu.cfs_quota_us`) and cpu0's frequency governor, where the machine has them. */
function cpuLimits(): string[] {
  const limits: string[] = [];
  const v2 = readFirstLine('/sys/fs/cgroup/cpu.max')?.split(' ');
  const v1 = [readFirstLine('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'), readFirstLine('/sys/fs/cgroup/cpu/cpu.cfs_period_us')];
  const [quota, period] = v2 !== undefined ? v2 : v1;
  if (quota !== undefined && period !== undefined) {
    const cpus = Number(quota) / Number(period);
    limits.push(quota === 'max' || quota === '-1' || !Number.isFinite(cpus) ? 'cgroup quota none' : `cgroup quota ${cpus.toFixed(2)} CPUs`);
  }
  const governor = readFirstLine('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor');
  if (governor !== undefined && governor !== '') limits.push(`governor ${governor}`);
  return limits;
}

/** The variables that change how Node runs, when set. */
function variables(): Record<string, string> {
  return Object.fromEntries(['NODE_OPTIONS', 'UV_THREADPOOL_SIZE'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
}

/** The environment as a run starts, and the machine's load then (see {@link finishEnvironment}). */
export interface EnvironmentStart {
  readonly environment: Environment;
  readonly load: LoadStart;
}

/**
 * Call as a run starts: the environment (as {@link environment}) and the machine's load now, and
 * a marker other runs can see. Never throws.
 */
export function environmentAtStart(): EnvironmentStart {
  return { environment: environment(), load: loadAtStart() };
}

/**
 * Call as a run ends, for its report: the environment of `start` with the end time and how busy
 * the machine was meanwhile (load average at start and end, other processes' CPU, overlapping
 * sync-bench runs). Each warning (the machine was busy) is also written to `warn`, by default
 * standard error as "warning: …" (wrapped to a terminal's width), so the terminal shows what the
 * file keeps. Never throws.
 */
export function finishEnvironment(start: EnvironmentStart, warn: (line: string) => void = (line) => process.stderr.write(line)): Environment {
  const load = loadAtEnd(start.load);
  const width = process.stderr.isTTY ? process.stderr.columns : Infinity;
  for (const warning of load.warnings) warn(`${wrapText(`warning: ${warning}`, width - 1).join('\n')}\n`);
  return { ...start.environment, endDate: new Date().toISOString(), load };
}

/**
 * Where a set of figures came from, as far as it is known without measuring: machine, runtime,
 * packages, harness commit, temporary file system, CPU limits and Node's variables. Never throws.
 */
export function environment(): Environment {
  const { commit, commitSource } = harnessCommit();
  const temp = tempFileSystem();
  const vars = variables();
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    packages: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, packageVersion(name)])),
    commit,
    commitSource,
    ...(temp === undefined ? {} : { tempFileSystem: temp }),
    cpuLimits: cpuLimits(),
    ...(Object.keys(vars).length === 0 ? {} : { variables: vars }),
  };
}
