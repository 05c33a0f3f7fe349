import { stateTable } from '../bench/engines/postgres-state.ts';
import type { Strategy } from './strategy.ts';
import { postgresLockStrategy } from './support/postgres-lock-strategy.ts';

/**
 * `pg-row-lock`: the state row itself is the lock: `SELECT … FOR UPDATE` takes its row lock before
 * the body reads it, and every other `FOR UPDATE` on the row waits until `COMMIT`. It is a
 * statement of its own, so the harness's enter stamp comes after the lock is held.
 */
export const pgRowLock: Strategy = postgresLockStrategy({
  name: 'pg-row-lock',
  description: 'state in a PostgreSQL row; each critical section a transaction that first locks the row with SELECT … FOR UPDATE',
  lockSql: (namespace) => `SELECT 1 FROM ${stateTable(namespace)} WHERE id = 1 FOR UPDATE`,
});
