/**
 * Which of a suite's strategies cannot run because a server they need does not answer: each
 * engine the strategies need (their state store's, their broker's) is probed once, before
 * anything runs.
 */
import type { Strategy } from '../../strategies/strategy.ts';
import { probeService, skippedReason, type EngineName, type ServiceUrls, type StateEngine } from './services.ts';

/** The engine whose server `strategy` keeps its state in, or null for one that needs none. */
export function engineOf(strategy: Pick<Strategy, 'stateStore'>): StateEngine | null {
  const store = strategy.stateStore;
  return store === 'redis' || store === 'postgres' || store === 'nats' ? store : null;
}

/** Every server `strategy` needs: its state store's and its broker's, without repeats (empty: none). */
export function enginesOf(strategy: Pick<Strategy, 'stateStore' | 'broker'>): EngineName[] {
  const engines: EngineName[] = [];
  const store = engineOf(strategy);
  if (store !== null) engines.push(store);
  if (strategy.broker !== undefined && !engines.includes(strategy.broker)) engines.push(strategy.broker);
  return engines;
}

/**
 * By strategy name, the reason it is skipped ("skipped: no Redis at URL (why); how to start
 * one"), for each of `chosen` whose server does not answer at `urls`; the others are absent.
 */
export async function unavailableStrategies(chosen: readonly (readonly [string, Strategy])[], urls: ServiceUrls): Promise<Record<string, string>> {
  const engines = [...new Set(chosen.flatMap(([, s]) => enginesOf(s)))];
  const down = new Map<EngineName, string>();
  await Promise.all(
    engines.map(async (engine) => {
      const why = await probeService(engine, urls[engine]);
      if (why !== null) down.set(engine, skippedReason(engine, urls[engine], why));
    }),
  );
  const skipped: Record<string, string> = {};
  for (const [name, strategy] of chosen) {
    const reason = enginesOf(strategy)
      .map((engine) => down.get(engine))
      .find((r) => r !== undefined);
    if (reason !== undefined) skipped[name] = reason;
  }
  return skipped;
}
