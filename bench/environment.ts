import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

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
  /** `git describe` of the harness, with "-dirty" for uncommitted changes; null outside a git checkout. */
  readonly commit: string | null;
}

const MEASURED_PACKAGES = ['piscina', 'proper-lockfile', 'tinybench', 'tsx', 'simple-statistics'];

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
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
