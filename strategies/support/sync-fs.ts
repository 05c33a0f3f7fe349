import { mkdirSync, realpathSync, renameSync, rmdir, rmdirSync, statSync, utimesSync } from 'node:fs';
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

const held = (path: string, why: string) => Object.assign(new Error(`lock ${path} ${why}`), { code: 'ELOCKED' });

/**
 * Removes a lock directory that a waiter judged stale, so that two waiters can never both take
 * it over. proper-lockfile's own reclaim (`stat`, then `rmdir`, then `mkdir`) lets a late waiter
 * remove a lock another waiter has just re-created, and both then hold it
 * (moxystudio/node-proper-lockfile issue #121; seen here in about one crash run in ten).
 *
 * Here one waiter at a time reclaims, under a guard directory `<lock>.reclaiming` made with
 * `mkdir`; under it the lock's mtime is read again and the lock removed only if it is still
 * stale. Nothing else removes a lock but its own holder's release, so between that check and the
 * removal the lock cannot have been replaced (unless its holder was alive after all, and stuck
 * longer than the stale threshold: proper-lockfile then reports that holder's lock compromised).
 * The lock's name is never freed while a live holder holds it. Another waiter that finds the
 * guard taken is told the lock is held (ELOCKED) and tries again later.
 *
 * A waiter killed inside these few microseconds leaves the guard behind; a guard older than the
 * stale threshold is removed by the next waiter (that removal alone is not guarded: it would take
 * a second failure inside the same microseconds to matter).
 */
function reclaimStale(path: string, staleMs: number): void {
  const guard = `${path}.reclaiming`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(guard).mtimeMs >= staleMs) rmdirSync(guard);
    } catch {
      // Gone meanwhile: its reclaimer finished.
    }
    throw held(path, 'is being reclaimed by another waiter');
  }
  try {
    // ENOENT (another waiter reclaimed it, and its holder released it, since proper-lockfile's
    // check) is ignored by proper-lockfile, which then tries to take the lock.
    if (Date.now() - statSync(path).mtimeMs < staleMs) throw held(path, 'was re-acquired before it could be reclaimed');
    rmdirSync(path);
  } finally {
    rmdirSync(guard);
  }
}

/**
 * The file-system calls proper-lockfile makes, as the synchronous methods its `lockSync` takes
 * (its `fs` option; proper-lockfile calls `<method>Sync`), for one client. `releasing()` tells
 * whether the client is releasing its own lock (see {@link releaseOwn}) or proper-lockfile is
 * removing a stale one (see {@link reclaimStale}); `abandoning()`, whether the client is dropping
 * a lock it lost to another, whose directory it must leave alone (its release removes nothing).
 *
 * Each call is one or two metadata system calls. Done asynchronously, every one is a round trip
 * through libuv's thread pool (4 threads for the whole process), where the waiters' attempts queue
 * ahead of the holder's release; and each callback is one more turn of the event loop, behind
 * whatever else the thread's clients have queued. Done synchronously, an attempt or a release is
 * complete when the call returns. The lock algorithm (an atomic `mkdir`, mtime refreshes, stale
 * takeover) is otherwise proper-lockfile's.
 */
export function syncFs(options: { readonly staleMs: number; readonly releasing: () => boolean; readonly abandoning?: () => boolean }) {
  return {
    mkdirSync: (path: string) => void mkdirSync(path),
    rmdirSync: (path: string) => {
      // A lock this client lost (another waiter took it over): the directory is no longer its own to remove.
      if (options.abandoning?.() === true) return;
      if (options.releasing()) releaseOwn(path);
      else reclaimStale(path, options.staleMs);
    },
    statSync: (path: string) => statSync(path),
    utimesSync: (path: string, atime: Date, mtime: Date) => utimesSync(path, atime, mtime),
    realpathSync: (path: string) => realpathSync(path),
  };
}
