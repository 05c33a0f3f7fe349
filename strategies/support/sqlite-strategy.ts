/** The SQLite strategies' shared half: the state access of a transaction and the session. */
import Database from 'better-sqlite3';
import { sleepExact } from '../../bench/coordination/sleep.ts';
import type { Operation, OpResult, ReadResult, StateAccess } from '../../bench/workloads/operation.ts';
import { sqlitePathFor, stateStatements } from '../../bench/workloads/sqlite-store.ts';
import type { FileStore } from '../../bench/workloads/store.ts';
import type { Strategy } from '../strategy.ts';
import { localTurn } from './local-turn.ts';
import { OfdLock } from './ofd-lock.ts';
import { beginImmediate } from './sqlite-busy-wait.ts';

/**
 * How long opening a client's connection and preparing its statements may wait for a lock in
 * SQLite's busy handler, ms: a lock that blocks a reader under WAL is a passing one (a
 * connection's recovery of the WAL), and the wait holds the thread.
 */
const CONNECT_BUSY_TIMEOUT_MS = 1_000;

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

/** How clients wait for the write lock: SQLite's busy handler's sleeps alone, or a kernel queue first. */
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
      // Opening and preparing may meet a passing lock (another connection's WAL recovery): SQLite's
      // busy handler waits it out, for at most CONNECT_BUSY_TIMEOUT_MS. Then no busy timeout: the
      // busy handler would sleep on this thread, where nothing can stop it; `beginImmediate`
      // takes the same sleeps between attempts instead.
      const db = new Database(path, { timeout: CONNECT_BUSY_TIMEOUT_MS, fileMustExist: true });
      const access = new SqliteAccess(db, env.store);
      db.pragma('busy_timeout = 0');
      const turn = localTurn(`sqlite:${path}`);
      // The kernel queue: an OFD lock on a file beside the database, one open file description per client.
      const queue = wait === 'kernel queue' ? new OfdLock(`${path}-queue`, env.note) : null;
      const transaction = async (op: Operation): Promise<OpResult> => {
        await beginImmediate(db);
        try {
          const result = await env.execute(op, access);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      };
      return Promise.resolve({
        async run(op) {
          const done = await turn.take();
          try {
            if (queue === null) return await transaction(op);
            return await queue.acquire(async () => {
              try {
                return await transaction(op);
              } finally {
                queue.release();
              }
            });
          } finally {
            done();
          }
        },
        close() {
          db.close();
          queue?.close();
          return Promise.resolve();
        },
      });
    },
  };
}

