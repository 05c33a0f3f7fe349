import { sleepExact } from '../bench/coordination/sleep.ts';
import { parseState, redisKeys } from '../bench/engines/redis-state.ts';
import { ConflictError, isConflict, type ReadResult, type StateAccess } from '../bench/workloads/operation.ts';
import type { FileStore } from '../bench/workloads/store.ts';
import type { Strategy } from './strategy.ts';
import { engineSetup, type EngineShare } from './support/engine-share.ts';
import { closeRedis, openRedis } from './support/redis-session.ts';
import type { Redis } from 'ioredis';

/**
 * One attempt's view of the state key: `WATCH` then `GET` (then the read latency); the write
 * latency, then `MULTI`/`SET`/`EXEC`, which Redis refuses (a nil reply) if the key changed since
 * the `WATCH`: the attempt aborts with a {@link ConflictError}.
 */
class WatchedKey implements StateAccess {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly store: FileStore,
  ) {}

  get readLatencyMs(): number {
    return this.store.readLatencyMs;
  }

  get writeLatencyMs(): number {
    return this.store.writeLatencyMs;
  }

  async read(): Promise<ReadResult> {
    await this.redis.watch(this.key);
    const text = await this.redis.get(this.key);
    await sleepExact(this.store.latency.readMs);
    return parseState(text);
  }

  async write(state: unknown): Promise<void> {
    await sleepExact(this.store.latency.writeMs);
    const replies = await this.redis.multi().set(this.key, JSON.stringify(state)).exec();
    if (replies === null) throw new ConflictError('Redis: the state key changed since this attempt watched it (EXEC returned nil)');
  }
}

/**
 * `redis-watch`: optimistic concurrency in Redis (its `WATCH`/`MULTI`/`EXEC` check-and-set). An
 * attempt watches the state key, reads it, works, and commits in a transaction that Redis drops
 * if the key changed meanwhile; the client then retries from a fresh read. `WATCH` belongs to a
 * connection, so each client has a connection of its own.
 */
export const redisWatch: Strategy = {
  name: 'redis-watch',
  description: 'state in a Redis key; each attempt WATCH, GET, then MULTI/SET/EXEC, retried when EXEC is refused',
  paradigm: 'optimistic concurrency',
  guarantee: 'serializable commits',
  order: 'unspecified',
  onHolderCrash: 'nothing is held while a client works: a dead client loses only its own attempt',
  stateLocation: 'Redis key (server)',
  stateStore: 'redis',
  reach: 'machines',

  setup: engineSetup('redis'),

  async connect(env) {
    const share = env.share as EngineShare;
    const redis = await openRedis(share.url);
    const access = new WatchedKey(redis, redisKeys(share.namespace).state, env.store);
    return {
      async run(op) {
        for (;;) {
          try {
            const result = await env.execute(op, access);
            // A read-only attempt (no ticket left) read one committed state: it ends its watch.
            await redis.unwatch();
            return result;
          } catch (error) {
            if (!isConflict(error)) throw error;
          }
        }
      },
      close: () => closeRedis(redis),
    };
  },
};
