import type { Strategy } from './strategy.ts';
import { sqliteStrategy } from './support/sqlite-strategy.ts';

/**
 * `sqlite`: as {@link sqliteBusy}, but a client first waits in a queue, an OFD lock
 * (`fcntl(F_OFD_SETLK)`, fs-native-extensions) on a file beside the database, held until its
 * transaction commits: its release is announced to the waiters at once (`support/ofd-lock.ts`),
 * and the next one's `BEGIN IMMEDIATE` then finds the write lock free. SQLite's own lock still
 * makes each transaction atomic; the queue only replaces the busy handler's sleeps (which still
 * serve when another program holds the database). The clients of a thread take turns first, as
 * in `sqlite-busy`.
 */
export const sqlite: Strategy = sqliteStrategy(
  'sqlite',
  'kernel queue',
  'state in an SQLite database (better-sqlite3, WAL); each critical section a BEGIN IMMEDIATE transaction, waiters queued on an OFD lock beside it, woken by its announced release',
);
