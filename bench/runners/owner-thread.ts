import { MessageChannel, type MessagePort, type Transferable } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { oneLine } from './one-line.ts';
import { destroyForGood } from './pool-end.ts';
import { tsWorkerExecArgv } from './ts-loader.ts';

/** The control port an owner task receives in its task data as `control`. */
export interface OwnerTaskControl {
  readonly control: MessagePort;
}

/** A running owner thread. */
export interface OwnerThread {
  /** Asks the owner task to return, waits for it, and ends its thread. */
  stop(): Promise<void>;
  /**
   * Terminates the owner's thread at once, as a crash would (no finally runs, its ports and
   * sockets close); a later `stop` then only releases what is left, and does not reject.
   */
  kill(): Promise<void>;
}

/**
 * Starts a long-lived owner thread (a queue owner, a token desk) for one run: a one-thread piscina
 * pool running one task that does not return until told to. The task module's default export
 * receives `data` plus a `control` port; it must post one message on `control` once it is ready,
 * and return when a message arrives on it.
 *
 * A task rather than a bare `Worker` because piscina's workers load this project's TypeScript
 * through the same loader the clients use, and because piscina parks idle workers in
 * `Atomics.wait`, so an owner must never be idle between tasks.
 *
 * Rejects if the task fails or returns before it is ready. `stop` rejects, after stopping the
 * thread, if the task failed while the run went on: the run then fails, naming it. `execArgv`:
 * the thread's Node options; absent, the TypeScript loader's (a compiled module needs none).
 */
export async function startOwnerThread(module: URL, data: object, transfer: readonly Transferable[], execArgv: readonly string[] = tsWorkerExecArgv): Promise<OwnerThread> {
  const pool = new Piscina({
    filename: fileURLToPath(module),
    minThreads: 1,
    maxThreads: 1,
    atomics: 'disabled',
    idleTimeout: 60_000,
    execArgv: [...execArgv],
  });
  // A pool 'error' (a late message, a worker that died between tasks) would otherwise be thrown
  // on the main thread: it is kept, and stop() reports it.
  let poolError: Error | null = null;
  pool.on('error', (error: Error) => (poolError ??= error));
  const { port1: control, port2: remote } = new MessageChannel();
  const task = pool.run({ ...data, control: remote }, { transferList: [...transfer, remote] as never });
  task.catch(() => undefined);
  try {
    await Promise.race([
      new Promise((resolve) => control.once('message', resolve)),
      task.then(() => Promise.reject(new Error(`owner task ${module.pathname} returned before it was ready`))),
    ]);
  } catch (error) {
    control.close();
    await destroyForGood(pool);
    throw error;
  }
  let killed = false;
  return {
    async kill() {
      killed = true;
      control.close();
      await destroyForGood(pool);
    },
    async stop() {
      if (killed) return;
      control.postMessage('stop');
      let failure: unknown = null;
      await task.catch((error: unknown) => (failure = error));
      control.close();
      await destroyForGood(pool);
      const cause = failure ?? poolError;
      if (cause !== null) throw new Error(`the owner thread failed: ${oneLine(cause)}`);
    },
  };
}
