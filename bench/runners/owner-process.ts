/**
 * Starts a strategy's owner (a queue owner, a token desk) as an OS process of its own, for the
 * `processes` runner: killing the owner then kills the owner alone, never the harness. The process
 * runs `owner-host.ts` (compiled, see `process-bundle.ts`), which runs the owner task in a thread
 * of its own and stamps the bodies it runs into its own event log; the runner reads that log when
 * it reads the evidence (see `run-owners.ts` and `processes.ts`), so the verdict is drawn here, out
 * of the owner's reach. The fault gate's cells are bridged both ways (the owner's `inside` and
 * `entered`, the runner's `killed`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { CriticalSectionLog } from '../evidence/event-log.ts';
import { FaultGate } from '../faults/fault-gate.ts';
import { oneLine } from './one-line.ts';
import { replaceSeed, type FromOwner, type OwnerStart, type ToOwner } from './owner-messages.ts';
import type { OwnerThread } from './owner-thread.ts';
import { compiledOwnerModule, ownerHostBundle } from './process-bundle.ts';
import type { RunConfig } from './run-config.ts';
import { addRunOwner, type RunOwner } from './run-owners.ts';

/** How an owner process is started. */
export interface OwnerProcessOptions {
  /** It replaces an owner the fault killed (crash-owner): a body it runs for the victim does not wait for the fault. Default false. */
  readonly struck?: boolean;
  /** Starts the next owner after this one is killed (see `RunOwner.restart`); absent: nothing restarts it. */
  readonly restart?: () => Promise<void>;
}

/**
 * How long an owner process may take to start, to answer `halt`, `stamps` or `stop`, and to exit
 * after SIGKILL, ms. 10 s was too short to start one (fork, load its bundle, connect to a broker)
 * with the load average at 76 on 2 cores.
 */
export const OWNER_ANSWER_MS = 25_000;

/**
 * Forks an owner process running the task `module` (its default export, as for
 * `startOwnerThread`) with `data`, in which `seed` (the run's config, the executor seed) is
 * replaced by the owner process's own config with buffers of its own. Resolves once the task is
 * ready; rejects, the process killed, if it fails or ends first. `stop` asks the task to return and
 * waits for the process to exit; it rejects if the task failed, or if the process ended while the
 * run went on (unless it was killed by `crash-owner`).
 */
export async function startOwnerProcess(module: URL, data: object, seed: RunConfig, options: OwnerProcessOptions = {}): Promise<OwnerThread> {
  const [program, compiled] = await Promise.all([ownerHostBundle(), compiledOwnerModule(module.href)]);
  const child: ChildProcess = fork(program, [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches the runner, which ends the owner itself.
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const lastSaid = () => stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-1)[0]?.trim();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const gone = (what: string) => exited.then(({ code, signal }) => `${what} (${signal ?? `exit code ${code ?? '?'}`})${lastSaid() === undefined ? '' : `: ${lastSaid()}`}`);
  const post = (message: ToOwner) => {
    if (child.connected) child.send(message, () => undefined);
  };
  /** Waits for the next message of `type` (or a failure, or the exit), at most {@link OWNER_ANSWER_MS}. */
  const reply = <T extends FromOwner['type']>(type: T, what: string): Promise<Extract<FromOwner, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`the owner process did not answer ${what} within ${OWNER_ANSWER_MS / 1000} s`)), OWNER_ANSWER_MS);
      const onMessage = (message: FromOwner) => {
        if (message.type === type) finish(null, message as Extract<FromOwner, { type: T }>);
        else if (message.type === 'failed') finish(new Error(`the owner process failed: ${message.error}`));
      };
      const onClose = () => void gone('the owner process ended').then((said) => finish(new Error(said)));
      const finish = (error: Error | null, message?: Extract<FromOwner, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('close', onClose);
        if (error === null && message !== undefined) resolve(message);
        else reject(error ?? new Error('no reply'));
      };
      child.on('message', onMessage);
      child.once('close', onClose);
    });

  const gate = new FaultGate(seed.faultGate);
  let completed = 0;
  child.on('message', (message: FromOwner) => {
    if (message.type === 'progress') completed = Math.max(completed, message.completed);
    else if (message.type === 'inside') gate.markInside();
    else if (message.type === 'entered') gate.markAnotherEntered();
  });
  child.on('error', () => undefined);

  const runLog = new CriticalSectionLog(seed.log);
  const { log: _log, faultGate: _gate, barrier: _barrier, finish: _finish, stop: _stop, ...portable } = seed;
  const start: OwnerStart = {
    type: 'start',
    module: compiled,
    data: replaceSeed(data, seed),
    config: portable,
    // A one-request run's slots carry their client and input already (see `run.ts`); a timed run's are claimed later.
    log: seed.timed === null ? new Uint8Array(seed.log).slice() : null,
    slots: runLog.slots,
    struck: options.struck ?? false,
  };
  const ready = reply('ready', 'its start');
  post(start);
  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  // The runner lets a body the owner runs for a killed victim go on.
  if (seed.fault !== null) void gate.victimKilled().then(() => post({ type: 'killed' }));

  let killedStamps: Uint8Array | null = null;
  let killing: Promise<void> | null = null;
  let stopping = false;
  let endedEarly: string | null = null;
  void gone('the owner process ended while the run went on').then((said) => {
    if (killing === null && !stopping) endedEarly = said;
  });
  const runOwner: RunOwner = {
    where: `owner process ${child.pid ?? '?'}`,
    pid: child.pid ?? null,
    completed: () => completed,
    ...(options.restart === undefined ? {} : { restart: options.restart }),
    async stamps() {
      if (killing !== null) {
        await killing;
        if (killedStamps === null) throw new Error('the owner process was killed before it sent its stamps');
        return killedStamps;
      }
      const answer = reply('stamps', 'a request for its stamps');
      post({ type: 'stamps' });
      const { log, completed: done } = await answer;
      completed = Math.max(completed, done);
      return log;
    },
    kill() {
      killing ??= (async () => {
        // Its thread first (its sockets close, nothing more is stamped), its stamps, then SIGKILL.
        const halted = reply('halted', 'halt');
        post({ type: 'halt' });
        try {
          killedStamps = (await halted).log;
        } catch {
          // Stamps it did not send are missing from the evidence: `stamps()` says so.
        }
        child.kill('SIGKILL');
        await exited;
      })();
      return killing;
    },
  };
  const forget = addRunOwner(seed, runOwner);

  return {
    kill: () => runOwner.kill(),
    async stop() {
      forget();
      stopping = true;
      if (killing !== null) {
        await killing;
        return;
      }
      let failure: string | null = endedEarly;
      if (failure === null && child.exitCode === null && child.signalCode === null) {
        const stopped = reply('stopped', 'stop');
        post({ type: 'stop' });
        await stopped.catch((error: unknown) => (failure = oneLine(error)));
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      if (failure !== null) throw new Error(failure);
    },
  };
}
