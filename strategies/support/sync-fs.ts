import { mkdirSync, realpathSync, rmdirSync, statSync, utimesSync } from 'node:fs';

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

/**
 * The file-system calls proper-lockfile makes (its `fs` option), done synchronously.
 *
 * Each is a single metadata system call of a few microseconds. Done asynchronously, every one is a
 * round trip through libuv's thread pool (4 threads for the whole process), where 49 waiters
 * polling every few ms queue ahead of the holder's own `rmdir`: the handoff then waits behind the
 * pollers. Done here, a release is visible the instant it returns. The lock algorithm (an atomic
 * `mkdir`, mtime refreshes, stale takeover) is proper-lockfile's, unchanged.
 */
export const syncFs = {
  mkdir: (path: string, callback: Callback<void>) => settle(() => void mkdirSync(path), callback),
  rmdir: (path: string, callback: Callback<void>) => settle(() => rmdirSync(path), callback),
  rmdirSync: (path: string) => rmdirSync(path),
  stat: (path: string, callback: Callback<ReturnType<typeof statSync>>) => settle(() => statSync(path), callback),
  utimes: (path: string, atime: Date, mtime: Date, callback: Callback<void>) => settle(() => utimesSync(path, atime, mtime), callback),
  realpath: (path: string, callback: Callback<string>) => settle(() => realpathSync(path), callback),
};
