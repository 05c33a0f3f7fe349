/**
 * PostgreSQL's reason for ending a connection reaches the line a failed row shows, with its
 * SQLSTATE, instead of the client library's "not queryable": each case is made on the real server
 * (a backend terminated from a second connection, an idle-in-transaction timeout, a role's
 * connection limit), through the connection the strategies use.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { keepServerReason } from '../bench/engines/postgres-errors.ts';
import { postgresClientConfig, serviceUrls } from '../bench/engines/services.ts';
import { postgresConnection } from '../strategies/support/postgres-session.ts';
import { canRun } from './fixtures/services.ts';

const url = serviceUrls().postgres;

/** A plain connection of the test's own (the second connection that acts on the server). */
async function admin(): Promise<pg.Client> {
  const client = new pg.Client(postgresClientConfig(url, { connectionTimeoutMillis: 5_000 }));
  await client.connect();
  return client;
}

async function backendPid(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]?.pid ?? -1;
}

describe.runIf(canRun('pg-advisory'))("PostgreSQL's reason, kept in the line", () => {
  it('a backend terminated while idle (pg_terminate_backend): the next query names 57P01, not only "not queryable"', async () => {
    const use = await postgresConnection(url);
    const other = await admin();
    try {
      const client = use.connection;
      const ended = once(client, 'error');
      await other.query('SELECT pg_terminate_backend($1)', [await backendPid(client)]);
      await ended;
      await expect(client.query('SELECT 1')).rejects.toThrow(
        /^Client has encountered a connection error and is not queryable: the server ended the connection: terminating connection due to administrator command \(SQLSTATE 57P01\)$/,
      );
    } finally {
      await use.release();
      await other.end();
    }
  });

  it('a backend terminated during a query: the query names 57P01', async () => {
    const use = await postgresConnection(url);
    const other = await admin();
    try {
      const client = use.connection;
      const pid = await backendPid(client);
      const sleeping = client.query('SELECT pg_sleep(30)');
      await expect.poll(async () => (await other.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'", [pid])).rows[0]?.n, { timeout: 10_000, interval: 20 }).toBe(1);
      await other.query('SELECT pg_terminate_backend($1)', [pid]);
      await expect(sleeping).rejects.toThrow(/^terminating connection due to administrator command \(SQLSTATE 57P01\)$/);
    } finally {
      await use.release();
      await other.end();
    }
  });

  it('an idle-in-transaction timeout: the next query names 25P03', async () => {
    const use = await postgresConnection(url);
    try {
      const client = use.connection;
      const ended = once(client, 'error');
      await client.query('SET idle_in_transaction_session_timeout = 50');
      await client.query('BEGIN');
      await ended;
      await expect(client.query('SELECT 1')).rejects.toThrow(/the server ended the connection: terminating connection due to idle-in-transaction timeout \(SQLSTATE 25P03\)$/);
    } finally {
      await use.release();
    }
  });

  it('too many connections (a role limited to one): 53300, with --processes suggested; the SQLSTATE stays on the error', async () => {
    const role = `sync_bench_limit_${randomBytes(4).toString('hex')}`;
    const other = await admin();
    await other.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
    const limited = new URL(url);
    limited.username = role;
    limited.password = '';
    const first = keepServerReason(new pg.Client(postgresClientConfig(limited.href)));
    try {
      await first.connect();
      const second = keepServerReason(new pg.Client(postgresClientConfig(limited.href)));
      const refused = await second.connect().then(() => null, (error: unknown) => error);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(new RegExp(`^too many connections for role "${role}" \\(SQLSTATE 53300\\): .*give fewer with --processes N`));
      expect((refused as { code?: string }).code).toBe('53300');
    } finally {
      await first.end().catch(() => undefined);
      await other.query(`DROP ROLE ${role}`);
      await other.end();
    }
  });
});
