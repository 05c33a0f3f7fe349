import { existsSync, mkdirSync, realpathSync, renameSync, rmdirSync, statSync, utimesSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

type Callback<T> = (error: NodeJS.ErrnoException | null, result?: T) => void;

/** Runs `operation` now and calls back on the next tick, keeping the callback API asynchronous. */
function settle<T>(operation: () => T, callback: Callback<T>): void {
  let result: T | undefined;
  let failure: NodeJS.ErrnoException | null = null;
  try {
    result = operation();
  } catch (error) {
    failure = error as NodeJS.ErrnoException;
  }
  process.nextTick(() => callback(failure, result));
}

let claims = 0;

/**
 * Removes a lock directory that a waiter judged stale, so that two waiters can never both take
 * it over: it is first renamed to a name of this caller's own (a rename is atomic: one caller
 * gets the directory that is there now), and removed only if it is still stale. If it is fresh,
 * a holder re-created the lock after the waiter's `stat`: it is renamed back and the waiter is
 * told the lock is held (ELOCKED, which proper-lockfile retries). proper-lockfile's own reclaim
 * (`stat`, then `rmdir`, then `mkdir`) lets a late waiter remove a lock another waiter has just
 * re-created, and both then hold it (moxystudio/node-proper-lockfile issue #121; seen here in
 * about one crash run in ten before this).
 */
function reclaimStale(path: string, staleMs: number): void {
  const claimed = `${path}.reclaim-${process.pid}-${threadId}-${claims++}`;
  renameSync(path, claimed);
  if (Date.now() - statSync(claimed).mtimeMs >= staleMs) {
    rmdirSync(claimed);
    return;
  }
  // If another lock was made at `path` within these microseconds, the fresh holder's directory
  // stays under the claimed name: its next mtime refresh fails and proper-lockfile reports the
  // lock compromised, so the run fails loudly rather than with two holders.
  if (!existsSync(path)) renameSync(claimed, path);
  throw Object.assign(new Error(`lock ${path} was re-acquired before it could be reclaimed`), { code: 'ELOCKED' });
}

/**
 * The file-system calls proper-lockfile makes (its `fs` option), done synchronously, for one
 * client. `releasing()` tells whether the client is releasing its own lock (a plain `rmdir`) or
 * proper-lockfile is removing a stale one (see {@link reclaimStale}).
 *
 * Each call is one or two metadata system calls of a few microseconds. Done asynchronously, every
 * one is a round trip through libuv's thread pool (4 threads for the whole process), where 49
 * waiters polling every few ms queue ahead of the holder's own `rmdir`: the handoff then waits
 * behind the pollers. Done here, a release is visible the instant it returns. The lock algorithm
 * (an atomic `mkdir`, mtime refreshes, stale takeover) is otherwise proper-lockfile's.
 */
export function syncFs(options: { readonly staleMs: number; readonly releasing: () => boolean }) {
  return {
    mkdir: (path: string, callback: Callback<void>) => settle(() => void mkdirSync(path), callback),
    rmdir: (path: string, callback: Callback<void>) =>
      settle(() => (options.releasing() ? rmdirSync(path) : reclaimStale(path, options.staleMs)), callback),
    rmdirSync: (path: string) => rmdirSync(path),
    stat: (path: string, callback: Callback<ReturnType<typeof statSync>>) => settle(() => statSync(path), callback),
    utimes: (path: string, atime: Date, mtime: Date, callback: Callback<void>) => settle(() => utimesSync(path, atime, mtime), callback),
    realpath: (path: string, callback: Callback<string>) => settle(() => realpathSync(path), callback),
  };
}
