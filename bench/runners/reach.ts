import type { Strategy } from '../../strategies/strategy.ts';
import type { RunnerName } from './runner.ts';

/**
 * Why `strategy` cannot serve `runner`, or null if it can: a strategy whose reach is the threads
 * of one process cannot exclude clients in other processes. Its row under that runner is "not
 * applicable", with this reason, and nothing is run.
 */
export function outOfReach(strategy: Strategy, runner: RunnerName): string | null {
  if (runner === 'threads' || strategy.reach !== 'threads of one process') return null;
  return `not applicable to processes: ${strategy.reachLimit ?? 'its exclusion reaches only the threads of one process'}`;
}
