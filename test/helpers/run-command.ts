/**
 * Runs one of the project's commands (`bench/commands/*.ts`, or any script) in a Node process of
 * its own, as its npm script does (`node --import tsx`; `TSX_DISABLE_CACHE: '1'` in `env` leaves out
 * tsx's cache, as the npm scripts do): for the tests that need the
 * real thing (an exit code, a signal, a pipe, a process group). A test of a command line alone
 * calls the command's parser in-process instead (see `in-process.ts`).
 */
import { closeSync, openSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tsWorkerExecArgv } from '../../bench/runners/ts-loader.ts';

/** The checkout's root folder: the commands run from it. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a command did: exit code or signal, and what it wrote. */
export interface Finished {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** ms from the last byte of output to the exit. */
  readonly quietBeforeExitMs: number;
}

export interface Launch {
  /** Added to this process's environment, less npm's `npm_config_*` variables (a command refuses options npm kept). */
  readonly env?: NodeJS.ProcessEnv;
  /** Called once the child is running, with it; may signal it or change the files it uses. */
  readonly during?: (child: ChildProcess) => Promise<void>;
  /** Close the reading end of stdout at once, as `| head -1` does once it has its line. */
  readonly stdoutClosed?: boolean;
  /** Redirect stdout to this file, as `> file` does (then `stdout` is empty here). */
  readonly stdoutFile?: string;
  /** Start the child in a process group of its own, as a shell's job is (signal it with `process.kill(-pid)`). */
  readonly detached?: boolean;
  /** Kill the child (SIGKILL) after this long, ms: a command that should have answered at once and did not fails its test instead of running on. */
  readonly timeoutMs?: number;
}

/** How long after a child's exit its pipes may take to deliver the last of its output, ms. */
const PIPES_CLOSE_MS = 2_000;

/** Children still running; {@link killRunningCommands} ends them. */
const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every command started here that is still running: call it in `afterEach`, so that none outlives a test that failed or timed out. */
export function killRunningCommands(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Runs `script` (a path from the checkout's root, or absolute) with `args`, and resolves once it has exited. */
export async function runCommand(script: string, args: readonly string[], launch: Launch = {}): Promise<Finished> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_config_')));
  const redirect = launch.stdoutFile === undefined ? null : openSync(launch.stdoutFile, 'w');
  const child = spawn(process.execPath, [...tsWorkerExecArgv, script, ...args], {
    cwd: root,
    env: { ...inherited, ...launch.env },
    stdio: ['pipe', redirect ?? 'pipe', 'pipe'],
    detached: launch.detached === true,
  });
  if (redirect !== null) closeSync(redirect);
  running.add(child);
  const timer = launch.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), launch.timeoutMs);
  let stdout = '';
  let stderr = '';
  let last = Date.now();
  if (launch.stdoutClosed === true) child.stdout?.destroy();
  child.stdout?.on('data', (chunk: Buffer) => {
    last = Date.now();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    last = Date.now();
    stderr += chunk.toString();
  });
  const exited = new Promise<[number | null, NodeJS.Signals | null, number]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal, Date.now() - last])));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    await launch.during?.(child);
    const [code, signal, quietBeforeExitMs] = await exited;
    // What the child wrote just before it exited is read once its pipes close; a grandchild that
    // kept them open (a killed runner's client) is not waited for beyond a moment.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, PIPES_CLOSE_MS))]);
    return { code, signal, stdout, stderr, quietBeforeExitMs };
  } finally {
    clearTimeout(timer);
    running.delete(child);
  }
}
