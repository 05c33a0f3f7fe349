/**
 * A lease lock in Redis: `SET lock token NX PX ttl` grants it, a script that deletes the key only
 * if it still holds the holder's token releases it, and each grant takes a fencing token from
 * `INCR` in the same script (Kleppmann, "How to do distributed locking", 2016; the single-instance
 * algorithm of the Redis documentation's "Distributed locks with Redis"). A holder that dies keeps
 * the lock until its TTL runs out; one that outlives it (stopped, stuck) loses it without knowing.
 *
 * How a waiter learns of a release is the design choice measured here ({@link Wake}):
 * - `poll`: it retries after a back-off that doubles from {@link POLL_BASE_MS} up to
 *   {@link POLL_CAP_MS}; a waiter that has waited long retries every cap, so it learns of a
 *   release {@link pollExpectedDelayMs} after it on average, plus a round trip;
 * - `pubsub`: the release publishes on a channel, and one subscriber connection per thread wakes
 *   its waiter, which retries at once (plus a retry when the lease would expire, since a dead
 *   holder publishes nothing); a subscriber connection that ends fails its waiters (see
 *   {@link ReleaseListener}).
 */
import type { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import type { RedisKeys } from '../../bench/engines/redis-state.ts';
import { loadScript, redisConnection, type LoadedScript } from './redis-session.ts';
import type { ConnectionUse } from './shared-connection.ts';

export type Wake = 'poll' | 'pubsub';

/** First back-off of a polling waiter, ms. */
export const POLL_BASE_MS = 1;
/** Longest back-off of a polling waiter, ms. */
export const POLL_CAP_MS = 16;

/** The mean delay from a release to a long-waiting poller's next try (uniform over its cap), ms. */
export function pollExpectedDelayMs(): number {
  return POLL_CAP_MS / 2;
}

/** KEYS: lock, fence. ARGV: token, ttl ms. Returns {fencing token, 0} when granted, {0, ms left of the holder's lease} when not. */
const ACQUIRE_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {redis.call('INCR', KEYS[2]), 0}
end
return {0, redis.call('PTTL', KEYS[1])}`;

/** KEYS: lock, channel. ARGV: token. Deletes the lock only if it holds `token`; publishes the release. Returns 1 released, 0 the lease was no longer held. */
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', KEYS[2], ARGV[1])
  return 1
end
return 0`;

/** The waiters of each subscriber connection: one 'message' listener per connection, however many clients share it. */
const waitersOf = new WeakMap<Redis, { wake: () => void; lose: (error: Error) => void }[]>();
/** Why a subscriber connection can no longer wake anyone (it ended), by connection. */
const lostOf = new WeakMap<Redis, Error>();

/**
 * This client's wake-ups: `next()` resolves at the next release published on the run's channel.
 *
 * A subscriber connection that ends (the server dropped it: `CLIENT KILL TYPE pubsub`, a
 * restart, a time-out) is not reconnected, and ioredis would not say so: the waiters would go
 * on waking only at each lease's expiry, a handoff gap of the whole lease instead of a round
 * trip, while the row stayed "correct". So its end rejects every waiter of the connection, and
 * every later `next()`, with an error that names it: the run fails with that reason.
 */
class ReleaseListener {
  constructor(readonly use: ConnectionUse<Redis>) {
    const subscriber = use.connection;
    if (!waitersOf.has(subscriber)) {
      waitersOf.set(subscriber, []);
      subscriber.on('message', () => {
        const woken = waitersOf.get(subscriber) ?? [];
        waitersOf.set(subscriber, []);
        for (const waiter of woken) waiter.wake();
      });
      subscriber.on('end', () => {
        const lost = new Error(
          'the Redis pub/sub subscriber connection ended (dropped by the server?): waiters would no longer be woken by releases, only at lease expiries',
        );
        lostOf.set(subscriber, lost);
        const woken = waitersOf.get(subscriber) ?? [];
        waitersOf.set(subscriber, []);
        for (const waiter of woken) waiter.lose(lost);
      });
    }
  }

  next(): Promise<void> {
    const subscriber = this.use.connection;
    const next = new Promise<void>((resolve, reject) => {
      const lost = lostOf.get(subscriber);
      if (lost !== undefined) reject(lost);
      else waitersOf.get(subscriber)?.push({ wake: resolve, lose: reject });
    });
    // A wake-up asked for but not awaited (the lease was granted at once) must not become an unhandled rejection.
    next.catch(() => undefined);
    return next;
  }
}

/** One client's handle on the run's lease. */
export class LeaseLock {
  private constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly leaseMs: number,
    private readonly acquireScript: LoadedScript,
    private readonly releaseScript: LoadedScript,
    private readonly listener: ReleaseListener | null,
  ) {}

  /** Opens the handle: scripts loaded on `redis`, and with `pubsub` this thread's subscriber to the run's channel. */
  static async open(redis: Redis, url: string, keys: RedisKeys, leaseMs: number, wake: Wake): Promise<LeaseLock> {
    const [acquire, release] = await Promise.all([loadScript(redis, ACQUIRE_LUA), loadScript(redis, RELEASE_LUA)]);
    let listener: ReleaseListener | null = null;
    if (wake === 'pubsub') {
      const use = await redisConnection(url, `subscriber ${keys.released}`);
      await use.connection.subscribe(keys.released);
      listener = new ReleaseListener(use);
    }
    return new LeaseLock(redis, keys, leaseMs, acquire, release, listener);
  }

  /** Waits until this client holds the lease; resolves with the grant's fencing token and the token to release with. */
  async acquire(): Promise<{ fencingToken: number; holder: string }> {
    const holder = `${process.pid}-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    let backoff = POLL_BASE_MS;
    for (;;) {
      // Listen before asking: a release between the refusal and the wait is not missed.
      const woken = this.listener?.next();
      const [token, leftMs] = (await this.acquireScript.run(this.redis, [this.keys.lock, this.keys.fence], [holder, this.leaseMs])) as [number, number];
      if (token > 0) return { fencingToken: token, holder };
      // A lease with no TTL (-1) cannot come from this protocol; wait one cap and ask again.
      const expiry = leftMs >= 0 ? leftMs + 1 : POLL_CAP_MS;
      if (woken === undefined) {
        await delay(Math.min(backoff, expiry));
        backoff = Math.min(2 * backoff, POLL_CAP_MS);
      } else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, expiry)))]);
        clearTimeout(timer);
      }
    }
  }

  /** Releases the lease if `holder` still holds it; false if it had expired (another may hold it now). */
  async release(holder: string): Promise<boolean> {
    return (await this.releaseScript.run(this.redis, [this.keys.lock, this.keys.released], [holder])) === 1;
  }

  async close(): Promise<void> {
    await this.listener?.use.release();
  }
}
