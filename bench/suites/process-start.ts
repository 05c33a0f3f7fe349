/**
 * What starting client processes costs, for `npm run bench:micro`: N bare Node processes, forked
 * the way the processes runner forks its clients (same options, IPC, no TypeScript loader), each
 * saying it is ready and exiting when told; against the processes runner itself starting N
 * clients of a run that does nothing (`none` at latency zero). Both from the first fork to the last
 * exit, alternated, so the two see the same machine.
 */
import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOnce } from '../runners/run.ts';
import { latencyProfiles } from '../workloads/latency.ts';

/** The bare program: ready, then gone when told. */
const BARE = "process.send('ready'); process.once('message', () => process.exit(0));\n";

/** First fork to last exit of `count` bare processes started at once, ms. */
export async function bareProcessesMs(count: number, dir: string): Promise<number> {
  const script = join(dir, 'bare-process.mjs');
  await writeFile(script, BARE);
  const started = process.hrtime.bigint();
  const children = Array.from({ length: count }, () => fork(script, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'], detached: true }));
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  const exited = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of children) child.send('go');
  await Promise.all(exited);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The processes runner's program wall for `count` clients of a run with nothing to wait for, ms; rejects if the run failed. */
export async function runnerProcessesMs(count: number): Promise<number> {
  const run = await runOnce({ workload: 'ticket-rush', strategy: 'none', runner: 'processes', clients: count, threads: 1, tickets: count, latency: latencyProfiles.zero, seed: 1, staggerMs: 0, fault: null });
  if (run.status === 'failed' || run.programWallMs === null) throw new Error(`the processes runner's start-up run failed: ${run.status === 'failed' ? run.error : 'no program wall'}`);
  return run.programWallMs;
}
