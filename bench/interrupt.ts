import { InterruptedError } from './run.ts';

/** Exit code after Ctrl-C, as a shell reports a process ended by SIGINT. */
export const INTERRUPTED = 130;
/** A second Ctrl-C this long after the first ends the process without clean-up, ms. */
const FORCE_AFTER_MS = 1_000;

/**
 * Runs `work` with Ctrl-C turned into an abort of `signal`: the current run ends, its temporary
 * directory, lock files and threads are removed, nothing is written, and the exit code is
 * {@link INTERRUPTED}. A second Ctrl-C more than a second later ends the process at once;
 * repeats within that second are ignored (a terminal signals the whole process group, and a
 * launcher such as tsx may forward the same Ctrl-C again).
 */
export async function interruptible(work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const interrupt = new AbortController();
  let firstInterrupt: number | null = null;
  const onInterrupt = () => {
    if (firstInterrupt === null) {
      firstInterrupt = Date.now();
      interrupt.abort();
    } else if (Date.now() - firstInterrupt > FORCE_AFTER_MS) {
      process.exit(INTERRUPTED);
    }
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await work(interrupt.signal);
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stderr.write("interrupted: the run's temporary files and threads were removed; nothing was written\n");
    return INTERRUPTED;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
