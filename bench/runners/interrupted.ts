/**
 * A run's interruption by a stop signal: what a run rejects with once its clean-up is done. The
 * commands turn the signals into it (see `commands/interrupt.ts`).
 */

/** The signals that end a command cleanly: Ctrl-C, `kill`/`timeout`/CI time-outs, a closed terminal. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignalName = (typeof STOP_SIGNALS)[number];

/** The run was interrupted by a signal; everything it created has been removed. */
export class InterruptedError extends Error {
  readonly code = 'EINTERRUPTED';
  constructor(readonly signal: StopSignalName = 'SIGINT') {
    super(`interrupted by ${signal}`);
  }
}
