import type { Strategy } from './strategy.ts';
import { sqliteStrategy } from './support/sqlite-strategy.ts';

/**
 * `sqlite-busy`: the state lives in an SQLite database (better-sqlite3, WAL mode), and each
 * critical section is one `BEGIN IMMEDIATE` … `COMMIT` transaction of the client's own
 * connection, waiting for the write lock as SQLite's busy handler does (busy timeout
 * `BUSY_TIMEOUT_MS`, 60 s): what most programs do. `BEGIN IMMEDIATE` takes the write lock up
 * front: a deferred transaction that reads first cannot upgrade to a write under WAL and fails
 * with SQLITE_BUSY, busy timeout or not. SQLite's busy handler retries after sleeps that grow to
 * 100 ms, so a waiter learns of a commit late: the handoff gaps show it. The sleeps are the busy
 * handler's, taken between attempts on the event loop rather than inside SQLite, where they would
 * hold a thread nothing can stop (see `support/sqlite-busy-wait.ts`).
 *
 * The clients of a thread take turns (`support/local-turn.ts`) for the whole transaction, so
 * only one of them at a time is in the database or retries its `BEGIN`: one poller per thread,
 * not one per client.
 *
 * When a holder dies, its unfinished transaction is rolled back and its locks freed: by the
 * kernel when its process dies, by better-sqlite3's clean-up when its worker thread is terminated
 * (both measured by the fault table): the state is the last committed one.
 */
export const sqliteBusy: Strategy = sqliteStrategy(
  'sqlite-busy',
  'busy handler',
  "state in an SQLite database (better-sqlite3, WAL); each critical section a BEGIN IMMEDIATE transaction, waiting with SQLite's busy-handler sleeps (1 ms growing to 100 ms)",
);

