/**
 * Namespaces that dead runs left in the servers are named at a command's start, and a live run's
 * are not: made on the real servers with a pid of a process that has ended (a real child that
 * exited) and this process's own pid, removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { deadRunNamespaces, deadRunNamespacesLine, terminateDeadRunBackends, terminatedBackendsLine, withRunName } from '../bench/engines/dead-run-namespaces.ts';
import { postgresClientConfig, serviceUrls } from '../bench/engines/services.ts';
import { canRun } from './fixtures/services.ts';

const urls = serviceUrls();
/** A pid whose process has ended: a child that ran and exited. */
const deadPid = spawnSync('true').pid ?? 0;
const hex = () => randomBytes(6).toString('hex');

describe.runIf(canRun('pg-advisory'))('a PostgreSQL schema of a dead run', () => {
  it('is named with the command that drops it; a live run\'s is not', async () => {
    const dead = `sync_bench_${deadPid}_${hex()}`;
    const live = `sync_bench_${process.pid}_${hex()}`;
    const client = new pg.Client(postgresClientConfig(urls.postgres));
    await client.connect();
    try {
      for (const name of [dead, live]) await client.query(`CREATE SCHEMA ${name}`);
      const names = await deadRunNamespaces('postgres', urls.postgres);
      expect(names).toContain(dead);
      expect(names).not.toContain(live);
      expect(deadRunNamespacesLine('postgres', urls.postgres, [dead])).toMatch(new RegExp(`left schemas in PostgreSQL at .*: ${dead}; drop each with: psql '.*' -c 'DROP SCHEMA <name> CASCADE'$`));
    } finally {
      for (const name of [dead, live]) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await client.end();
    }
  });
});

describe.runIf(canRun('pg-advisory'))('a PostgreSQL backend of a dead run', () => {
  it('holding an advisory lock in an open transaction is ended and named; a live run\'s is not', async () => {
    const dead = `sync_bench_${deadPid}_${hex()}`;
    const live = `sync_bench_${process.pid}_${hex()}`;
    const orphan = new pg.Client(postgresClientConfig(withRunName(urls.postgres, dead)));
    const running = new pg.Client(postgresClientConfig(withRunName(urls.postgres, live)));
    const errors: Error[] = [];
    orphan.on('error', (error) => errors.push(error));
    await orphan.connect();
    await running.connect();
    try {
      await orphan.query('BEGIN');
      await orphan.query('SELECT pg_advisory_xact_lock(424242)');
      const { rows } = await running.query<{ name: string }>('SELECT application_name AS name FROM pg_stat_activity WHERE pid = pg_backend_pid()');
      expect(rows[0]?.name).toBe(live);
      const ended = await terminateDeadRunBackends(urls.postgres);
      expect(ended.map((b) => b.run)).toContain(dead);
      expect(ended.map((b) => b.run)).not.toContain(live);
      await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(errors[0]?.message).toMatch(/terminat/);
      // The lock it held is free again: a live connection takes it at once.
      const { rows: taken } = await running.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(424242) AS ok');
      expect(taken[0]?.ok).toBe(true);
      await running.query('SELECT pg_advisory_unlock(424242)');
      expect(terminatedBackendsLine(urls.postgres, ended.filter((b) => b.run === dead))).toMatch(new RegExp(`^ended 1 PostgreSQL backends at .* of runs whose process is not running on this machine \\(${dead}; backend pids \\d+\\): their locks and open transactions are released$`));
    } finally {
      await orphan.end().catch(() => undefined);
      await running.end();
    }
  });
});

describe.runIf(canRun('redis-lease'))('Redis keys of a dead run', () => {
  it('are named by their prefix; a live run\'s are not', async () => {
    const dead = `sync_bench_${deadPid}_${hex()}`;
    const live = `sync_bench_${process.pid}_${hex()}`;
    const redis = new Redis(urls.redis);
    try {
      for (const name of [dead, live]) await redis.set(`sync-bench:${name}:state`, '{}');
      const names = await deadRunNamespaces('redis', urls.redis);
      expect(names).toContain(dead);
      expect(names).not.toContain(live);
    } finally {
      for (const name of [dead, live]) await redis.del(`sync-bench:${name}:state`);
      redis.disconnect();
    }
  });
});
