import { CommanderError } from 'commander';
import { writeMessage } from './message-line.ts';

/** Exit code for a bad command line: nothing was run or written. */
export const USAGE_ERROR = 2;

/** A bad command-line value; its message is the one line the user sees. */
export class UsageError extends Error {}

/**
 * The exit code for an error thrown while reading the command line, after printing it as one line
 * (commander prints its own). Rethrows anything else: that is a bug, not a usage error.
 */
export function usageExitCode(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
  if (error instanceof UsageError) {
    writeMessage(`error: ${error.message}`);
    return USAGE_ERROR;
  }
  throw error;
}
