/**
 * A strategy's wait must never hold a thread the harness needs to end. A waiter blocked in the
 * kernel's lock call (`fcntl(F_OFD_SETLKW)` on a libuv pool thread) or in SQLite's busy handler
 * (a sleep on the worker thread) could not be stopped: a Ctrl-C during a `flock` run never ended,
 * `hang-in-cs` under `flock` or `sqlite` hung instead of failing at the watchdog, and an SQLite
 * database held by another program kept the command alive until it let go. Each case here runs
 * the real thing (a real signal, a real second program holding the database) and must end
 * within the test's timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnce, type RunResult, type RunSettings } from '../bench/runners/run.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import type { StrategyName } from '../strategies/registry.ts';
import { busySleepMs } from '../strategies/support/sqlite-busy-wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-blocking-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function settings(strategy: StrategyName, more: Partial<RunSettings> = {}): RunSettings {
  return {
    workload: 'ticket-rush',
    strategy,
    runner: 'threads',
    clients: 6,
    threads: 2,
    tickets: 4,
    latency: latencyProfiles.quick,
    seed: 1,
    staggerMs: 0,
    fault: null,
    ...more,
  };
}

function failedWith(result: RunResult, message: RegExp): void {
  expect(result.status, JSON.stringify(result)).toBe('failed');
  if (result.status === 'failed') expect(result.error).toMatch(message);
}

/** Resolves when `child` has exited, with its exit code. */
function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

describe('a waiter never holds a thread the harness needs to end', () => {
  it.each(['flock', 'sqlite', 'sqlite-busy'] as const)('hang-in-cs under threads with %s fails at the watchdog', async (strategy) => {
    const result = await runOnce(settings(strategy, { fault: 'hang-in-cs', limits: { noProgressMs: 1_000 } }));
    failedWith(result, /^no progress for 1 s/);
  });

  it.each(['sqlite', 'sqlite-busy'] as const)(
    '%s fails at the watchdog while another program holds the database in BEGIN EXCLUSIVE',
    async (strategy) => {
      const tmp = mkdtempSync(join(scratch, 'tmp-'));
      // Another program: takes the run's database as soon as it exists, and holds it until killed
      // (or until the test's process ends).
      const holderCode = `
        const { readdirSync, existsSync } = require('node:fs');
        const { join } = require('node:path');
        const Database = require('better-sqlite3');
        const tmp = process.argv[1];
        const timer = setInterval(() => {
          const dir = readdirSync(tmp).find((f) => f.startsWith('sync-bench-'));
          if (dir === undefined || !existsSync(join(tmp, dir, 'db.sqlite'))) return;
          try {
            const db = new Database(join(tmp, dir, 'db.sqlite'), { timeout: 1000 });
            db.exec('BEGIN EXCLUSIVE');
            clearInterval(timer);
            process.stdout.write('held\\n');
          } catch {}
        }, 1);
        // Ends with the test: its stdin closes when the test's process goes.
        process.stdin.on('end', () => process.exit(0)).resume();
      `;
      const holder = spawn(process.execPath, ['-e', holderCode, tmp], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
      const held = new Promise<void>((resolve) => holder.stdout.on('data', () => resolve()));
      // The run makes its temporary directory in `tmp`, where the other program looks for it.
      const before = process.env.TMPDIR;
      const restore = () => {
        if (before === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = before;
      };
      process.env.TMPDIR = tmp;
      try {
        const running = runOnce(settings(strategy, { latency: latencyProfiles.doc, limits: { noProgressMs: 1_000 } }));
        restore();
        await held;
        failedWith(await running, /^no progress for 1 s/);
        // It ended while the other program still holds the database.
        expect(holder.exitCode).toBe(null);
        expect(readdirSync(tmp).filter((f) => f.startsWith('sync-bench-'))).toEqual([]);
      } finally {
        restore();
        holder.kill('SIGKILL');
        await exitOf(holder);
      }
    },
  );

  it("takes SQLite's busy-handler sleeps, within the busy timeout", () => {
    const sleeps: number[] = [];
    for (let count = 0; ; count++) {
      const ms = busySleepMs(count, 500);
      if (ms === null) break;
      sleeps.push(ms);
    }
    expect(sleeps).toEqual([1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100, 100, 72]);
  });
});

describe('npm run bench: Ctrl-C during a flock run under threads', () => {
  it('ends the command with 130 and removes the temporary directory', async () => {
    const tmp = mkdtempSync(join(scratch, 'tmp-'));
    const json = join(scratch, 'flock.json');
    const child = spawn(
      process.execPath,
      [...tsWorkerExecArgv, 'bench/commands/bench.ts', '--strategy', 'flock', '--runner', 'threads', '--latency', 'doc', '--repeat', '1', '--json', json],
      { cwd: root, env: { ...process.env, TMPDIR: tmp } },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = exitOf(child);
    try {
      // Interrupt once the run is under way: a ticket was sold, so the other clients wait on the lock.
      const count = (): number | null => {
        const dir = readdirSync(tmp).find((f) => f.startsWith('sync-bench-'));
        try {
          return dir === undefined ? null : (JSON.parse(readFileSync(join(tmp, dir, 'db.json'), 'utf8')) as { count: number }).count;
        } catch {
          return null;
        }
      };
      await expect.poll(count, { timeout: 30_000, interval: 20 }).not.toBe(null);
      const initial = count();
      await expect.poll(count, { timeout: 30_000, interval: 20 }).not.toBe(initial);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toContain("interrupted (SIGINT): the run's temporary files and threads were removed");
    expect(readdirSync(tmp).filter((f) => f.startsWith('sync-bench-'))).toEqual([]);
  });
});
