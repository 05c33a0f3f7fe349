/**
 * The namespaces (PostgreSQL schemas, Redis key prefixes, NATS key-value buckets; see
 * `namespace.ts`) that runs no longer running left in a server: a runner killed with SIGKILL, or a server that did not answer the
 * drop. A namespace carries its run's pid; one whose pid is not running on this machine is named,
 * with the command that removes it, and never removed here: a server may be shared with another
 * machine, whose runs' pids mean nothing on this one. RabbitMQ is not looked at: AMQP cannot list
 * queues, and a run's queue expires by itself once unused (see `rabbitmq-queue.ts`).
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
