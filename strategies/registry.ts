import { atomicsMutex } from './atomics-mutex.ts';
import { fileLock } from './file-lock.ts';
import { flock } from './flock.ts';
import { messageChannel } from './message-channel.ts';
import { none } from './none.ts';
import { optimistic } from './optimistic.ts';
import { queueOwner } from './queue-owner.ts';
import { sqlite } from './sqlite.ts';
import { sqliteBusy } from './sqlite-busy.ts';
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
} as const satisfies Record<string, Strategy>;

export type StrategyName = keyof typeof strategies;
export const strategyNames = Object.keys(strategies) as StrategyName[];
