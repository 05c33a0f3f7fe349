/**
 * Provenance that tells the truth: the load average at the start and the end of a run, a warning
 * when other processes or another sync-bench run kept the machine busy, and what else a reader of
 * a committed table needs (the temporary folder's file system, the run's end).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { environment, environmentAtStart, finishEnvironment } from '../bench/reports/environment.ts';
import { renderMarkdown, type Report } from '../bench/reports/report.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const started: ChildProcess[] = [];
const orphans: number[] = [];

afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const pid of orphans.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Another "run": a process that calls environmentAtStart() and then waits to be killed. */
async function otherRun(): Promise<ChildProcess> {
  const script = `import { environmentAtStart } from './bench/reports/environment.ts'; environmentAtStart(); console.log('ready'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, [...tsWorkerExecArgv, '--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the other run exited early (${code})`)));
  });
  return child;
}

/**
 * Busy loops on every core, started through a shell that exits at once: they are not this
 * process's children, so their CPU time is other processes', as another user's would be.
 */
async function busyOtherProcesses(seconds: number): Promise<void> {
  const loop = `const end = Date.now() + ${seconds * 1000}; while (Date.now() < end);`;
  const count = os.cpus().length;
  const { stdout } = await promisify(execFile)('sh', ['-c', `for i in $(seq ${count}); do '${process.execPath}' -e '${loop}' & echo $!; done`]);
  orphans.push(...stdout.trim().split('\n').map(Number));
}

describe('environmentAtStart / finishEnvironment', () => {
  it('keep the load average at the start and the end and the end time, and say nothing on a quiet machine', () => {
    const start = environmentAtStart();
    const lines: string[] = [];
    const env = finishEnvironment(start, (line) => lines.push(line));
    expect(env.load?.loadAverageStart).toHaveLength(3);
    expect(env.load?.loadAverageEnd).toHaveLength(3);
    expect(Date.parse(env.endDate ?? '')).toBeGreaterThanOrEqual(Date.parse(env.date));
    expect(lines).toEqual((env.load?.warnings ?? []).map((w) => `warning: ${w}\n`));
    expect(env.load?.concurrentRuns).toEqual([]);
  });

  it('warn, on the terminal and in the file, when another sync-bench run overlaps this one', async () => {
    const start = environmentAtStart();
    const other = await otherRun();
    const lines: string[] = [];
    const env = finishEnvironment(start, (line) => lines.push(line));
    expect(env.load?.concurrentRuns.join(' ')).toContain(`pid ${other.pid}`);
    expect(lines.join('')).toMatch(/^warning: another sync-bench run overlapped this one \(pid \d+/);
    const markdown = renderMarkdown({ schema: 'sync-bench/results@1', environment: env, command: '', settings: {}, rows: [] } as unknown as Report);
    expect(markdown).toMatch(/^- machine load: load average \(1, 5, 15 min\) [\d.]+ [\d.]+ [\d.]+ at start, [\d.]+ [\d.]+ [\d.]+ at end/m);
    expect(markdown).toMatch(/^- \*\*warning\*\*: another sync-bench run overlapped this one/m);
    expect(markdown).toMatch(/^- run: \S+ to \S+$/m);
  });

  it('warn when other processes kept the cores busy during the run', async () => {
    const start = environmentAtStart();
    await busyOtherProcesses(2);
    await sleep(1000);
    const lines: string[] = [];
    const env = finishEnvironment(start, (line) => lines.push(line));
    expect(env.load?.otherProcessesCores ?? 0).toBeGreaterThan(0);
    expect(lines.join('')).toMatch(/warning: other processes kept [\d.]+ of the \d+ cores busy on average during the run/);
  });
});

describe('environment', () => {
  it.skipIf(process.platform !== 'linux')('names the temporary folder and its file system, where db files and locks live', () => {
    expect(environment().tempFileSystem).toMatch(/^\/\S* on \S+$/);
    const markdown = renderMarkdown({ schema: 'sync-bench/results@1', environment: environment(), command: '', settings: {}, rows: [] } as unknown as Report);
    expect(markdown).toMatch(/^- temporary folder \(db files, locks\): \/\S* on \S+$/m);
  });
});
