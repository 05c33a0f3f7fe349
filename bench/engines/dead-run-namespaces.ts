/**
 * The namespaces (PostgreSQL schemas, Redis key prefixes, NATS key-value buckets; see
 * `namespace.ts`) that runs no longer running left in a server: a runner killed with SIGKILL, or a server that did not answer the
 * drop. A namespace carries its run's pid; one whose pid is not running on this machine is named,
 * with the command that removes it, and never removed here: a server may be shared with another
 * machine, whose runs' pids mean nothing on this one. RabbitMQ is not looked at: AMQP cannot list
 * queues, and a run's queue expires by itself once unused (see `rabbitmq-queue.ts`).
 *
 * A dead run's PostgreSQL connections are another matter: a client process of the run that
 * outlived it (a victim stopped by `pause-in-cs` when the runner was killed) may hold an advisory
 * lock in a transaction left open, and the server keeps it for ever. Every connection of a run
 * names the run in its `application_name` (see {@link withRunName}); a backend whose run's pid is
 * not running here, and whose client is on this machine (loopback or a Unix socket), is ended
 * with `pg_terminate_backend` and named.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { processStartTime } from '../runners/run-folder.ts';
import { isRunNamespace } from './namespace.ts';
import { natsBuckets } from './nats-state.ts';
import { engineTitle, postgresClientConfig, shownUrl, type StateEngine } from './services.ts';

/** How long the look-up may take, ms. */
const LOOKUP_LIMIT_MS = 5_000;
/** Redis SCAN rounds at most (1,000 keys each): the look-up never walks a huge key space. */
const MAX_SCANS = 20;

/** The pid in a run namespace's name. */
function pidOf(namespace: string): number {
  return Number(namespace.split('_')[2]);
}

/** `url` with `application_name` naming the run `namespace`: what the run's PostgreSQL connections show in `pg_stat_activity`. */
export function withRunName(url: string, namespace: string): string {
  try {
    const parsed = new URL(url);
    parsed.searchParams.set('application_name', namespace);
    return parsed.toString();
  } catch {
    return url;
  }
}

/** A backend ended by {@link terminateDeadRunBackends}: its server pid and the run it served. */
export interface TerminatedBackend {
  readonly pid: number;
  readonly run: string;
}

/**
 * Ends the backends, in the PostgreSQL server at `url`, of runs whose pid is not running on this
 * machine and whose client connected from this machine (loopback, or a Unix socket: no address).
 * Resolves with those it ended; rejects if the server does not answer.
 */
export async function terminateDeadRunBackends(url: string): Promise<TerminatedBackend[]> {
  const client = new pg.Client(postgresClientConfig(url, { connectionTimeoutMillis: LOOKUP_LIMIT_MS, query_timeout: LOOKUP_LIMIT_MS }));
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number; run: string }>(
      "SELECT pid, application_name AS run FROM pg_stat_activity WHERE application_name LIKE 'sync\\_bench\\_%' AND (client_addr IS NULL OR host(client_addr) IN ('127.0.0.1', '::1')) AND pid <> pg_backend_pid()",
    );
    const dead = rows.filter((r) => isRunNamespace(r.run) && processStartTime(pidOf(r.run)) === null);
    const ended: TerminatedBackend[] = [];
    for (const backend of dead) {
      const { rows: done } = await client.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [backend.pid]);
      if (done[0]?.ok === true) ended.push({ pid: backend.pid, run: backend.run });
    }
    return ended;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One line naming the backends {@link terminateDeadRunBackends} ended; null if none. */
export function terminatedBackendsLine(url: string, ended: readonly TerminatedBackend[]): string | null {
  if (ended.length === 0) return null;
  const runs = [...new Set(ended.map((b) => b.run))].sort();
  return `ended ${ended.length} PostgreSQL backends at ${shownUrl(url)} of runs whose process is not running on this machine (${runs.join(', ')}; backend pids ${ended.map((b) => b.pid).join(', ')}): their locks and open transactions are released`;
}

/** The run namespaces in `engine` at `url` whose pid is not running here, sorted. Rejects if the server does not answer. */
export async function deadRunNamespaces(engine: StateEngine, url: string): Promise<string[]> {
  const names = engine === 'postgres' ? await postgresNamespaces(url) : engine === 'nats' ? await natsBuckets(url, 'sync_bench_') : await redisNamespaces(url);
  return [...new Set(names)].filter((name) => isRunNamespace(name) && processStartTime(pidOf(name)) === null).sort();
}

async function postgresNamespaces(url: string): Promise<string[]> {
  const client = new pg.Client(postgresClientConfig(url, { connectionTimeoutMillis: LOOKUP_LIMIT_MS, query_timeout: LOOKUP_LIMIT_MS }));
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string }>("SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'sync\\_bench\\_%'");
    return rows.map((r) => r.name);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisNamespaces(url: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: LOOKUP_LIMIT_MS, commandTimeout: LOOKUP_LIMIT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const names: string[] = [];
    let cursor = '0';
    let scans = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'sync-bench:sync_bench_*', 'COUNT', 1_000);
      for (const key of keys) names.push(key.split(':')[1] ?? '');
      cursor = next;
    } while (cursor !== '0' && ++scans < MAX_SCANS);
    return names;
  } finally {
    redis.disconnect();
  }
}

/** One line naming `names` (from {@link deadRunNamespaces}) and how to remove them; null if there are none. */
export function deadRunNamespacesLine(engine: StateEngine, url: string, names: readonly string[]): string | null {
  if (names.length === 0) return null;
  const shown = shownUrl(url);
  const how =
    engine === 'postgres'
      ? `drop each with: psql '${shown}' -c 'DROP SCHEMA <name> CASCADE'`
      : engine === 'nats'
        ? `delete each with: nats --server '${shown}' kv del <name> -f`
        : `delete each with: redis-cli -u '${shown}' --scan --pattern 'sync-bench:<name>:*' | xargs -r redis-cli -u '${shown}' DEL`;
  const what = engine === 'postgres' ? 'schemas' : engine === 'nats' ? 'key-value buckets' : 'key prefixes';
  return `runs whose process is not running on this machine left ${what} in ${engineTitle[engine]} at ${shown}: ${names.join(', ')}; ${how}`;
}
