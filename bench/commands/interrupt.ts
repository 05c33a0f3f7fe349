import { constants } from 'node:os';
import { InterruptedError, STOP_SIGNALS, type StopSignalName } from '../runners/interrupted.ts';
import { ownRunFolders } from '../runners/run-folder.ts';
import { writeMessage } from './message-line.ts';

export { InterruptedError } from '../runners/interrupted.ts';


/** Exit code after a stop signal, as a shell reports a process it ended: 128 + the signal's number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function exitCodeFor(signal: StopSignalName): number {
  return 128 + constants.signals[signal];
}

/** Exit code after Ctrl-C. */
export const INTERRUPTED = exitCodeFor('SIGINT');

/**
 * The line after an interruption: what was removed, or which run folders of this process are
 * still there (`left`; a straggler wrote into one while it was removed), which the next command
 * removes at its start.
 */
export function interruptedLine(signal: StopSignalName, left: readonly string[]): string {
  if (left.length === 0) return `interrupted (${signal}): the run's temporary files and threads were removed; nothing was written`;
  return `interrupted (${signal}): the run's threads were ended, but its temporary ${left.length === 1 ? 'folder' : 'folders'} ${left.join(', ')} could not be removed (the next command removes ${left.length === 1 ? 'it' : 'them'} at its start); nothing was written`;
}

/**
 * Throws the interruption if `signal` was aborted: called before anything is written, because a
 * stop signal can land while no run is in progress, or after a run already failed of it (a signal
 * to the whole process group also ends the bundler's service process, failing the run with
 * "The service was stopped"), and nothing may be written after an interruption.
 */
export function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError();
}

/** A second signal this long after the first ends the process without clean-up, ms. */
export const FORCE_AFTER_MS = 1_000;

/** The line at the first stop signal, while the run's clean-up is under way: what a second one would do. */
export function stoppingLine(signal: StopSignalName): string {
  return `stopping (${signal}): ending the run and removing its temporary files; a second signal more than ${FORCE_AFTER_MS / 1000} s from now ends the process at once`;
}

/** The line when a second stop signal ends the process before its clean-up is done. */
export function forcedLine(signal: StopSignalName, first: StopSignalName): string {
  return `interrupted again (${signal}): ended at once, before the run's clean-up was done; nothing was written, and the next command removes the temporary folders it left at its start (exit code of the first signal, ${first})`;
}

/**
 * Runs `work` with SIGINT, SIGTERM and SIGHUP turned into an abort of `signal` (its reason an
 * {@link InterruptedError}): the current run ends, its temporary directory, lock files and
 * threads are removed, nothing is written, and the exit code is 128 + the signal's number. A
 * second signal more than a second later ends the process at once, with the same code, saying so
 * ({@link forcedLine}); the first says what is under way ({@link stoppingLine}); repeats
 * within that second are ignored (a terminal signals the whole process group, and a launcher
 * such as tsx may forward the same signal again).
 */
export async function interruptible(work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const interrupt = new AbortController();
  let first: { at: number; signal: StopSignalName } | null = null;
  const handlers = STOP_SIGNALS.map((name) => {
    const onSignal = () => {
      if (first === null) {
        first = { at: Date.now(), signal: name };
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        writeMessage(stoppingLine(name));
        interrupt.abort(new InterruptedError(name));
      } else if (Date.now() - first.at > FORCE_AFTER_MS) {
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        writeMessage(forcedLine(name, first.signal));
        process.exit(exitCodeFor(first.signal));
      }
    };
    process.on(name, onSignal);
    return [name, onSignal] as const;
  });
  try {
    return await work(interrupt.signal);
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    const signal = first === null ? error.signal : (first as { signal: StopSignalName }).signal;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    writeMessage(interruptedLine(signal, ownRunFolders()));
    return exitCodeFor(signal);
  } finally {
    for (const [name, onSignal] of handlers) process.off(name, onSignal);
  }
}
