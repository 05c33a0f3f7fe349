/**
 * The Redis lease-lock strategies (`redis-lease`, `redis-lease-poll`): each critical section runs
 * while its client holds the run's lease (see `redis-lease.ts`), reading and writing the state
 * key through the thread's shared connection. The clients of one thread take turns first, so one
 * waiter per thread asks the server.
 */
import { redisKeys } from '../../bench/engines/redis-state.ts';
import { isConflict } from '../../bench/workloads/operation.ts';
import type { Strategy } from '../strategy.ts';
import { engineSetup, type EngineShare } from './engine-share.ts';
import { localTurn } from './local-turn.ts';
import { LeaseLock, type Wake } from './redis-lease.ts';
import type { Redis } from 'ioredis';
import { FENCED_SET_LUA, loadScript, RedisAccess, redisConnection, type LoadedScript } from './redis-session.ts';

/**
 * How a lease strategy's writes are fenced: the loaded script that makes a fenced write, or null for
 * plain writes. The default fences with the store's strong check (`FENCED_SET_LUA`) when the run
 * asks for fencing (`--fencing`); a broken variant in the tests passes a weaker check.
 */
export type Fence = (redis: Redis, share: EngineShare) => Promise<LoadedScript | null>;

const fenceWhenAsked: Fence = (redis, share) => (share.fencing ? loadScript(redis, FENCED_SET_LUA) : Promise.resolve(null));

export function redisLeaseStrategy(name: string, wake: Wake, description: string, fence: Fence = fenceWhenAsked): Strategy {
  return {
    name,
    description,
    paradigm: 'shared state + lock',
    guarantee: 'mutual exclusion',
    order: 'unspecified',
    onHolderCrash: "the dead holder's lease stays until its TTL runs out (1 s plus twice the longest critical section); then the next waiter takes it",
    stateLocation: 'Redis key (server)',
    stateStore: 'redis',
    fencing: true,
    reach: 'machines',

    setup: engineSetup('redis'),

    async connect(env) {
      const share = env.share as EngineShare;
      const use = await redisConnection(share.url);
      const redis = use.connection;
      const keys = redisKeys(share.namespace);
      const lease = await LeaseLock.open(redis, share.url, keys, share.leaseMs, wake);
      const access = new RedisAccess(redis, share.namespace, env.store, await fence(redis, share));
      const turn = localTurn(`redis lease ${share.url} ${share.namespace}`);
      return {
        async run(op) {
          const done = await turn.take();
          try {
            for (;;) {
              const grant = await lease.acquire();
              access.token = grant.fencingToken;
              try {
                return await env.execute(op, access);
              } catch (error) {
                // Fenced off: the lease had passed to another; ask for it again.
                if (!isConflict(error)) throw error;
              } finally {
                await lease.release(grant.holder);
              }
            }
          } finally {
            done();
          }
        },
        async close() {
          await lease.close();
          await use.release();
        },
      };
    },
  };
}
