import { isConflict } from '../bench/workloads/operation.ts';
import type { Strategy } from './strategy.ts';
import { engineSetup, type EngineShare } from './support/engine-share.ts';
import { localTurn } from './support/local-turn.ts';
import { postgresConnection, PostgresAccess } from './support/postgres-session.ts';

/**
 * `pg-serializable`: optimistic concurrency in the server. Each attempt is a `SERIALIZABLE`
 * transaction that reads and writes the state row with no lock of its own; PostgreSQL's
 * serializable snapshot isolation (Cahill, Röhm and Fekete, "Serializable Isolation for Snapshot
 * Databases", SIGMOD 2008; Ports and Grittner, VLDB 2012) aborts an attempt that would break a
 * serial order with SQLSTATE 40001, and the client retries from a fresh read. The write commits
 * at once, so a conflict surfaces inside the attempt (see `PostgresAccess`).
 *
 * Clients of one thread share its connection and take turns on it: conflicts are between threads
 * or processes. A read-only attempt (no ticket left) commits after the body; a serialization
 * failure there is not retried (the body already answered) and fails the run, saying so.
 */
export const pgSerializable: Strategy = {
  name: 'pg-serializable',
  description: 'state in a PostgreSQL row; each attempt a SERIALIZABLE transaction, retried on a serialization failure (SQLSTATE 40001)',
  paradigm: 'optimistic concurrency',
  guarantee: 'serializable commits',
  order: 'unspecified',
  onHolderCrash: "nothing is held between statements: PostgreSQL rolls back the dead client's transaction when its connection drops",
  stateLocation: 'PostgreSQL row (server)',
  stateStore: 'postgres',
  reach: 'machines',

  setup: engineSetup('postgres'),

  async connect(env) {
    const share = env.share as EngineShare;
    const use = await postgresConnection(share.url);
    const client = use.connection;
    const access = new PostgresAccess(client, share.namespace, env.store, true);
    const turn = localTurn(`postgres ${share.url}`);
    return {
      async run(op) {
        const done = await turn.take();
        try {
          for (;;) {
            await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
            try {
              const result = await env.execute(op, access);
              // The write committed already; a read-only attempt commits here.
              await client.query('COMMIT');
              return result;
            } catch (error) {
              if (isConflict(error)) continue;
              await client.query('ROLLBACK').catch(() => undefined);
              throw error;
            }
          }
        } finally {
          done();
        }
      },
      close: () => use.release(),
    };
  },
};
