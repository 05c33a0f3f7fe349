import type { Strategy } from './strategy.ts';
import { sqliteStrategy } from './support/sqlite-strategy.ts';

/**
 * `sqlite`: as {@link sqliteBusy}, but a client first waits in a kernel queue, an OFD lock
 * (`fcntl(F_OFD_SETLKW)`, fs-native-extensions) on a file beside the database, held until its
 * transaction commits: the kernel wakes the next waiter at once, and its `BEGIN IMMEDIATE` then
 * finds the write lock free. SQLite's own lock still makes each transaction atomic; the queue only
 * replaces the busy handler's sleeps. The wait blocks a libuv pool thread, one per thread (its
 * clients take turns first), as `flock` does.
 */
export const sqlite: Strategy = sqliteStrategy(
  'sqlite',
  'kernel queue',
  'state in an SQLite database (better-sqlite3, WAL); each critical section a BEGIN IMMEDIATE transaction, waiters queued on an OFD lock beside it',
);
