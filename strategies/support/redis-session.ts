/**
 * The Redis strategies' shared half: connections (one per thread or process, shared; or one of a
 * client's own where the protocol needs it, as `WATCH` does), scripts loaded once per connection,
 * and the state access with the profile's simulated latencies.
 */
import { Redis } from 'ioredis';
import { sleepExact } from '../../bench/coordination/sleep.ts';
import { redisKeys, parseState, type RedisKeys } from '../../bench/engines/redis-state.ts';
import { ConflictError, type ReadResult, type StateAccess } from '../../bench/workloads/operation.ts';
import type { FileStore } from '../../bench/workloads/store.ts';
import { sharedConnection, type ConnectionUse } from './shared-connection.ts';

/**
 * A new connection to `url` (connected), whose errors fail the commands in flight, never the
 * thread. A lost connection is not retried: the run fails, and no reconnection timer outlives it.
 */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 10_000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  await redis.connect();
  return redis;
}

/** How long a client waits for a polite `QUIT` before it drops the connection, ms. */
const QUIT_LIMIT_MS = 1_000;

/** Closes `redis`: `QUIT` if the server answers within {@link QUIT_LIMIT_MS}, else the socket is dropped. Never rejects. */
export async function closeRedis(redis: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([redis.quit().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_LIMIT_MS)))]);
  clearTimeout(timer);
  if (redis.status !== 'end') redis.disconnect();
}

/** The connection of this thread to the server at `url` (`role` keeps apart connections of different uses, e.g. a subscriber). */
export function redisConnection(url: string, role = 'commands'): Promise<ConnectionUse<Redis>> {
  return sharedConnection(`redis ${role} ${url}`, () => openRedis(url), closeRedis);
}

/** A script loaded into the server: `run` evaluates it by SHA1 (`EVALSHA`). */
export interface LoadedScript {
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/** Loads `lua` on `redis` (`SCRIPT LOAD`), once per connection. */
export async function loadScript(redis: Redis, lua: string): Promise<LoadedScript> {
  const sha = (await redis.script('LOAD', lua)) as string;
  return { run: (r, keys, args) => r.evalsha(sha, keys.length, ...keys, ...args) };
}

/**
 * A fenced write (M. Kleppmann, "How to do distributed locking", 2016). The classic check refuses
 * a token older than the newest the store has accepted; that lets a stale holder's write through
 * when it comes before the new holder's first write (both read the same state: a lost update).
 * Here the store sits beside the lock's grant counter, so it checks the stronger condition: the
 * write's token is the latest granted. KEYS: state, fence (the grant counter). ARGV: JSON, token.
 * Returns 1 written, 0 refused.
 */
export const FENCED_SET_LUA = `
if tonumber(ARGV[2]) ~= tonumber(redis.call('GET', KEYS[2]) or '0') then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** A write refused by the store's fencing check: the writer's lease had been granted to another since. */
export class FencedOffError extends ConflictError {}

/**
 * The state key as a client that holds the lease sees it: `GET`, then the read latency; the write
 * latency, then `SET` (with `--fencing`, a fenced write under {@link token}; a refusal is a
 * {@link FencedOffError}, so the attempt aborts and the client asks for the lease again).
 */
export class RedisAccess implements StateAccess {
  /** The fencing token of the lease this client holds now. */
  token = 0;
  readonly keys: RedisKeys;

  constructor(
    private readonly redis: Redis,
    namespace: string,
    private readonly store: FileStore,
    private readonly fenced: LoadedScript | null,
  ) {
    this.keys = redisKeys(namespace);
  }

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  async read(): Promise<ReadResult> {
    const text = await this.redis.get(this.keys.state);
    await sleepExact(this.store.latency.readMs);
    return parseState(text);
  }

  async write(state: unknown): Promise<void> {
    await sleepExact(this.store.latency.writeMs);
    const json = JSON.stringify(state);
    if (this.fenced === null) {
      await this.redis.set(this.keys.state, json);
      return;
    }
    const written = await this.fenced.run(this.redis, [this.keys.state, this.keys.fence], [json, this.token]);
    if (written !== 1) throw new FencedOffError(`fencing token ${this.token} is not the latest granted: the lease passed to another holder`);
  }
}
