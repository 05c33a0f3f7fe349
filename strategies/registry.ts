import { atomicsMutex } from './atomics-mutex.ts';
import { fileLock } from './file-lock.ts';
import { flock } from './flock.ts';
import { messageChannel } from './message-channel.ts';
import { none } from './none.ts';
import { optimistic } from './optimistic.ts';
import { queueOwner } from './queue-owner.ts';
import { sqlite } from './sqlite.ts';
import { sqliteBusy } from './sqlite-busy.ts';
import { pgAdvisory } from './pg-advisory.ts';
import { pgRowLock } from './pg-row-lock.ts';
import { pgSerializable } from './pg-serializable.ts';
import { pgUpdate } from './pg-update.ts';
import { redisLease } from './redis-lease.ts';
import { redisLeasePoll } from './redis-lease-poll.ts';
import { redisScript } from './redis-script.ts';
import { redisWatch } from './redis-watch.ts';
import { rabbitmqOwner } from './rabbitmq-owner.ts';
import { rabbitmqOwnerIdempotent } from './rabbitmq-owner-idempotent.ts';
import { natsOwner } from './nats-owner.ts';
import { natsKvCas } from './nats-kv-cas.ts';
import type { Strategy } from './strategy.ts';

/** Every strategy, by name, in the order the tables list them. */
export const strategies = {
  none,
  'file-lock': fileLock,
  flock,
  sqlite,
  'sqlite-busy': sqliteBusy,
  'atomics-mutex': atomicsMutex,
  'message-channel': messageChannel,
  'queue-owner': queueOwner,
  optimistic,
  'pg-advisory': pgAdvisory,
  'pg-row-lock': pgRowLock,
  'pg-serializable': pgSerializable,
  'pg-update': pgUpdate,
  'redis-lease': redisLease,
  'redis-lease-poll': redisLeasePoll,
  'redis-watch': redisWatch,
  'redis-script': redisScript,
  'rabbitmq-owner': rabbitmqOwner,
  'rabbitmq-owner-idempotent': rabbitmqOwnerIdempotent,
  'nats-owner': natsOwner,
  'nats-kv-cas': natsKvCas,
} as const satisfies Record<string, Strategy>;

export type StrategyName = keyof typeof strategies;
export const strategyNames = Object.keys(strategies) as StrategyName[];
