import { existsSync, mkdirSync, realpathSync, renameSync, rmdir, rmdirSync, statSync, utimesSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

let claims = 0;

/**
 * Releases a lock held by this caller: the lock directory is renamed to a name of the caller's
 * own, which frees the lock's name at once, and that directory is removed afterwards,
 * asynchronously, off the handoff's path. On this machine's ext4 an `rmdir` took a median of
 * about 0.1 ms with tails of several ms, a `rename` about 0.015 ms: the waiters' `mkdir` on the
 * same directory queued behind the slower call. A process killed between the two leaves an
 * unused `<lock>.released-…` directory, never a held lock.
 */
function releaseOwn(path: string): void {
  const released = `${path}.released-${process.pid}-${threadId}-${claims++}`;
  renameSync(path, released);
  setTimeout(() => rmdir(released, () => undefined), 20).unref();
}

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
 * The file-system calls proper-lockfile makes, as the synchronous methods its `lockSync` takes
 * (its `fs` option; proper-lockfile calls `<method>Sync`), for one client. `releasing()` tells
 * whether the client is releasing its own lock (see {@link releaseOwn}) or proper-lockfile is
 * removing a stale one (see {@link reclaimStale}).
 *
 * Each call is one or two metadata system calls. Done asynchronously, every one is a round trip
 * through libuv's thread pool (4 threads for the whole process), where the waiters' attempts queue
 * ahead of the holder's release; and each callback is one more turn of the event loop, behind
 * whatever else the thread's clients have queued. Done synchronously, an attempt or a release is
 * complete when the call returns. The lock algorithm (an atomic `mkdir`, mtime refreshes, stale
 * takeover) is otherwise proper-lockfile's.
 */
export function syncFs(options: { readonly staleMs: number; readonly releasing: () => boolean }) {
  return {
    mkdirSync: (path: string) => void mkdirSync(path),
    rmdirSync: (path: string) => (options.releasing() ? releaseOwn(path) : reclaimStale(path, options.staleMs)),
    statSync: (path: string) => statSync(path),
    utimesSync: (path: string, atime: Date, mtime: Date) => utimesSync(path, atime, mtime),
    realpathSync: (path: string) => realpathSync(path),
  };
}
