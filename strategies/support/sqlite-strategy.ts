/** The SQLite strategies' shared half: the state access of a transaction and the session. */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { unlock, waitForLock } from 'fs-native-extensions';
import { sleepExact } from '../../bench/coordination/sleep.ts';
import type { ReadResult, StateAccess } from '../../bench/workloads/operation.ts';
import { sqlitePathFor, stateStatements } from '../../bench/workloads/sqlite-store.ts';
import type { FileStore } from '../../bench/workloads/store.ts';
import type { Strategy } from '../strategy.ts';
import { localTurn } from './local-turn.ts';

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
  private readonly state: ReturnType<typeof stateStatements>;

  constructor(
    db: Database.Database,
    private readonly store: FileStore,
  ) {
    this.state = stateStatements(db);
  }

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  async read(): Promise<ReadResult> {
    const result = this.state.read();
    await sleepExact(this.store.latency.readMs);
    return result;
  }

  async write(state: unknown): Promise<void> {
    await sleepExact(this.store.latency.writeMs);
    this.state.write(state);
  }
}

/** How clients wait for the write lock: SQLite's busy handler alone, or a kernel queue first. */
export type Wait = 'busy handler' | 'kernel queue';

/**
 * The SQLite strategy for one way of waiting (see `strategies/sqlite.ts` and `strategies/sqlite-busy.ts`):
 * each client its own connection, each critical section one `BEGIN IMMEDIATE` … `COMMIT`
 * transaction, the clients of a thread taking turns for the whole transaction.
 */
export function sqliteStrategy(name: string, wait: Wait, description: string): Strategy {
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

