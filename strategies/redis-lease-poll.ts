import type { Strategy } from './strategy.ts';
import { redisLeaseStrategy } from './support/redis-lease-strategy.ts';

/**
 * `redis-lease-poll`: the lease lock of `redis-lease`, its waiters polling with a doubling
 * back-off (1 ms up to 16 ms) instead of being woken. See `support/redis-lease.ts`.
 */
export const redisLeasePoll: Strategy = redisLeaseStrategy(
  'redis-lease-poll',
  'poll',
  'as redis-lease, waiters polling with a back-off that doubles from 1 ms to 16 ms',
);
