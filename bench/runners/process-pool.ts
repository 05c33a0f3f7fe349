/**
 * Client processes of the `processes` runner kept between runs, so that a suite pays Node's
 * start-up of its client processes once per group of rows rather than at every repetition.
 *
 * A process is started the way the runner always started its clients (`child_process.fork` of the
 * compiled `process-host.ts`, V8 serialisation, its own process group). A run takes the processes
 * it needs ({@link ProcessPool.take}: idle ones first, the rest started), sends each a `start`
 * message with `stay` set, and once every one of them has closed its clients' sessions cleanly
 * gives them back ({@link ProcessPool.give}). Every run still gets its own state from scratch: a
 * new run folder and db, the strategy's setup, new event logs, barrier, finish line, stop signal,
 * fault gate and session hold in each process, and new sessions (see `process-host.ts`); only the
 * process and the modules it loaded (the strategy's code, the client libraries) are kept. A process
 * that failed, was killed or stopped (a fault's victim), or did not close its sessions in time is
 * never given back: it is killed, and the next run starts a fresh one in its place.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** How long a killed process has to go before {@link ProcessPool.close} stops waiting for it, ms. */
const EXIT_WAIT_MS = 5_000;

/** A client process: its child, when it has gone, and the last lines it wrote to stderr. */
export interface ClientProcess {
  readonly child: ChildProcess;
  /** Resolves once the process has exited and its IPC channel has drained ('close'). */
  readonly exited: Promise<void>;
  /** Last lines the process wrote to stderr (at most 2,000 characters), for an error message. */
  readonly stderr: () => string;
  /** Whether it has run a client of an earlier run (false for a process just started). */
  readonly reused: boolean;
}

/** Starts one client process running `program` (the compiled `process-host.ts`). */
export function startClientProcess(program: string): ClientProcess {
  const child = fork(program, [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches the runner, which ends the children itself.
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  // A fork that could not run reports it through 'error'; the run that holds it reads the exit.
  child.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { child, exited, stderr: () => stderr, reused: false };
}

/** Whether the process is still running (not exited, not killed). */
function alive(process: ClientProcess): boolean {
  return process.child.exitCode === null && process.child.signalCode === null && process.child.connected;
}

/** Idle client processes of one program, reused from one run to the next; see the module's docstring. */
export class ProcessPool {
  private idle: ClientProcess[] = [];
  private closed = false;
  /** Processes started by {@link take} over the pool's life. */
  started = 0;

  /**
   * `count` client processes running `program`: idle ones first (those still alive), the rest
   * started now. Throws once the pool is closed.
   */
  take(count: number, program: string): ClientProcess[] {
    if (this.closed) throw new Error('the process pool is closed');
    const reused = this.idle.filter(alive).slice(0, count);
    this.idle = this.idle.filter((p) => !reused.includes(p));
    const fresh = Array.from({ length: count - reused.length }, () => startClientProcess(program));
    this.started += fresh.length;
    return [...reused.map((p) => ({ ...p, reused: true })), ...fresh];
  }

  /** Gives back processes whose clients closed their sessions cleanly; a dead one is dropped, and all of them are killed if the pool is closed. */
  give(processes: readonly ClientProcess[]): void {
    for (const p of processes) {
      if (this.closed) p.child.kill('SIGKILL');
      else if (alive(p)) this.idle.push(p);
    }
  }

  /** Idle processes now. */
  get size(): number {
    return this.idle.filter(alive).length;
  }

  /** Kills every idle process and waits until they are gone (at most {@link EXIT_WAIT_MS}); later gives kill what they give. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle;
    this.idle = [];
    for (const p of idle) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(idle.map((p) => p.exited)), new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_WAIT_MS)))]);
    clearTimeout(timer);
  }
}
