/**
 * The servers engine strategies keep their state in: where to find them, whether they answer,
 * and what to tell a user whose machine has none.
 *
 * URLs come from `--redis` / `--postgres` / `--rabbitmq` / `--nats`, else the environment
 * (`REDIS_URL`, `DATABASE_URL`, `RABBITMQ_URL`, `NATS_URL`), else the local defaults below. A strategy whose server does not answer is not run: its row says
 * "skipped", with the URL tried and how to start a server (see {@link startHint}).
 */
import os from 'node:os';
import type { ClientConfig } from 'pg';

// The four client libraries are imported by `probeService` only, when it probes: this module is
// also part of every client process and worker thread (through the strategies' support and the
// faults), which would otherwise load all four at start-up, about 0.4 s of CPU each, whatever
// their strategy (see docs/measurement-cost.md).

/**
 * The servers a strategy can need: the engines its state can live in besides the db file and
 * SQLite (Redis, PostgreSQL, NATS JetStream's key-value store), and the message brokers its
 * requests can travel through (RabbitMQ, NATS).
 */
export type EngineName = 'redis' | 'postgres' | 'rabbitmq' | 'nats';

/** The engines a run's state can live in (`Strategy.stateStore`). */
export type StateEngine = 'redis' | 'postgres' | 'nats';

/** The brokers a run's requests can travel through (`Strategy.broker`). */
export type BrokerEngine = 'rabbitmq' | 'nats';

/** Every engine, in the order messages list them. */
export const engineNames: readonly EngineName[] = ['redis', 'postgres', 'rabbitmq', 'nats'];

