import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { unlock, waitForLock } from 'fs-native-extensions';
import { sleepExact } from '../bench/coordination/sleep.ts';
import type { ReadResult, StateAccess } from '../bench/workloads/operation.ts';
import { sqlitePathFor, STATE_TABLE } from '../bench/workloads/sqlite-store.ts';
import type { FileStore } from '../bench/workloads/store.ts';
import type { Strategy } from './strategy.ts';
import { localTurn } from './support/local-turn.ts';

/**
 * How long a `BEGIN IMMEDIATE` waits for the write lock before SQLite gives up with SQLITE_BUSY,
 * ms. Longer than any queue of the suite's runs (50 doc clients: 15 s), so a wait ends in the lock,
 * not in an error; a holder that never commits is the run's watchdog's to catch.
 */
export const BUSY_TIMEOUT_MS = 60_000;

/**
 * The state as a transaction of this client's connection sees it: the one row of the state
 * table, with the profile's simulated latencies where the file store has them (read, then wait;
 * wait, then write).
 */
class SqliteAccess implements StateAccess {
  constructor(
    private readonly db: Database.Database,
    private readonly store: FileStore,
  ) {}

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  async read(): Promise<ReadResult> {
    const row = this.db.prepare(`SELECT json FROM ${STATE_TABLE} WHERE id = 1`).get() as { json: string } | undefined;
    let result: ReadResult;
    try {
      result = row === undefined ? { ok: false, text: '' } : { ok: true, state: JSON.parse(row.json) as unknown };
    } catch {
      result = { ok: false, text: row?.json ?? '' };
    }
    await sleepExact(this.store.latency.readMs);
    return result;
  }

  async write(state: unknown): Promise<void> {
    await sleepExact(this.store.latency.writeMs);
    this.db.prepare(`UPDATE ${STATE_TABLE} SET json = ? WHERE id = 1`).run(JSON.stringify(state));
  }
}

/** How clients wait for the write lock: SQLite's busy handler alone, or a kernel queue first. */
type Wait = 'busy handler' | 'kernel queue';

/** The strategy for one way of waiting; see {@link sqlite} and {@link sqliteBusy}. */
function sqliteStrategy(name: string, wait: Wait, description: string): Strategy {
  return {
    name,
    description,
    paradigm: 'shared state + lock',
    guarantee: 'mutual exclusion',
    order: 'unspecified',
    onHolderCrash:
      "the dead holder's transaction is rolled back and its locks freed: by the kernel when its process dies, by better-sqlite3's clean-up when its worker thread is terminated",
    stateLocation: 'SQLite database (disk)',
    stateStore: 'sqlite',
    reach: 'processes of one machine',

    setup() {
      return Promise.resolve({ forClient: () => ({ data: null, transfer: [] }), teardown: () => Promise.resolve() });
    },

    connect(env) {
      const path = sqlitePathFor(env.store.path);
      const db = new Database(path, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true });
      const access = new SqliteAccess(db, env.store);
      const turn = localTurn(`sqlite:${path}`);
      // The kernel queue: an OFD lock on a file beside the database, one open file description per client.
      const queue = wait === 'kernel queue' ? openSync(`${path}-queue`, 'a+') : null;
      return Promise.resolve({
        async run(op) {
          const done = await turn.take();
          try {
            if (queue !== null) await waitForLock(queue);
            try {
              db.exec('BEGIN IMMEDIATE');
              try {
                const result = await env.execute(op, access);
                db.exec('COMMIT');
                return result;
              } catch (error) {
                if (db.inTransaction) db.exec('ROLLBACK');
                throw error;
              }
            } finally {
              if (queue !== null) unlock(queue);
            }
          } finally {
            done();
          }
        },
        close() {
          db.close();
          if (queue !== null) closeSync(queue);
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * `sqlite-busy`: the state lives in an SQLite database (better-sqlite3, WAL mode), and each
 * critical section is one `BEGIN IMMEDIATE` … `COMMIT` transaction of the client's own
 * connection, waiting for the write lock in SQLite's busy handler (busy timeout
 * {@link BUSY_TIMEOUT_MS}): what most programs do. `BEGIN IMMEDIATE` takes the write lock up
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
