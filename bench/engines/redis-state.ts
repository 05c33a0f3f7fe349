/**
 * A run's state in Redis: every key of a run under one prefix of its own (`sync-bench:<namespace>:`),
 * so that two runs at once, or a run and the tests, never see each other's keys. The harness
 * writes the initial state before the strategy's setup, reads the final state after the clients
 * end (the verdict never rests on what a strategy reports), and deletes every key of the prefix.
 */
import { Redis } from 'ioredis';
import type { ReadResult } from '../workloads/operation.ts';
import { parseState } from './stored-state.ts';

export { parseState } from './stored-state.ts';

/** The keys of one run. */
export interface RedisKeys {
  /** The workload's state, as JSON text. */
  readonly state: string;
  /** The lease lock: holds the holder's random token, with a TTL. */
  readonly lock: string;
  /** The fencing-token counter: `INCR`ed on each grant of the lease. */
  readonly fence: string;
  /** The pub/sub channel a lease holder publishes its release on. */
  readonly released: string;
}

/** The keys of the run whose namespace is `namespace`. */
export function redisKeys(namespace: string): RedisKeys {
  const prefix = `sync-bench:${namespace}:`;
  return { state: `${prefix}state`, lock: `${prefix}lock`, fence: `${prefix}fence`, released: `${prefix}released` };
}

/** How long the harness waits for a server to answer one of its own commands, ms: a server that stopped answering fails the run instead of hanging it. */
export const HARNESS_COMMAND_TIMEOUT_MS = 5_000;

/** A connection for the harness's own use (not the clients'): it does not retry a lost server, and gives up on a silent one. */
export function harnessRedis(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: HARNESS_COMMAND_TIMEOUT_MS, commandTimeout: HARNESS_COMMAND_TIMEOUT_MS });
  redis.on('error', () => undefined);
  return redis;
}

/** Writes `initial` as the run's state. Throws if Redis does not answer. */
export async function createRedisState(url: string, namespace: string, initial: unknown): Promise<void> {
  const redis = harnessRedis(url);
  try {
    await redis.connect();
    await redis.set(redisKeys(namespace).state, JSON.stringify(initial));
  } finally {
    redis.disconnect();
  }
}

/** The run's state as it is in Redis now: parsed, or the text that did not parse ('' if the key is gone). */
export async function readRedisState(url: string, namespace: string): Promise<ReadResult> {
  const redis = harnessRedis(url);
  try {
    await redis.connect();
    return parseState(await redis.get(redisKeys(namespace).state));
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under the run's prefix. */
export async function dropRedisState(url: string, namespace: string): Promise<void> {
  const redis = harnessRedis(url);
  try {
    await redis.connect();
    const pattern = `sync-bench:${namespace}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 100);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
