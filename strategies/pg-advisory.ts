import { advisoryKeySql } from '../bench/engines/postgres-state.ts';
import type { Strategy } from './strategy.ts';
import { postgresLockStrategy } from './support/postgres-lock-strategy.ts';

/**
 * `pg-advisory`: a PostgreSQL transaction-scoped advisory lock (`pg_advisory_xact_lock`, keyed by
 * the run's namespace) around the read and the write of the state row. Waiters queue in the
 * server's lock manager; the lock is freed at `COMMIT`, or when the holder's connection drops.
 */
export const pgAdvisory: Strategy = postgresLockStrategy({
  name: 'pg-advisory',
  description: 'state in a PostgreSQL row; each critical section a transaction holding pg_advisory_xact_lock, waiters queued by the server',
  lockSql: () => `SELECT pg_advisory_xact_lock(${advisoryKeySql(1)})`,
});
