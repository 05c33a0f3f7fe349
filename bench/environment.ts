import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

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
   * results being rewritten do not make the harness dirty); null outside a git checkout.
   */
  readonly commit: string | null;
}

const root = fileURLToPath(new URL('..', import.meta.url));

const MEASURED_PACKAGES = ['piscina', 'proper-lockfile', 'tinybench', 'tsx', 'simple-statistics'];

/** The installed version, read from the package's manifest (some packages do not export it). */
function packageVersion(name: string): string {
  try {
    const manifest = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url));
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string | null {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const changed = git('status', '--porcelain', '--', '.', ':(exclude)results');
    return `${git('describe', '--always')}${changed === '' ? '' : '-dirty'}`;
  } catch {
    return null;
  }
}

export function environment(): Environment {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    packages: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, packageVersion(name)])),
    commit: gitCommit(),
  };
}
