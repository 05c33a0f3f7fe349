import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A sentinel that kills a run's client processes if the runner dies while one of them is stopped.
 *
 * `pause-in-cs` stops the victim's process (SIGSTOP). If the runner is killed meanwhile (`kill
 * -9`), nothing resumes or ends it: its clients run in sessions of their own (the runner starts
 * them detached), so POSIX's rule for a newly orphaned process group (SIGHUP + SIGCONT to a group
 * with a stopped member) never applies, and a stopped process cannot notice that its IPC channel
 * closed. It lived on, holding what it held: a PostgreSQL advisory lock, idle in a transaction,
 * that the run's other backends waited on in the server until someone killed it by hand.
 *
 * The sentinel is a shell, not stopped, that reads its stdin, a pipe from the runner: the pipe
 * ends when the runner's process ends, however it ends, and the shell then sends SIGKILL to each
 * client process (a stopped one dies of it too). `stop()` ends the sentinel
 * without killing anything, when the runner closes the run itself. Returns null if `pids` is
 * empty.
 */
export function startSentinel(pids: readonly number[]): { stop(): void } | null {
  if (pids.length === 0) return null;
  // `read` returns at the end of stdin (or a line, which the runner never writes). One `kill` per
  // process, so that one already gone does not spare the rest (a POSIX shell's `kill` takes no `--`).
  const script = 'read _; for pid; do kill -s KILL "$pid"; done 2>/dev/null';
  const sentinel: ChildProcess = spawn('/bin/sh', ['-c', script, 'sentinel', ...pids.map(String)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Out of the terminal's process group: a Ctrl-C is the runner's to handle, and it stops the sentinel.
    detached: true,
  });
  sentinel.on('error', () => undefined);
  sentinel.stdin?.on('error', () => undefined);
  // Neither the sentinel nor its pipe keeps the runner alive.
  sentinel.unref();
  (sentinel.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    stop() {
      if (sentinel.exitCode === null && sentinel.signalCode === null) sentinel.kill('SIGKILL');
    },
  };
}
