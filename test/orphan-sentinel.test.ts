/**
 * `kill -9` of the runner while `pause-in-cs` has its victim stopped: the stopped victim lived on
 * (its process in a session of its own, so no orphaned-group SIGHUP + SIGCONT reaches it),
 * holding its lock, and the run's other processes waited on it. The sentinel the runner starts
 * when it pauses must end every client process of the run once the runner is gone; with it, the
 * victim's PostgreSQL connection, and so its advisory lock.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresClientConfig, serviceUrls } from '../bench/engines/services.ts';
import { tsWorkerExecArgv } from '../bench/runners/ts-loader.ts';
import { canRun } from './fixtures/services.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-sentinel-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The state letter and parent pid of each live process, from /proc. */
function processes(): { pid: number; ppid: number; state: string }[] {
  const found: { pid: number; ppid: number; state: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.push({ pid: Number(entry), state: fields[0] ?? '', ppid: Number(fields[1]) });
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

const alive = (pids: readonly number[]) => {
  const live = new Set(processes().filter((p) => p.state !== 'Z').map((p) => p.pid));
  return pids.filter((pid) => live.has(pid));
};

describe('kill -9 of the processes runner while the pause-in-cs victim is stopped', () => {
  it('leaves no client process of the run behind, the stopped victim included', async () => {
    const tmp = mkdtempSync(join(scratch, 'tmp-'));
    const runner = spawn(
      process.execPath,
      [...tsWorkerExecArgv, 'bench/commands/bench.ts', '--fault', 'pause-in-cs', '--strategy', 'file-lock', '--runner', 'processes', '--repeat', '1', '--json', join(scratch, 'pause.json')],
      { cwd: root, env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => runner.on('exit', () => resolve()));
    let clients: number[] = [];
    try {
      // The victim is stopped: one of the runner's children is in state T.
      await expect.poll(() => processes().some((p) => p.ppid === runner.pid && p.state === 'T'), { timeout: 40_000, interval: 20 }).toBe(true);
      clients = processes().filter((p) => p.ppid === runner.pid).map((p) => p.pid);
      runner.kill('SIGKILL');
      await exited;
      await expect.poll(() => alive(clients), { timeout: 10_000, interval: 20 }).toEqual([]);
    } finally {
      if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
      for (const pid of alive(clients)) process.kill(-pid, 'SIGKILL');
    }
  });
});

describe.runIf(canRun('pg-advisory'))('kill -9 of the processes runner while the pause-in-cs victim holds a PostgreSQL advisory lock', () => {
  it("leaves no process of the run behind, and no backend of the run's application_name holding a lock", async () => {
    const tmp = mkdtempSync(join(scratch, 'tmp-'));
    const runner = spawn(
      process.execPath,
      [...tsWorkerExecArgv, 'bench/commands/bench.ts', '--fault', 'pause-in-cs', '--strategy', 'pg-advisory', '--runner', 'processes', '--repeat', '1', '--json', join(scratch, 'pause-pg.json')],
      { cwd: root, env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => runner.on('exit', () => resolve()));
    // Every connection of the run names it in application_name: sync_bench_<runner pid>_<hex>.
    const run = `sync\\_bench\\_${String(runner.pid)}\\_%`;
    const client = new pg.Client(postgresClientConfig(serviceUrls().postgres));
    await client.connect();
    /** The run's backends holding a granted advisory lock, and those holding any lock at all. */
    const locks = async () => {
      const { rows } = await client.query<{ advisory: number; any: number }>(
        "SELECT count(*) FILTER (WHERE l.locktype = 'advisory')::int AS advisory, count(*)::int AS any FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.granted AND a.application_name LIKE $1",
        [run],
      );
      return rows[0] ?? { advisory: 0, any: 0 };
    };
    let clients: number[] = [];
    try {
      // The victim is stopped (one of the runner's children in state T), and its backend holds the advisory lock.
      await expect.poll(() => processes().some((p) => p.ppid === runner.pid && p.state === 'T'), { timeout: 60_000, interval: 20 }).toBe(true);
      await expect.poll(async () => (await locks()).advisory, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
      clients = processes().filter((p) => p.ppid === runner.pid).map((p) => p.pid);
      runner.kill('SIGKILL');
      await exited;
      await expect.poll(() => alive(clients), { timeout: 10_000, interval: 20 }).toEqual([]);
      await expect.poll(async () => (await locks()).any, { timeout: 10_000, interval: 50 }).toBe(0);
    } finally {
      if (runner.exitCode === null && runner.signalCode === null) runner.kill('SIGKILL');
      for (const pid of alive(clients)) process.kill(-pid, 'SIGKILL');
      await client.end();
    }
  }, 120_000);
});
