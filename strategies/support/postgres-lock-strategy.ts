/**
 * The PostgreSQL lock strategies' shared shape (`pg-advisory`, `pg-row-lock`): each critical
 * section one transaction on the thread's connection, the lock taken by one statement before the
 * body reads, freed by `COMMIT` (or `ROLLBACK`, or the server when the connection drops). The
 * server queues the waiters; the clients of one thread take turns for their shared connection.
 */
import type { Strategy } from '../strategy.ts';
import { engineSetup, type EngineShare } from './engine-share.ts';
import { localTurn } from './local-turn.ts';
import { postgresConnection, PostgresAccess } from './postgres-session.ts';

/** What differs between the lock strategies. */
export interface PostgresLock {
  readonly name: string;
  readonly description: string;
  /** The statement that blocks until this transaction holds the lock, with the namespace as `$1`. */
  readonly lockSql: (namespace: string) => string;
}

/** The PostgreSQL strategy that takes `lock` around each critical section. */
export function postgresLockStrategy(lock: PostgresLock): Strategy {
  return {
    name: lock.name,
    description: lock.description,
    paradigm: 'shared state + lock',
    guarantee: 'mutual exclusion',
    order: 'unspecified',
    onHolderCrash:
      "PostgreSQL rolls back the dead holder's transaction and frees its lock as soon as the holder's connection drops (the kernel closes a dead process's socket)",
    stateLocation: 'PostgreSQL row (server)',
    stateStore: 'postgres',
    reach: 'machines',

    setup: engineSetup('postgres'),

    async connect(env) {
      const share = env.share as EngineShare;
      const use = await postgresConnection(share.url);
      const client = use.connection;
      const access = new PostgresAccess(client, share.namespace, env.store);
      const turn = localTurn(`postgres ${share.url}`);
      const lockSql = lock.lockSql(share.namespace);
      const lockParams = lockSql.includes('$1') ? [share.namespace] : [];
      return {
        async run(op) {
          const done = await turn.take();
          try {
            await client.query('BEGIN');
            try {
              await client.query(lockSql, lockParams);
              const result = await env.execute(op, access);
              await client.query('COMMIT');
              return result;
            } catch (error) {
              await client.query('ROLLBACK').catch(() => undefined);
              throw error;
            }
          } finally {
            done();
          }
        },
        close: () => use.release(),
      };
    },
  };
}
