/**
 * Round trips over a child process's IPC channel, for `bench:micro`'s fork IPC floor: one
 * `message` listener, one `error` listener and one `exit` listener for the child's whole life, so
 * that thousands of echoes add no listener (a listener per echo leaked and made Node warn,
 * `MaxListenersExceededWarning`). An echo still awaited when the child fails or ends rejects.
 */
import type { ChildProcess } from 'node:child_process';

/**
 * Returns `roundTrip(message)`: sends `message` to `child` (which echoes each message back) and
 * resolves with the next message it sends. One round trip at a time: a second call before the
 * first settled rejects. Rejects when the child emits `error` or exits while awaited.
 */
export function ipcEcho(child: ChildProcess): (message: string) => Promise<unknown> {
  let pending: { resolve: (m: unknown) => void; reject: (e: Error) => void } | null = null;
  const settle = (outcome: (p: NonNullable<typeof pending>) => void) => {
    const p = pending;
    pending = null;
    if (p !== null) outcome(p);
  };
  child.on('message', (m) => settle((p) => p.resolve(m)));
  child.on('error', (error) => settle((p) => p.reject(error)));
  child.on('exit', (code, signal) => settle((p) => p.reject(new Error(`the echo process ended (${signal ?? `exit code ${code ?? 'unknown'}`}) before it answered`))));
  return (message) => {
    if (pending !== null) return Promise.reject(new Error('one round trip at a time'));
    if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error('the echo process has ended'));
    return new Promise((resolve, reject) => {
      pending = { resolve, reject };
      child.send(message);
    });
  };
}