/** Where each engine's server is: a `redis://`, a `postgres://`, an `amqp://` and a `nats://` URL. */
export interface ServiceUrls {
  readonly redis: string;
  readonly postgres: string;
  readonly rabbitmq: string;
  readonly nats: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_POSTGRES_URL = 'postgres://127.0.0.1:5432/test';
export const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** The URLs: those given, else `REDIS_URL` / `DATABASE_URL` / `RABBITMQ_URL` / `NATS_URL`, else the local defaults. */
export function serviceUrls(given: Partial<ServiceUrls> = {}, env: NodeJS.ProcessEnv = process.env): ServiceUrls {
  return {
    redis: given.redis ?? nonEmpty(env.REDIS_URL) ?? DEFAULT_REDIS_URL,
    postgres: given.postgres ?? nonEmpty(env.DATABASE_URL) ?? DEFAULT_POSTGRES_URL,
    rabbitmq: given.rabbitmq ?? nonEmpty(env.RABBITMQ_URL) ?? DEFAULT_RABBITMQ_URL,
    nats: given.nats ?? nonEmpty(env.NATS_URL) ?? DEFAULT_NATS_URL,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The client configuration for the PostgreSQL server at `url`. A URL without a user name connects
 * as `PGUSER`, else the operating-system user, as `psql` does (the client library would otherwise
 * send none where `USER` is unset, and the server refuses).
 */
export function postgresClientConfig(url: string, extra: ClientConfig = {}): ClientConfig {
  let connectionString = url;
  try {
    const parsed = new URL(url);
    if (parsed.username === '') {
      parsed.username = encodeURIComponent(nonEmpty(process.env.PGUSER) ?? os.userInfo().username);
      connectionString = parsed.toString();
    }
  } catch {
    // Not a URL the parser takes: the client library reports it.
  }
  return { connectionString, ...extra };
}

/** The engine's display name, as in "no Redis at …". */
export const engineTitle: Record<EngineName, string> = { redis: 'Redis', postgres: 'PostgreSQL', rabbitmq: 'RabbitMQ', nats: 'NATS' };

/** How to get a server on Debian or Ubuntu, and how to point the bench at another one. */
export const startHint: Record<EngineName, string> = {
  redis: 'install and start one (Debian/Ubuntu: sudo apt-get install redis-server && sudo service redis-server start), or give --redis URL / REDIS_URL',
  postgres:
    'install and start one (Debian/Ubuntu: sudo apt-get install postgresql && sudo service postgresql start, then a role and database you may use), or give --postgres URL / DATABASE_URL',
  rabbitmq: 'install and start one (Debian/Ubuntu: sudo apt-get install rabbitmq-server && sudo service rabbitmq-server start), or give --rabbitmq URL / RABBITMQ_URL',
  nats: 'install nats-server and start it with JetStream (nats-server -js), or give --nats URL / NATS_URL',
};

/** How long a probe waits for the server's answer, ms. */
export const PROBE_TIMEOUT_MS = 3_000;

/** A URL without its password, for tables and messages. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * A command line as a results file may keep it: the value of `--redis`, `--postgres`,
 * `--rabbitmq` and `--nats` (given as the next argument or after `=`) without its password.
 */
export function shownArgs(argv: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const joined = /^(--(?:redis|postgres|rabbitmq|nats))=(.*)$/.exec(arg);
    if (joined !== null) out.push(`${joined[1] ?? ''}=${shownUrl(joined[2] ?? '')}`);
    else if (urlFlags.has(arg) && i + 1 < argv.length) out.push(arg, shownUrl(argv[++i] ?? ''));
    else out.push(arg);
  }
  return out.join(' ');
}

const urlFlags = new Set(engineNames.map((engine) => `--${engine}`));

/** The URLs without their passwords: what a results file may keep. */
export function shownServices(urls: ServiceUrls): ServiceUrls {
  return { redis: shownUrl(urls.redis), postgres: shownUrl(urls.postgres), rabbitmq: shownUrl(urls.rabbitmq), nats: shownUrl(urls.nats) };
}


/**
 * Whether `engine` answers at `url`: null if it does (Redis `PING`, PostgreSQL `SELECT 1`, an
 * AMQP connection opened and closed, a NATS connection flushed to a server with JetStream),
 * else the reason in one line. Never throws; gives up after {@link PROBE_TIMEOUT_MS}.
 */
export async function probeService(engine: EngineName, url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | null> {
  try {
    if (engine === 'redis') {
      const { Redis } = await import('ioredis');
      const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
      // The connection's own error says why (ECONNREFUSED …); connect() only says it closed.
      let cause: Error | null = null;
      redis.on('error', (error: Error) => (cause ??= error));
      try {
        await redis.connect();
        await redis.ping();
      } catch (error) {
        throw cause ?? error;
      } finally {
        // Disconnecting a connection that already ended leaves a 2 s timer of ioredis's behind.
        if (redis.status !== 'end') redis.disconnect();
      }
    } else if (engine === 'rabbitmq') {
      const { default: amqp } = await import('amqplib');
      const connection = await withTimeout(amqp.connect(url, { timeout: timeoutMs }), timeoutMs, (late) => void late.close().catch(() => undefined));
      connection.on('error', () => undefined);
      await connection.close();
    } else if (engine === 'nats') {
      const { connect: natsConnect } = await import('@nats-io/transport-node');
      const connection = await natsConnect({ servers: url, timeout: timeoutMs, reconnect: false });
      try {
        await withTimeout(connection.flush(), timeoutMs);
        if (connection.info?.jetstream !== true) throw new Error('the server runs without JetStream (start it with -js)');
      } finally {
        await connection.close().catch(() => undefined);
      }
    } else {
      const { Client } = await import('pg');
      const client = new Client(postgresClientConfig(url, { connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs }));
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split('\n')[0] ?? 'no answer';
  }
}

/** `work`, or a timeout error after `ms`; a late result is handed to `late` (to close it). */
function withTimeout<T>(work: Promise<T>, ms: number, late: (value: T) => void = () => undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`no answer within ${ms} ms (timeout)`));
    }, ms);
  });
  work.then((value) => timedOut && late(value), () => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * The reason of a skipped row. Nothing listening (refused, no such host, no answer in time):
 * "skipped: no Redis at URL (why); how to start one". A server that answered and refused (a wrong
 * password, no such database): "skipped: the Redis server at URL refused (why)", with no install hint.
 */
export function skippedReason(engine: EngineName, url: string, why: string): string {
  const absent = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ETIMEDOUT|timeout|timed out|Connection is closed|connection refused/i.test(why);
  if (absent) return `skipped: no ${engineTitle[engine]} at ${shownUrl(url)} (${why}); ${startHint[engine]}`;
  return `skipped: the ${engineTitle[engine]} server at ${shownUrl(url)} refused (${why}); check the URL's user, password${engine === 'postgres' ? ' and database' : engine === 'rabbitmq' ? ' and virtual host' : ''}${engine === 'nats' ? ' and that JetStream is on' : ''}, or give another with --${engine} URL`;
}
