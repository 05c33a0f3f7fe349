import type { Strategy } from './strategy.ts';
import { sqliteStrategy } from './support/sqlite-strategy.ts';

/**
 * `sqlite-busy`: the state lives in an SQLite database (better-sqlite3, WAL mode), and each
 * critical section is one `BEGIN IMMEDIATE` … `COMMIT` transaction of the client's own
 * connection, waiting for the write lock in SQLite's busy handler (busy timeout
 * `BUSY_TIMEOUT_MS`, 60 s): what most programs do. `BEGIN IMMEDIATE` takes the write lock up
 * front: a deferred transaction that reads first cannot upgrade to a write under WAL and fails
 * with SQLITE_BUSY, busy timeout or not. SQLite's busy handler retries after sleeps that grow to
 * 100 ms, so a waiter learns of a commit late: the handoff gaps show it.
 *
 * better-sqlite3 is synchronous: a `BEGIN IMMEDIATE` that waits blocks its whole thread. If
 * another client of the same thread held the lock, it could never commit: a deadlock. So the
 * clients of a thread take turns (`support/local-turn.ts`) for the whole transaction, and only
 * one of them is ever in the database. The cost: while that client waits for the lock, its
 * thread runs nothing else (its other clients' work outside the critical section waits too),
 * which one client per process does not notice.
 *
 * When a holder dies, its unfinished transaction is rolled back and its locks freed: by the
 * kernel when its process dies, by better-sqlite3's clean-up when its worker thread is terminated
 * (both measured by the fault table): the state is the last committed one.
 */
export const sqliteBusy: Strategy = sqliteStrategy(
  'sqlite-busy',
  'busy handler',
  "state in an SQLite database (better-sqlite3, WAL); each critical section a BEGIN IMMEDIATE transaction, waiting in SQLite's busy handler",
);

