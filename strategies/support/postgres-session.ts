/**
 * The PostgreSQL strategies' shared half: a connection per thread or process (see
 * `shared-connection.ts`), the state access of a transaction on it, and the SQL error that says a
 * serializable transaction lost a conflict.
 */
import pg from 'pg';
import { sleepExact } from '../../bench/coordination/sleep.ts';
import { stateTable } from '../../bench/engines/postgres-state.ts';
import { keepServerReason } from '../../bench/engines/postgres-errors.ts';
import { postgresClientConfig } from '../../bench/engines/services.ts';
import { ConflictError, type ReadResult, type StateAccess } from '../../bench/workloads/operation.ts';
import type { FileStore } from '../../bench/workloads/store.ts';
import { sharedConnection, type ConnectionUse } from './shared-connection.ts';

/** SQLSTATE of a serialization failure (`SERIALIZABLE`, `REPEATABLE READ`): retry the transaction. */
export const SERIALIZATION_FAILURE = '40001';

/** The connection of this thread to the server at `url`. */
export function postgresConnection(url: string): Promise<ConnectionUse<pg.Client>> {
  return sharedConnection(
    `postgres ${url}`,
    async () => {
      // A dropped connection fails the query in flight; the error event alone must not crash the
      // thread, and the server's reason it carries is kept for the failures that follow.
      const client = keepServerReason(new pg.Client(postgresClientConfig(url, { connectionTimeoutMillis: 10_000 })));
      await client.connect();
      return client;
    },
    // A server that stopped answering must not hold the client's end for ever.
    async (client) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([client.end().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000)))]);
      clearTimeout(timer);
    },
  );
}

/** Whether `error` is PostgreSQL's serialization failure. */
export function isSerializationFailure(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === SERIALIZATION_FAILURE;
}

/**
 * The state row as a transaction on `client` sees it, with the profile's simulated latencies
 * (read, then wait; wait, then write). `commitOnWrite`: the write also commits, and a
 * serialization failure in either is a {@link ConflictError} (the attempt aborts and the
 * strategy retries): a serializable transaction's conflict belongs to the attempt, so it must
 * surface before the body returns.
 */
export class PostgresAccess implements StateAccess {
  private readonly select: string;
  private readonly update: string;

  constructor(
    private readonly client: pg.Client,
    namespace: string,
    private readonly store: FileStore,
    private readonly commitOnWrite = false,
  ) {
    this.select = `SELECT json FROM ${stateTable(namespace)} WHERE id = 1`;
    this.update = `UPDATE ${stateTable(namespace)} SET json = $1 WHERE id = 1`;
  }

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  async read(): Promise<ReadResult> {
    const { rows } = await this.conflictAware(() => this.client.query<{ json: unknown }>(this.select));
    await sleepExact(this.store.latency.readMs);
    const row = rows[0];
    return row === undefined ? { ok: false, text: '' } : { ok: true, state: row.json };
  }

  async write(state: unknown): Promise<void> {
    await sleepExact(this.store.latency.writeMs);
    await this.conflictAware(async () => {
      await this.client.query(this.update, [JSON.stringify(state)]);
      if (this.commitOnWrite) await this.client.query('COMMIT');
    });
  }

  private async conflictAware<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isSerializationFailure(error)) throw error;
      await this.client.query('ROLLBACK');
      throw new ConflictError(`PostgreSQL: ${(error as Error).message}`);
    }
  }
}
