/**
 * `crash-server` on the harness's private servers (see `bench/faults/private-servers.ts`), and the
 * outcomes nobody knows that it leaves (see `bench/runners/outcome-unknown.ts`). Each check runs
 * real servers: skipped, saying so, on a machine without redis-server or initdb.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashServer, type CrashServerStage } from '../bench/faults/crash-server.ts';
import { findProgram } from '../bench/faults/private-servers.ts';
import { serviceUrls } from '../bench/engines/services.ts';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import type { StrategyName } from '../strategies/registry.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { completed } from './helpers/completed.ts';

const servers = findProgram('redis-server') !== null && findProgram('initdb') !== null && findProgram('pg_ctl') !== null;

/** Processes whose command line names `folder`. */
function processesIn(folder: string): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(folder);
    } catch {
      return false;
    }
  }).map(Number);
}

describe.skipIf(!servers)('crash-server', () => {
  let stage: CrashServerStage;
  let settings: RunSettings;

  beforeAll(async () => {
    const prepared = await crashServer.prepare?.();
    if (prepared === undefined || typeof prepared === 'string') throw new Error(`no stage: ${String(prepared)}`);
    stage = prepared;
    settings = { workload: 'ticket-rush', strategy: 'pg-row-lock', runner: 'processes', clients: 4, threads: 2, tickets: 4, latency: latencyProfiles.quick, seed: 1, staggerMs: 0, fault: 'crash-server', faultStage: stage, services: { ...serviceUrls(), ...stage.services } };
  }, 120_000);

  afterAll(async () => {
    const folder = stage?.servers.folder;
    await stage?.close();
    // Every private server and its folder gone.
    if (folder !== undefined) {
      expect(existsSync(folder)).toBe(false);
      expect(processesIn(folder)).toEqual([]);
    }
  }, 60_000);

  it('pg-row-lock: the requests cut off by the crash are outcome-unknown, counted in the final-state check, and the run is correct', async () => {
    const run = completed(await runOnce(settings));
    expect(run.fault?.killedAt).toEqual(expect.any(Number));
    const figures = run.check.figures;
    expect(figures.workload).toBe('ticket-rush');
    if (figures.workload !== 'ticket-rush') return;
    expect(figures.unknown ?? 0).toBeGreaterThan(0);
    // PostgreSQL keeps what committed: no acknowledged sale is missing from the final state.
    expect(figures.lostUpdates).toBe(0);
    expect(run.problems).toEqual([]);
    expect(run.linearizable?.verdict).toBe('yes');
  }, 180_000);

  it('a strategy that acknowledges purchases whose connection died loses acknowledged writes, and is judged incorrect', async () => {
    const run = completed(await runOnce({ ...settings, strategy: 'acks-cut-off-writes' as StrategyName, strategyModule: brokenModule('acks-cut-off-writes') }));
    const figures = run.check.figures;
    if (figures.workload !== 'ticket-rush') throw new Error('not ticket-rush');
    expect(figures.lostUpdates ?? 0).toBeGreaterThan(0);
    expect(run.problems.join('; ')).toMatch(/lost updates/);
  }, 180_000);
});

describe.skipIf(!servers)('crash-server interrupted', () => {
  it('removes its private servers and their folder on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/commands/bench.ts', '--fault', 'crash-server', '--strategy', 'pg-row-lock', '--runner', 'processes', '--clients', '4', '--tickets', '4', '--repeat', '3'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TSX_DISABLE_CACHE: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Its folder: a run folder whose owner is the child, once PostgreSQL runs in it.
    let folder = null as string | null;
    const deadline = Date.now() + 120_000;
    while (folder === null && Date.now() < deadline) {
      for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('sync-bench-'))) {
        const path = join(tmpdir(), name);
        try {
          if (readFileSync(join(path, 'owner'), 'utf8').startsWith(`${child.pid} `) && existsSync(join(path, 'postgres', 'pgdata', 'postmaster.pid'))) folder = path;
        } catch {
          // not a run folder, or gone
        }
      }
      if (folder === null) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(folder, stderr).not.toBeNull();
    expect(processesIn(folder as string).length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(existsSync(folder as string)).toBe(false);
    expect(processesIn(folder as string)).toEqual([]);
  }, 240_000);
});
