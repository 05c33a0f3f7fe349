/**
 * What every command-line entry point (`bench`, `bench:sweep`, `bench:micro`, `compare`) does
 * around its `main`: start only when it is the script node was asked to run (through a symlink
 * too), keep output errors from crashing it, turn an unexpected error into one line, and exit
 * promptly once its work is done.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { oneLine } from '../runners/one-line.ts';

/** Exit code for an error the harness did not expect (a bug): one line on stderr. */
export const INTERNAL_ERROR = 70;

/** How long a command may stay alive after its work is done before it says what kept it and exits, ms. */
export const LINGER_LIMIT_MS = 500;

/**
 * Whether the module at `moduleUrl` (its `import.meta.url`) is the script node was started with.
 * Both sides are resolved to real paths, so a script started through a symlink is recognised.
 */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * stdout and stderr errors (EPIPE when the reader went away, as in `| head -1`; EIO after the
 * terminal closed) end nothing: results are saved before they are shown, and what could not be
 * shown is lost only from the screen. Further writes to a closed stream are dropped.
 */
export function tolerateClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

/**
 * Runs `main` with the process's arguments when `moduleUrl` is the script node was started with,
 * and sets the exit code it returns. An error `main` did not handle is printed as one line (exit
 * {@link INTERNAL_ERROR}). If anything (a timer, a port, a thread) keeps the process alive
 * {@link LINGER_LIMIT_MS} after `main` is done, it is named on stderr and the process exits: a
 * command never lingers after its last line. If the process is about to end while `main` is still
 * pending (a promise that can never settle), that is said, with exit code 1, instead of exiting 0.
 */
export async function runEntry(moduleUrl: string, main: (argv: readonly string[]) => Promise<number> | number): Promise<void> {
  if (!isMain(moduleUrl)) return;
  tolerateClosedOutput();
  let done = false;
  process.on('exit', (exiting) => {
    // A non-zero code here was chosen on purpose (a second Ctrl-C, say); 0 means the event loop ran dry.
    if (done || exiting !== 0) return;
    process.stderr.write('error: the command stopped with its work unfinished (it waited on something that can never happen); this is a bug in the harness or in a strategy\n');
    process.exitCode = 1;
  });
  let code: number;
  try {
    code = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${oneLine(error)}\n`);
    code = INTERNAL_ERROR;
  }
  done = true;
  process.exitCode = code;
  setTimeout(() => {
    // What is still active (this timer, running now, is no longer listed), less the terminal.
    const alive = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    process.stderr.write(`note: still alive ${LINGER_LIMIT_MS} ms after the work ended (${alive.join(', ') || 'unknown'}); exiting\n`);
    process.exit(code);
  }, LINGER_LIMIT_MS).unref();
}
