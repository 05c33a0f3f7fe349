/**
 * A run's state in PostgreSQL: a schema of its own (the run's namespace) holding one table,
 * `state(id = 1, json jsonb, fence bigint)`, so that two runs at once, or a run and the tests,
 * never see each other's rows. The harness creates it with the initial state before the
 * strategy's setup, reads the final state after the clients end (the verdict never rests on what
 * a strategy reports), and drops the schema.
 *
 * Advisory locks are not in a schema: they are keyed per database. A run's advisory key is
 * `hashtext(namespace)` (see {@link advisoryKeySql}), so runs at once take different locks.
 */
import pg from 'pg';
import type { ReadResult } from '../workloads/operation.ts';
import { keepServerReason } from './postgres-errors.ts';
import { postgresClientConfig } from './services.ts';

/** The run's state table, schema-qualified. The namespace is made of [a-z0-9_] only (see `namespace.ts`). */
export function stateTable(namespace: string): string {
  return `${namespace}.state`;
}

/** SQL for the run's advisory lock key, with the namespace as parameter `$n`. */
export function advisoryKeySql(parameter: number): string {
  return `hashtext($${parameter})`;
}

/** A connection for the harness's own use, with a bounded wait to connect. */
async function harnessClient(url: string): Promise<pg.Client> {
  // Bounded: a server that stopped answering fails the run instead of hanging it.
  const client = keepServerReason(new pg.Client(postgresClientConfig(url, { connectionTimeoutMillis: 5_000, query_timeout: 5_000 })));
  await client.connect();
  return client;
}

/** Creates the run's schema and its state table with `initial` as its state. Throws if PostgreSQL does not answer. */
export async function createPostgresState(url: string, namespace: string, initial: unknown): Promise<void> {
  const client = await harnessClient(url);
  try {
    await client.query(`CREATE SCHEMA ${namespace}`);
    await client.query(`CREATE TABLE ${stateTable(namespace)} (id integer PRIMARY KEY CHECK (id = 1), json jsonb NOT NULL, fence bigint NOT NULL DEFAULT 0)`);
    await client.query(`INSERT INTO ${stateTable(namespace)} (id, json) VALUES (1, $1)`, [JSON.stringify(initial)]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The run's state as it is in PostgreSQL now ({ ok: false, text: '' } if the row is gone). */
export async function readPostgresState(url: string, namespace: string): Promise<ReadResult> {
  const client = await harnessClient(url);
  try {
    const { rows } = await client.query<{ json: unknown }>(`SELECT json FROM ${stateTable(namespace)} WHERE id = 1`);
    const row = rows[0];
    return row === undefined ? { ok: false, text: '' } : { ok: true, state: row.json };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops the run's schema and everything in it. */
export async function dropPostgresState(url: string, namespace: string): Promise<void> {
  const client = await harnessClient(url);
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${namespace} CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
