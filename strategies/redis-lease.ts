import type { Strategy } from './strategy.ts';
import { redisLeaseStrategy } from './support/redis-lease-strategy.ts';

/**
 * `redis-lease`: a Redis lease lock (`SET NX PX`, compare-and-delete release, `INCR` fencing
 * token), waiters woken by the release's pub/sub message. See `support/redis-lease.ts`.
 */
export const redisLease: Strategy = redisLeaseStrategy(
  'redis-lease',
  'pubsub',
  'state in a Redis key; each critical section under a lease (SET NX PX, compare-and-delete release, INCR fencing token), waiters woken by pub/sub',
);
